// `npm run bench:size`: what a browser downloads for a tiny app that runs
// LeNet-5 on one input. Ours imports examples/lenet.nn compiled with
// --inference (and, for comparison, the full module); the other builds the
// same network with TF.js (tfjs-core, tfjs-backend-wasm, tfjs-layers) and
// predicts with it. Each is bundled with esbuild (bundle, minify, platform
// browser, ESM) and with Vite (build, minified ESM) and measured gzipped
// (level 9) with its WebAssembly: nnc's kernels are embedded in the
// JavaScript as base64 (runtime/wasm/binary.ts), TF.js fetches a .wasm file
// at run time (its SIMD build, the one loaded where threads are unavailable).
// Our bundles are also run in Node, to be sure they work. The biggest inputs
// (esbuild's metafile) show what makes each bundle big.
//
// Run: npm run bench:size   (bundles go to a temporary folder, removed after)
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { build as viteBuild } from "vite";
import { compile } from "../compiler/index.ts";
import * as binary from "../runtime/wasm/binary.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "nnc-size-"));
// The apps live outside the repository; they find its packages through this link.
symlinkSync(join(root, "node_modules"), join(work, "node_modules"), "dir");
// `nnc/runtime` is this repository's runtime, whatever the package's exports say.
const alias = { "nnc/runtime": join(root, "runtime/index.ts") };

const gzip = (data: string | Uint8Array) => gzipSync(data, { level: 9 }).length;
const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

interface App {
  name: string;
  /** Folder name in the work folder. */
  id: string;
  entry: string;
  /** WebAssembly files the app fetches at run time. */
  wasmFiles: string[];
  /** WebAssembly embedded in the bundle as base64 strings. */
  embeddedWasm: string[];
  /** Run the bundle in Node to check it works (TF.js's would need its .wasm served). */
  run: boolean;
}

function nncApp(id: string, inference: boolean): App {
  const dir = join(work, id);
  mkdirSync(dir);
  const { code, diagnostics } = compile(readFileSync(join(root, "examples/lenet.nn"), "utf8"), { filename: "lenet.nn", inference });
  if (!code) throw new Error(`examples/lenet.nn: ${diagnostics.map((d) => d.message).join("; ")}`);
  writeFileSync(join(dir, "lenet.nn.ts"), code);
  writeFileSync(
    join(dir, "main.ts"),
    `import { LeNet5 } from "./lenet.nn.ts";
const net = new LeNet5({ seed: 0 });
const { logits } = net.forward({ image: new Float32Array(784).fill(0.5) }, { batch: 1 });
console.log("class", logits.indexOf(Math.max(...logits)));
`,
  );
  return { name: inference ? "nnc --inference" : "nnc, full module", id, entry: join(dir, "main.ts"), wasmFiles: [], embeddedWasm: Object.values(binary), run: true };
}

function tfjsApp(): App {
  const dir = join(work, "tfjs");
  mkdirSync(dir);
  writeFileSync(
    join(dir, "main.ts"),
    `import * as tf from "@tensorflow/tfjs-core";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import * as tfl from "@tensorflow/tfjs-layers";

setWasmPaths("./");
await tf.setBackend("wasm");
const { conv2d, maxPooling2d, flatten, dense } = tfl.layers;
const net = tfl.sequential({
  layers: [
    conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: "same", activation: "relu" }),
    maxPooling2d({ poolSize: 2 }),
    conv2d({ filters: 16, kernelSize: 5, activation: "relu" }),
    maxPooling2d({ poolSize: 2 }),
    flatten(),
    dense({ units: 120, activation: "relu" }),
    dense({ units: 84, activation: "relu" }),
    dense({ units: 10 }),
  ],
});
const logits = net.predict(tf.fill([1, 28, 28, 1], 0.5)) as tf.Tensor;
console.log("class", logits.argMax(-1).dataSync()[0]);
`,
  );
  const wasm = join(root, "node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm");
  return { name: "TF.js (core, wasm, layers)", id: "tfjs", entry: join(dir, "main.ts"), wasmFiles: [wasm], embeddedWasm: [], run: false };
}

