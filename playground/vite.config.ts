// The playground is a static Vite app rooted here; it imports the compiler
// and runtime straight from ../compiler and ../runtime (no server).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { mnistSlice } from "./mnist-slice-plugin.ts";

const root = fileURLToPath(new URL(".", import.meta.url));
/**
 * Cross-origin isolation gives the page SharedArrayBuffer, so the training
 * worker's tensors live in the WebAssembly kernels' memory (no copies; see
 * docs/kernels.md). Serve the built files with the same two headers.
 */
export const isolationHeaders = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };
/** How many MNIST digits the page bundles for training and for held-out accuracy. */
const slice = () => mnistSlice({ train: 3000, test: 500 });

export default defineConfig({
  root,
  base: "./",
  resolve: {
    // monaco-editor's exports map covers only .js files; its icon font's CSS is reached by path.
    alias: [{ find: /^monaco-editor-codicons\//, replacement: fileURLToPath(new URL("../node_modules/monaco-editor/esm/vs/base/browser/ui/codicons/codicon/", import.meta.url)) }],
  },
  // The dev server resolves workers' imports with `plugins`; a build bundles workers with `worker.plugins`.
  plugins: [slice()],
  worker: { format: "es", plugins: () => [slice()], rolldownOptions: { checks: { pluginTimings: false } } },
  // Found only inside workers, these would be discovered late in dev and force a reload.
  optimizeDeps: { include: ["ts-morph", "chevrotain", "prettier/standalone", "@dagrejs/dagre", "uplot", "papaparse", "fflate"] },
  server: { headers: isolationHeaders, fs: { allow: [fileURLToPath(new URL("..", import.meta.url))] } },
  preview: { headers: isolationHeaders },
  build: {
    outDir: fileURLToPath(new URL("../out/playground", import.meta.url)),
    emptyOutDir: true,
    // ts-morph (code generation, in the training worker) is large by nature; the page itself stays small.
    chunkSizeWarningLimit: 12_000,
    rolldownOptions: { checks: { pluginTimings: false } },
  },
});
