// The playground is a static Vite app rooted here; it imports the compiler
// and runtime straight from ../compiler and ../runtime (no server).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { mnistSlice } from "./mnist-slice-plugin.ts";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "./",
  // Workers are bundled apart from the page: the training worker needs the plugin there.
  worker: { format: "es", plugins: () => [mnistSlice({ train: 3000, test: 500 })] },
  server: { fs: { allow: [fileURLToPath(new URL("..", import.meta.url))] } },
  build: {
    outDir: fileURLToPath(new URL("../dist/playground", import.meta.url)),
    emptyOutDir: true,
    // ts-morph (code generation, in the training worker) is large by nature; the page itself stays small.
    chunkSizeWarningLimit: 12_000,
  },
});