interface Measured {
  /** The JavaScript gzipped, without embedded WebAssembly. */
  js: number;
  /** What embedded WebAssembly adds to the gzipped JavaScript, plus the gzipped .wasm files fetched. */
  wasm: number;
}

function measure(app: App, outDir: string): Measured {
  const files = readdirSync(outDir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".js"));
  let total = 0;
  let js = 0;
  for (const f of files) {
    const text = readFileSync(join(outDir, f), "utf8");
    total += gzip(text);
    js += gzip(app.embeddedWasm.reduce((t, b) => t.split(b).join(""), text));
  }
  if (app.run) {
    const printed = execFileSync("node", [join(outDir, "main.js")], { encoding: "utf8" });
    if (!/^class \d\n$/.test(printed)) throw new Error(`${app.name}: the bundle printed '${printed}'`);
  }
  return { js, wasm: total - js + app.wasmFiles.reduce((sum, f) => sum + gzip(readFileSync(f)), 0) };
}

async function withEsbuild(app: App): Promise<{ size: Measured; biggest: string[] }> {
  const outdir = join(work, "esbuild", app.id);
  const result = await esbuild.build({ entryPoints: { main: app.entry }, outdir, bundle: true, minify: true, platform: "browser", format: "esm", target: "es2022", alias, metafile: true, logLevel: "error" });
  const inputs = Object.values(result.metafile.outputs).flatMap((o) => Object.entries(o.inputs));
  const biggest = inputs
    .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)
    .slice(0, 6)
    .map(([file, i]) => `${kB(i.bytesInOutput).padStart(9)}  ${file.replace(/^.*(node_modules|nnc-size-\w+)\//, "")}`);
  return { size: measure(app, outdir), biggest };
}

async function withVite(app: App): Promise<Measured> {
  const outDir = join(work, "vite", app.id);
  await viteBuild({
    configFile: false,
    root: join(app.entry, ".."),
    logLevel: "error",
    resolve: { alias },
    build: { outDir, emptyOutDir: true, minify: true, target: "es2022", rollupOptions: { input: app.entry, output: { format: "es", entryFileNames: "main.js" } } },
  });
  return measure(app, outDir);
}

const rows: { app: App; esbuild: Measured; vite: Measured; biggest: string[] }[] = [];
try {
  for (const app of [nncApp("nnc-inference", true), nncApp("nnc-full", false), tfjsApp()]) {
    const e = await withEsbuild(app);
    rows.push({ app, esbuild: e.size, vite: await withVite(app), biggest: e.biggest });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const [ours, , theirs] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
const total = (m: Measured) => m.js + m.wasm;
const header = ["bundler", "app", "JS", "WebAssembly", "total"];
const table: string[][] = [];
for (const bundler of ["esbuild", "vite"] as const) {
  for (const r of rows) table.push([bundler, r.app.name, kB(r[bundler].js), kB(r[bundler].wasm), kB(total(r[bundler]))]);
  const ratio = (f: (m: Measured) => number) => `${((100 * f(ours[bundler])) / f(theirs[bundler])).toFixed(1)}%`;
  table.push([bundler, "nnc --inference / TF.js", ratio((m) => m.js), ratio((m) => m.wasm), ratio(total)]);
}
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
const lines = ["LeNet-5, one prediction in the browser: bytes to download, gzip -9", "", line(header), widths.map((w) => "─".repeat(w)).join("  "), ...table.map(line)];
lines.push(
  "",
  "nnc's WebAssembly is embedded in its JavaScript as base64 (two builds: SIMD and relaxed SIMD; one runs); the column is what it adds to the gzipped bundle.",
  `TF.js fetches ${theirs.app.wasmFiles.map((f) => f.split("/").pop()).join(", ")} (of its three builds, the one a browser without cross-origin isolation loads).`,
);
for (const r of rows) lines.push("", `Biggest inputs of the ${r.app.name} bundle (esbuild, minified, before gzip):`, ...r.biggest);
console.log(lines.join("\n"));
