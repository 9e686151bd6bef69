// Shared harness of the benchmarks (bench/index.ts runs them all): timing,
// TF.js setup, and one measurement routine that times a model compiled by
// nnc against the same network written with TF.js ops on the cpu and wasm
// backends, after checking that all three compute the same training step.
//
// Per model it measures (a) a training step (forward, backward, SGD update)
// at the model's batch size, (b) inference (forward only) at batch 1 and at
// that batch size. Each number is the median of N timed runs after a warm-up.
// nnc is measured twice: generic code (batch and symbolic dims read at run
// time, the table's column) and code specialised for the benchmark's dims.
import { createRequire } from "node:module";
import { cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { compile, loadModule, type ModelClass, type ModelInstance } from "../compiler/index.ts";
import { kernelSet, sgd, useKernels } from "../runtime/index.ts";
import { wasmKernels } from "../runtime/kernels.ts";
import { profile, profileLine } from "./profile.ts";
import { registerTfGradients } from "./tfjs-gradients.ts";

export { tf };
export const quick = process.argv.includes("--quick");
export const LR = 0.01;

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** [warm-up runs, timed runs]. */
export type Runs = readonly [number, number];

/** Median ms of `timed` calls of fn(i) after `warm` untimed ones. */
export function time([warm, timed]: Runs, fn: (i: number) => unknown): number {
  for (let i = 0; i < warm; i++) fn(i);
  const ms: number[] = [];
  for (let i = 0; i < timed; i++) {
    const t0 = performance.now();
    fn(warm + i);
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

/** Max |a − b| relative to max |b| (at least 1e-3). */
export function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let s = 1e-3;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    s = Math.max(s, Math.abs(b[i]!));
  }
  return d / s;
}

export const rssMiB = () => process.resourceUsage().maxRSS / 1024;
export const log = (s: string) => process.stderr.write(`${s}\n`);
export const ms = (x: number) => (x < 1 ? x.toFixed(3) : x < 100 ? x.toFixed(2) : x.toFixed(0));
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

/** A seeded stream of uniform numbers in [-1, 1) (Park–Miller). */
export function uniform(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
}

// ---------------------------------------------------------------------------
// TF.js setup (once per process).

let tfReady: Promise<void> | undefined;
let savedWarn: typeof console.warn | undefined;

/** Gradients registered, wasm served from node_modules and single-threaded; tfjs's console warnings muted until `tfDone`. */
export function setupTf(): Promise<void> {
  if (!tfReady) {
    savedWarn = console.warn;
    console.warn = () => {}; // tfjs-backend-cpu's "install tfjs-node" banner
    tfReady = (async () => {
      await registerTfGradients();
      const wasmDist = join(dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + "/";
      setWasmPaths(wasmDist);
      tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false); // single-threaded, like the JS sides
    })();
  }
  return tfReady;
}

export function tfDone(): void {
  if (savedWarn) console.warn = savedWarn;
}

export async function environmentLine(): Promise<string> {
  const cpuName = cpus()[0]?.model.trim() ?? "unknown CPU";
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  const w = wasmKernels();
  const nncKernels = `nnc kernels ${kernelSet()}${w ? `, relaxed SIMD (FMA) ${w.fma ? "on" : "off"}` : ""}`;
  return `Node ${process.version}, ${cpuName}; ${nncKernels}; tfjs-core ${tf.version_core}, wasm SIMD ${simd ? "on" : "off"}, threads off; one process, one core per side`;
}

// ---------------------------------------------------------------------------
// nnc

export function compileModel(source: string, name: string, specialize?: Record<string, number>): ModelClass {
  const result = compile(source, { filename: `${name}.nn`, ...(specialize ? { specialize } : {}) });
  if (!result.code) throw new Error(result.diagnostics.map((d) => `${d.span.line}:${d.span.column} ${d.code} ${d.message}`).join("\n"));
  const M = loadModule(result.code)[name];
  if (!M) throw new Error(`the module compiled from ${name}.nn exports no ${name}`);
  return M;
}

// ---------------------------------------------------------------------------
// The measurement.

export interface Batch {
  /** Flat, row-major, batch first: the model's one input. */
  x: Float32Array;
  label: Int32Array;
}

export type Vars = Record<string, tf.Variable>;

export interface RunPlan {
  train: Runs;
  inferN: Runs;
  infer1: Runs;
}

export interface ModelBench {
  /** Short name used in the table ("LSTM"). */
  name: string;
  source: string;
  /** The model's class name in `source`. */
  model: string;
  /** The model's input and target names. */
  input: string;
  target: string;
  batch: number;
  /** Symbolic dims besides batch, e.g. { T: 32 }. */
  dims: Record<string, number>;
  /** Floats per example of the input. */
  exampleSize: number;
  batches: Batch[];
  /** The network in TF.js ops: logits [n, classes] from parameters named like nnc's and the flat input of n examples. */
  tfLogits: (v: Vars, x: Float32Array, n: number) => tf.Tensor2D;
  classes: number;
  runs: { nnc: RunPlan; cpu: RunPlan; wasm: RunPlan };
  /** Registers wasm kernels the network's gradient needs and tfjs-backend-wasm lacks; returns a note for the report, and marks the train row "wasm patched". */
  patchWasm?: () => Promise<string>;
}

export interface Row {
  task: string;
  nnc: number;
  /** nnc with the plain-JavaScript kernels (the fallback). */
  nncJs: number;
  cpu: number;
  wasm: number;
}

export interface Section {
  name: string;
  rows: Row[];
  notes: string[];
}

export async function benchModel(b: ModelBench): Promise<Section> {
  await setupTf();
  const notes: string[] = [];
  const dimsN = { batch: b.batch, ...b.dims };
  const dims1 = { batch: 1, ...b.dims };
  const dimText = Object.entries(b.dims).map(([k, v]) => `${k} ${v}`).join(", ");
  log(`${b.name}: batch ${b.batch}${dimText ? `, ${dimText}` : ""}, ${quick ? "quick run" : "full run"}`);
  const single = b.batches.map((x) => x.x.subarray(0, b.exampleSize));

  const Generic = compileModel(b.source, b.model);
  const initial = new Generic({ seed: 0 }).params;
  const copyParams = (m: ModelInstance) => {
    for (const [k, v] of Object.entries(initial)) m.params[k]!.set(v);
  };
  const nncTrainStep = (m: ModelInstance, opt: ReturnType<typeof sgd>, batch: Batch): number => {
    const loss = m.lossAndGrads!({ [b.input]: batch.x, [b.target]: batch.label }, dimsN);
    opt.step(m.params, m.grads!);
    return loss;
  };

  // --- Agreement: one SGD step from identical parameters on batch 0. ---
  const agree: Record<string, { loss: number; params: Record<string, Float32Array> }> = {};
  {
    const m = new Generic({ seed: 0 });
    const loss = nncTrainStep(m, sgd({ lr: LR }), b.batches[0]!);
    agree.nnc = { loss, params: Object.fromEntries(Object.entries(m.params).map(([k, v]) => [k, Float32Array.from(v)])) };
  }

  // --- nnc: generic code, then code specialised for the dims, then generic code on the plain-JS kernels. ---
  const nnc: Record<string, number> = {};
  const nncSpec: Record<string, number> = {};
  const nncJs: Record<string, number> = {};
  const kernels = kernelSet();
  for (const [label, out, set, M1, MN] of [
    ["generic", nnc, kernels, Generic, Generic],
    ["specialised", nncSpec, kernels, compileModel(b.source, b.model, dims1), compileModel(b.source, b.model, dimsN)],
    ["generic, JS kernels", nncJs, "js", Generic, Generic],
  ] as const) {
    const R = b.runs.nnc;
    // Models allocate their arrays where the active set's products read them best, so the set is chosen before they are made.
    useKernels(set);
    const m = new MN({ seed: 0 });
    copyParams(m);
    const opt = sgd({ lr: LR });
    out.train = time(R.train, (i) => nncTrainStep(m, opt, b.batches[i % b.batches.length]!));
    out.inferN = time(R.inferN, (i) => m.forward({ [b.input]: b.batches[i % b.batches.length]!.x }, dimsN));
    const m1 = new M1({ seed: 0 });
    copyParams(m1);
    out.infer1 = time(R.infer1, (i) => m1.forward({ [b.input]: single[i % single.length]! }, dims1));
    log(`  nnc ${label}: train ${ms(out.train)} ms, infer b1 ${ms(out.infer1)} ms, b${b.batch} ${ms(out.inferN)} ms`);
    if (label === "generic") {
      // Separate, profiled runs: per-kernel GFLOP/s and the share of the step spent outside the kernels.
      notes.push(`nnc ${kernels} kernels, train step: ${profileLine(profile(R.train[1], (i) => nncTrainStep(m, opt, b.batches[i % b.batches.length]!)))}.`);
      notes.push(`nnc ${kernels} kernels, inference b${b.batch}: ${profileLine(profile(R.inferN[1], (i) => m.forward({ [b.input]: b.batches[i % b.batches.length]!.x }, dimsN)))}.`);
    }
  }
  useKernels(kernels);

  // --- TF.js, cpu then wasm. ---
  const makeVars = (): Vars => {
    const vars: Vars = {};
    for (const [k, v] of Object.entries(initial)) vars[k] = tf.variable(tf.tensor(v, [...Generic.params[k]!]), true, k);
    return vars;
  };
  const tfTrainStep = (v: Vars, opt: tf.Optimizer, batch: Batch): number =>
    tf.tidy(() => {
      const y = tf.oneHot(tf.tensor1d(batch.label, "int32"), b.classes);
      const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, b.tfLogits(v, batch.x, b.batch)) as tf.Scalar, true, Object.values(v))!;
      return loss.dataSync()[0]!;
    });
  const tfInfer = (v: Vars, x: Float32Array, n: number): Float32Array => {
    // The tensor leaves tidy and is read outside: tidy walks a returned typed array element by element.
    const logits = tf.tidy(() => b.tfLogits(v, x, n));
    const out = logits.dataSync() as Float32Array;
    logits.dispose();
    return out;
  };
  let patched = false;
  const tfResults: Record<string, Record<string, number>> = {};
  for (const backend of ["cpu", "wasm"] as const) {
    if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialise`);
    if (backend === "wasm" && b.patchWasm) {
      notes.push(await b.patchWasm());
      patched = true;
      await tf.setBackend("wasm"); // a patch's self-check may switch backends
    } else if (backend === "wasm") notes.push("wasm unpatched: tfjs-backend-wasm has every kernel this network and its gradient use.");
    {
      const v = makeVars();
      const loss = tfTrainStep(v, tf.train.sgd(LR), b.batches[0]!);
      agree[backend] = { loss, params: Object.fromEntries(Object.entries(v).map(([k, t]) => [k, t.dataSync() as Float32Array])) };
      Object.values(v).forEach((t) => t.dispose());
    }
    const v = makeVars();
    const opt = tf.train.sgd(LR);
    const r = (tfResults[backend] = {} as Record<string, number>);
    const R = b.runs[backend];
    const before = tf.memory().numTensors;
    r.train = time(R.train, (i) => tfTrainStep(v, opt, b.batches[i % b.batches.length]!));
    r.inferN = time(R.inferN, (i) => tfInfer(v, b.batches[i % b.batches.length]!.x, b.batch));
    r.infer1 = time(R.infer1, (i) => tfInfer(v, single[i % single.length]!, 1));
    const leaked = tf.memory().numTensors - before;
    log(`  tfjs-${backend}: train ${ms(r.train)} ms, infer b1 ${ms(r.infer1)} ms, b${b.batch} ${ms(r.inferN)} ms${leaked > 0 ? ` (${leaked} tensors left behind)` : ""}`);
    Object.values(v).forEach((t) => t.dispose());
    opt.dispose();
  }

  const cpu = tfResults.cpu!;
  const wasm = tfResults.wasm!;
  const rows: Row[] = [
    { task: `train step, batch ${b.batch}${patched ? " (wasm patched)" : ""}`, nnc: nnc.train!, nncJs: nncJs.train!, cpu: cpu.train!, wasm: wasm.train! },
    { task: "inference, batch 1", nnc: nnc.infer1!, nncJs: nncJs.infer1!, cpu: cpu.infer1!, wasm: wasm.infer1! },
    { task: `inference, batch ${b.batch}`, nnc: nnc.inferN!, nncJs: nncJs.inferN!, cpu: cpu.inferN!, wasm: wasm.inferN! },
  ];
  const specDims = Object.entries(dimsN).map(([k, v]) => `${k} ${v}`).join(", ");
  notes.push(`nnc code specialised (${specDims}; batch 1 for b1): train ${ms(nncSpec.train!)} ms, inference b1 ${ms(nncSpec.infer1!)} ms, b${b.batch} ${ms(nncSpec.inferN!)} ms.`);
  const rr = (k: keyof RunPlan) => `${b.runs.nnc[k].join("+")} (cpu ${b.runs.cpu[k].join("+")}, wasm ${b.runs.wasm[k].join("+")})`;
  notes.push(`runs (warm-up + timed): train ${rr("train")}; inference b1 ${rr("infer1")}, b${b.batch} ${rr("inferN")}.`);
  // Compares the updates (after − before = −lr·gradient), not the parameters, which the update barely moves.
  const delta = (x: string, k: string) => agree[x]!.params[k]!.map((p, i) => p - initial[k]![i]!);
  const paramDiff = (x: string) => Math.max(...Object.keys(initial).map((k) => relDiff(delta(x, k), delta("nnc", k))));
  const a = agree;
  const diffs = { cpu: paramDiff("cpu"), wasm: paramDiff("wasm") };
  notes.push(
    `agreement after one SGD step from identical parameters (batch 0): loss nnc ${a.nnc!.loss.toFixed(6)}, cpu ${a.cpu!.loss.toFixed(6)}, wasm ${a.wasm!.loss.toFixed(6)}; ` +
      `max rel. diff of the parameter updates vs nnc: cpu ${diffs.cpu.toExponential(1)}, wasm ${diffs.wasm.toExponential(1)}`,
  );
  const lossGap = Math.max(Math.abs(a.cpu!.loss - a.nnc!.loss), Math.abs(a.wasm!.loss - a.nnc!.loss)) / Math.max(1, Math.abs(a.nnc!.loss));
  if (!(lossGap < 1e-4) || !(diffs.cpu < 1e-3) || !(diffs.wasm < 1e-3))
    notes.push(`WARNING: nnc and TF.js disagree (loss rel. gap ${lossGap.toExponential(1)}): the rows may not time the same computation.`);
  notes.push(`peak RSS so far: ${rssMiB().toFixed(0)} MiB.`);
  return { name: b.name, rows, notes };
}

// ---------------------------------------------------------------------------
// Report.

/** One markdown table for all sections (a "model" column groups the rows), then each section's notes. */
export function report(title: string, sections: Section[]): string[] {
  const table = [
    ["model", "task", "nnc ms", "tfjs-cpu ms", "ratio", "tfjs-wasm ms", "ratio", "speed-up", "nnc-js ms", "ratio"],
    ...sections.flatMap((s) => s.rows.map((r, i) => [i === 0 ? s.name : "", r.task, ms(r.nnc), ms(r.cpu), ratio(r.nnc, r.cpu), ms(r.wasm), ratio(r.nnc, r.wasm), ratio(r.wasm, r.nnc), ms(r.nncJs), ratio(r.nncJs, r.wasm)])),
  ];
  const left = 2;
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i < left ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
  const out = [title, line(table[0]!), `|${widths.map((w, i) => (i < left ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`];
  for (const r of table.slice(1)) out.push(line(r));
  out.push(
    `ratio = nnc / TF.js (below 1: nnc faster); speed-up = tfjs-wasm / nnc. nnc: generic code (batch and dims at run time) on the ${kernelSet()} kernels; nnc-js: the same code on the plain-JavaScript kernels (the fallback), its ratio against tfjs-wasm.`,
  );
  for (const s of sections) {
    out.push("", `${s.name}:`);
    for (const n of s.notes) out.push(`- ${n}`);
  }
  return out;
}

/** True when `url` (a module's import.meta.url) is the script node was started with. */
export function isMain(url: string): boolean {
  return process.argv[1] !== undefined && fileURLToPath(url) === resolve(process.argv[1]);
}
