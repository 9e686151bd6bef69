// Packages the VS Code extension (editors/vscode/) into a .vsix:
//   npm run package:vscode  [-- --out out/nnc-vscode.vsix]
// The extension's code is bundled by esbuild into one file (the language
// client included, `vscode` left to the editor), so the .vsix carries no
// node_modules; @vscode/vsce then writes the package from the files that
// .vscodeignore lets through. The language server itself is not inside: the
// extension runs the workspace's (or the PATH's) `nnc lsp`.
import { statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createVSIX } from "@vscode/vsce";
import * as esbuild from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
export const extensionDir = join(root, "editors/vscode");

/** Bundles the extension and writes the .vsix to `out`; returns its size in bytes. */
export async function packageExtension(out: string): Promise<number> {
  await esbuild.build({
    entryPoints: [join(extensionDir, "src/extension.ts")],
    outfile: join(extensionDir, "dist/extension.js"),
    bundle: true,
    format: "cjs",
    platform: "node",
    // VS Code 1.91 runs extensions on Node 20.
    target: "node20",
    external: ["vscode"],
    minify: true,
    logLevel: "warning",
  });
  // The manifest has no repository and the project no licence file of its own (package.json says MIT).
  await createVSIX({ cwd: extensionDir, packagePath: out, dependencies: false, allowMissingRepository: true, skipLicense: true });
  return statSync(out).size;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf("--out");
  const out = i >= 0 ? process.argv[i + 1]! : join(root, "out/nnc-vscode.vsix");
  const size = await packageExtension(out);
  console.log(`wrote ${out} (${(size / 1024).toFixed(1)} KiB)`);
}
