// How fast is `check()` on a large, realistic file? Generates a 10,000-line
// .nn file from the examples (every model, block and const renamed per copy)
// plus long synthetic pipelines, then times:
//   - parse() alone and check() in-process: one warm-up run, then the median of several;
//   - the CLI, `node bin/nnc.js check <file>`, end to end (process start included), once.
// Then deep models, 100, 400 and 1,000 stacked `dense(8) -> relu` layers:
// check() and compile() (check and code generation) in-process, and
// `nnc compile` (Prettier included) end to end on the 1,000-layer one; time
// per layer shows that compiling is linear in the number of layers.
// Run: npm run bench:check  [-- --lines 10000 --runs 7]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { check, compile } from "../compiler/index.ts";
import { parse } from "../grammar/index.ts";
import { generateLargeFile } from "./large-file.ts";

const root = fileURLToPath(new URL("../", import.meta.url));

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
const targetLines = flag("lines", 10_000);
const runs = flag("runs", 7);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function time<T>(f: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = f();
  return { ms: performance.now() - t0, value };
}

const text = generateLargeFile(targetLines);
const lineCount = text.split("\n").length;
const bytes = Buffer.byteLength(text);

// In-process: warm-up, then the median of `runs`.
const firstParse = time(() => parse(text, "bench.nn"));
const parseTimes = Array.from({ length: runs }, () => time(() => parse(text, "bench.nn")).ms);
const firstCheck = time(() => check(text, { filename: "bench.nn" }));
const result = firstCheck.value;
const checkTimes = Array.from({ length: runs }, () => time(() => check(text, { filename: "bench.nn" })).ms);
const errors = result.diagnostics.filter((d) => d.severity === "error");
const warnings = result.diagnostics.length - errors.length;

/** A model of `layers` stacked `dense(8) -> relu` layers, trained with mse. */
function deep(layers: number): string {
  return `model Deep {\n  input x: f32[8]\n  target t: f32[8]\n  output y = x${" -> dense(8) -> relu".repeat(layers)}\n  loss mse(y, t)\n}\n`;
}
compile(deep(10), { filename: "deep.nn" }); // warm-up: ts-morph's first project
const deepRows = [100, 400, 1000].map((layers) => {
  const text = deep(layers);
  const checked = time(() => check(text, { filename: "deep.nn" }));
  const compiled = time(() => compile(text, { filename: "deep.nn" }));
  if (checked.value.diagnostics.length || !compiled.value.code) throw new Error(`the ${layers}-layer model should compile: ${compiled.value.diagnostics.map((d) => d.message).join("; ")}`);
  return { layers, check: checked.ms, compile: compiled.ms, bytes: compiled.value.code.length };
});

// The CLI, end to end, on the file written to a temp dir.
const dir = mkdtempSync(join(tmpdir(), "nnc-bench-"));
const file = join(dir, "bench.nn");
writeFileSync(file, text);
const cli = time(() => spawnSync(process.execPath, [join(root, "bin/nnc.js"), "check", file], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } }));
const cliStatus = cli.value.status;
const cliSummary = (cli.value.stderr ?? "").trim().split("\n").pop() ?? "";
// The same CLI on a tiny file: the fixed cost of starting node, tsx and the compiler.
const tinyFile = join(dir, "tiny.nn");
writeFileSync(tinyFile, "model A {\n  input x: f32[2]\n  output y = x -> relu\n}\n");
const tiny = time(() => spawnSync(process.execPath, [join(root, "bin/nnc.js"), "check", tinyFile], { encoding: "utf8" }));
// `nnc compile` on the 1,000-layer model: check, code generation, Prettier, writing the file.
const deepFile = join(dir, "deep.nn");
writeFileSync(deepFile, deep(1000));
const deepCli = time(() => spawnSync(process.execPath, [join(root, "bin/nnc.js"), "compile", deepFile, "-o", join(dir, "out")], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } }));
rmSync(dir, { recursive: true, force: true });

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const rows: [string, string][] = [
  ["file", `${lineCount} lines, ${(bytes / 1024).toFixed(0)} KiB, ${result.models.length} models`],
  ["diagnostics", `${result.diagnostics.length} (${errors.length} errors, ${warnings} warnings)`],
  ["parse(), first run", fmt(firstParse.ms)],
  [`parse(), median of ${runs}`, fmt(median(parseTimes))],
  ["check(), first run", fmt(firstCheck.ms)],
  [`check(), median of ${runs}`, `${fmt(median(checkTimes))}  (min ${fmt(Math.min(...checkTimes))}, max ${fmt(Math.max(...checkTimes))})`],
  ["nnc check <file>, end to end", `${fmt(cli.ms)}  (exit ${cliStatus}: ${cliSummary})`],
  ["nnc check <tiny file>, end to end", `${fmt(tiny.ms)}  (startup cost)`],
];
const w = Math.max(...rows.map((r) => r[0].length));
console.log(`\ncheck() speed — node ${process.version}\n`);
for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
console.log("\n  deep models: x -> dense(8) -> relu, stacked");
for (const r of deepRows)
  console.log(`  ${String(r.layers).padStart(5)} layers  check() ${fmt(r.check).padStart(10)}   compile() ${fmt(r.compile).padStart(10)}  (${(r.compile / r.layers).toFixed(2)} ms per layer, ${(r.bytes / 1024).toFixed(0)} KiB of TypeScript)`);
console.log(`  nnc compile, 1000 layers, end to end: ${fmt(deepCli.ms)}  (exit ${deepCli.value.status})`);
console.log();
const target = 1000;
console.log(`  target: check() under ${target} ms on ${targetLines} lines — ${median(checkTimes) < target ? "met" : "NOT met"}`);

if (deepCli.value.status !== 0) {
  console.log(`\nnnc compile failed on the 1,000-layer model:\n${deepCli.value.stderr}`);
  process.exitCode = 1;
}
if (errors.length > 0 || cliStatus !== 0) {
  console.log("\nThe generated file should be valid, but:");
  for (const d of result.diagnostics.slice(0, 5)) console.log(`  ${d.span.file}:${d.span.line}:${d.span.column}: ${d.code} ${d.message}`);
  if (cliStatus !== 0) console.log((cli.value.stderr ?? "").split("\n").slice(0, 10).join("\n"));
  process.exitCode = 1;
}
