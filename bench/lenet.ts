// LeNet-5 (examples/lenet.nn): nnc's generated code against TensorFlow.js
// (tfjs-core 4.22 with the plain-JS cpu backend and the wasm backend,
// single-threaded), in one process, on real MNIST digits.
//   (a) a training step at batch 64: forward, backward, SGD update (lr 0.01);
//   (b) inference (forward only) at batch 1 and batch 64.
// Each row is the median of N timed runs after a warm-up. Ratio = nnc / TF.js
// (below 1: nnc is faster). Before timing, one SGD step from identical
// parameters on the same batch is taken by all three and their losses and
// updated parameters are compared, so the rows time the same computation.
//
// TF.js side: only tfjs-core is installed (no tf.layers), so the network is
// written with ops — conv2d(same) → relu → maxPool → conv2d(valid) → relu →
// maxPool → reshape → matMul+bias → relu ×2 → matMul+bias — and trained with
// tf.train.sgd().minimize over tf.variables (gradients by tfjs's autodiff).
// tfjs-backend-wasm 4.22 registers no Conv2DBackpropFilter kernel, which the
// conv2d gradient needs; this file registers one built from wasm ops (a
// forward conv2d with batch and channels swapped), hence "wasm (patched)".
//
// Run: npm run bench  [-- --quick]   (--quick: fewer runs, for a smoke test)
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { check } from "../compiler/index.ts";
import { generate } from "../compiler/codegen/index.ts";
import { loadModule, type ModelClass, type ModelInstance } from "../compiler/codegen/load.ts";
import { sgd } from "../runtime/index.ts";
import { loadMnist } from "../runtime/mnist-node.ts";
import { registerTfGradients } from "./tfjs-gradients.ts";

const quick = process.argv.includes("--quick");
const LR = 0.01;
const BATCH = 64;
const IMAGE = 28 * 28;

/** Runs: warm-up, then timed (median). TF.js cpu training is ~4 s a step, so it gets few. */
const runs = quick
  ? { nncTrain: [2, 5], nncInfer1: [20, 50], nncInfer64: [2, 5], cpuTrain: [1, 1], cpuInfer1: [5, 10], cpuInfer64: [1, 2], wasmTrain: [2, 5], wasmInfer1: [20, 50], wasmInfer64: [2, 5] }
  : { nncTrain: [5, 30], nncInfer1: [200, 1000], nncInfer64: [5, 40], cpuTrain: [1, 5], cpuInfer1: [20, 200], cpuInfer64: [3, 15], wasmTrain: [5, 30], wasmInfer1: [200, 1000], wasmInfer64: [5, 40] };

// ---------------------------------------------------------------------------
// Data: real digits, batches of 64 consecutive training images.

const mnist = loadMnist();
const batches: { images: Float32Array; labels: Int32Array }[] = [];
for (let b = 0; b < 16; b++)
  batches.push({ images: mnist.train.images.subarray(b * BATCH * IMAGE, (b + 1) * BATCH * IMAGE), labels: mnist.train.labels.subarray(b * BATCH, (b + 1) * BATCH) });
const single = batches.map((b) => b.images.subarray(0, IMAGE));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Median ms of `timed` calls of fn(i) after `warm` untimed ones. */
function time([warm, timed]: number[], fn: (i: number) => unknown): number {
  for (let i = 0; i < warm!; i++) fn(i);
  const ms: number[] = [];
  for (let i = 0; i < timed!; i++) {
    const t0 = performance.now();
    fn(warm! + i);
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

const rssMiB = () => process.resourceUsage().maxRSS / 1024;
const log = (s: string) => process.stderr.write(`${s}\n`);

// ---------------------------------------------------------------------------
// nnc

const source = readFileSync(new URL("../examples/lenet.nn", import.meta.url), "utf8");
function compile(specialize?: Record<string, number>): ModelClass {
  const result = generate(check(source, { filename: "lenet.nn" }), specialize ? { specialize } : {});
  if (!result.code) throw new Error(result.diagnostics.map((d) => `${d.span.line}:${d.span.column} ${d.code} ${d.message}`).join("\n"));
  return loadModule(result.code).LeNet5!;
}
const LeNet = compile();
const initial = new LeNet({ seed: 0 }).params;
const copyParams = (m: ModelInstance) => {
  for (const [k, v] of Object.entries(initial)) m.params[k]!.set(v);
};

function nncTrainStep(m: ModelInstance, opt: ReturnType<typeof sgd>, b: { images: Float32Array; labels: Int32Array }): number {
  const loss = m.lossAndGrads!({ image: b.images, label: b.labels }, { batch: BATCH });
  opt.step(m.params, m.grads!);
  return loss;
}

// ---------------------------------------------------------------------------
// TF.js: LeNet-5 in ops, parameters as variables named like nnc's.

type Vars = Record<string, tf.Variable>;

function makeVars(): Vars {
  const vars: Vars = {};
  for (const [k, v] of Object.entries(initial)) vars[k] = tf.variable(tf.tensor(v, [...LeNet.params[k]!]), true, k);
  return vars;
}

function tfLenet(v: Vars, x: tf.Tensor4D): tf.Tensor2D {
  const b = (n: string) => v[`${n}.bias`]!;
  const k4 = (n: string) => v[`${n}.kernel`] as tf.Tensor4D;
  let h: tf.Tensor4D = tf.relu(tf.add(tf.conv2d(x, k4("conv2d_1"), 1, "same"), b("conv2d_1")));
  h = tf.maxPool(h, 2, 2, "valid");
  h = tf.relu(tf.add(tf.conv2d(h, k4("conv2d_2"), 1, "valid"), b("conv2d_2")));
  h = tf.maxPool(h, 2, 2, "valid");
  let d: tf.Tensor2D = tf.reshape(h, [x.shape[0], -1]);
  d = tf.relu(tf.add(tf.matMul(d, v["dense_1.kernel"] as tf.Tensor2D), b("dense_1")));
  d = tf.relu(tf.add(tf.matMul(d, v["dense_2.kernel"] as tf.Tensor2D), b("dense_2")));
  return tf.add(tf.matMul(d, v["head.kernel"] as tf.Tensor2D), b("head"));
}

function tfTrainStep(v: Vars, opt: tf.Optimizer, batch: { images: Float32Array; labels: Int32Array }): number {
  return tf.tidy(() => {
    const x = tf.tensor4d(batch.images, [BATCH, 28, 28, 1]);
    const y = tf.oneHot(tf.tensor1d(batch.labels, "int32"), 10);
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, tfLenet(v, x)) as tf.Scalar, true, Object.values(v))!;
    return loss.dataSync()[0]!;
  });
}

function tfInfer(v: Vars, images: Float32Array, n: number): Float32Array {
  // The tensor leaves tidy and is read outside: tidy walks a returned typed array element by element.
  const logits = tf.tidy(() => tfLenet(v, tf.tensor4d(images, [n, 28, 28, 1])));
  const out = logits.dataSync() as Float32Array;
  logits.dispose();
  return out;
}

/**
 * Conv2DBackpropFilter for the wasm backend, from kernels it has, as one
 * forward convolution with batch and channels swapped:
 *   dW[i, j, c, f] = Σ_{b, oh, ow} x̂[b, oh·s + i, ow·s + j, c] · dy[b, oh, ow, f]
 * (x̂ the zero-padded input) is conv2d(x̂ᵀ, dyᵀ) with x̂ᵀ = [C, Ĥ, Ŵ, B] as the
 * "images", dyᵀ = [OH, OW, B, F] as the "filter", the stride s as its
 * dilation, cropped to [C, KH, KW, F] and transposed to [KH, KW, C, F].
 * (im2col by strided slices + Concat + matMul also works, but wasm's slices
 * and concat make it ~30× slower.) NHWC only, which is all this file uses.
 */
function registerWasmConv2DBackpropFilter(): void {
  tf.registerKernel({
    kernelName: tf.Conv2DBackpropFilter,
    backendName: "wasm",
    kernelFunc: ({ inputs, attrs }) => {
      const { x, dy } = inputs as unknown as { x: tf.Tensor4D; dy: tf.Tensor4D };
      // The op passes no dilations: tfjs refuses gradients of dilated convolutions anyway.
      const a = attrs as unknown as { strides: [number, number] | number; pad: "valid" | "same" | number; dataFormat: "NHWC" | "NCHW"; dimRoundingMode?: "floor" | "round" | "ceil"; filterShape: [number, number, number, number] };
      if (a.dataFormat !== "NHWC") throw new Error("Conv2DBackpropFilter (wasm patch): NHWC only");
      const info = tf.backend_util.computeConv2DInfo(x.shape, a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, "channelsLast");
      const { inChannels: C, outChannels: F, filterHeight: KH, filterWidth: KW, strideHeight: SH, strideWidth: SW, padInfo } = info;
      return tf.tidy(() => {
        const padded = tf.pad(x, [[0, 0], [padInfo.top, padInfo.bottom], [padInfo.left, padInfo.right], [0, 0]]);
        const images = tf.transpose(padded, [3, 1, 2, 0]) as tf.Tensor4D;
        const filter = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
        const full = tf.conv2d(images, filter, 1, "valid", "NHWC", [SH, SW]);
        return tf.transpose(tf.slice(full, [0, 0, 0, 0], [C, KH, KW, F]), [1, 2, 0, 3]);
      });
    },
  });
}

/** The patched kernel against the cpu backend's own, on LeNet's two convolutions and a strided one. */
async function checkWasmPatch(): Promise<string> {
  const cases: { x: number[]; w: number[]; stride: number; pad: "same" | "valid" }[] = [
    { x: [4, 28, 28, 1], w: [5, 5, 1, 6], stride: 1, pad: "same" },
    { x: [4, 14, 14, 6], w: [5, 5, 6, 16], stride: 1, pad: "valid" },
    { x: [2, 9, 8, 3], w: [3, 2, 3, 4], stride: 2, pad: "same" },
    { x: [2, 9, 8, 3], w: [3, 3, 3, 2], stride: 2, pad: "valid" },
  ];
  let worst = 0;
  let seed = 1;
  const rand = (n: number) => Float32Array.from({ length: n }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1);
  for (const c of cases) {
    const xs = rand(c.x.reduce((p, q) => p * q, 1));
    const ws = rand(c.w.reduce((p, q) => p * q, 1));
    const dW: Float32Array[] = [];
    for (const backend of ["cpu", "wasm"]) {
      await tf.setBackend(backend);
      const g = tf.tidy(() => {
        const x = tf.tensor4d(xs, c.x as [number, number, number, number]);
        return tf.grad((w: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x, w as tf.Tensor4D, c.stride, c.pad))))(tf.tensor4d(ws, c.w as [number, number, number, number]));
      });
      dW.push(g.dataSync() as Float32Array);
      g.dispose();
    }
    worst = Math.max(worst, relDiff(dW[1]!, dW[0]!));
  }
  if (!(worst < 1e-4)) throw new Error(`the wasm Conv2DBackpropFilter patch disagrees with the cpu backend: rel. diff ${worst}`);
  return worst.toExponential(1);
}

// ---------------------------------------------------------------------------

function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let s = 1e-3;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    s = Math.max(s, Math.abs(b[i]!));
  }
  return d / s;
}

async function main(): Promise<void> {
  const warn = console.warn;
  console.warn = () => {}; // tfjs-backend-cpu's "install tfjs-node" banner
  await registerTfGradients();
  const wasmDist = join(dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + "/";
  setWasmPaths(wasmDist);
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false); // single-threaded, like the JS sides
  registerWasmConv2DBackpropFilter();

  log(`LeNet-5, batch ${BATCH}, ${quick ? "quick run" : "full run"}; MNIST loaded (${mnist.train.count} training digits)`);
  const patchCheck = await checkWasmPatch();

  // --- Agreement: one SGD step from identical parameters on batch 0. ---
  const agree: Record<string, { loss: number; params: Record<string, Float32Array> }> = {};
  {
    const m = new LeNet({ seed: 0 });
    const loss = nncTrainStep(m, sgd({ lr: LR }), batches[0]!);
    agree.nnc = { loss, params: Object.fromEntries(Object.entries(m.params).map(([k, v]) => [k, Float32Array.from(v)])) };
  }

  // --- nnc (generic code, dims at run time) and batch-specialised code. ---
  const nnc: Record<string, number> = {};
  const nncSpec: Record<string, number> = {};
  for (const [label, out, M1, M64] of [["generic", nnc, LeNet, LeNet], ["specialised", nncSpec, compile({ batch: 1 }), compile({ batch: BATCH })]] as const) {
    const m = new M64({ seed: 0 });
    copyParams(m);
    const opt = sgd({ lr: LR });
    out.train = time(runs.nncTrain, (i) => nncTrainStep(m, opt, batches[i % batches.length]!));
    out.infer64 = time(runs.nncInfer64, (i) => m.forward({ image: batches[i % batches.length]!.images }, { batch: BATCH }));
    const m1 = new M1({ seed: 0 });
    copyParams(m1);
    out.infer1 = time(runs.nncInfer1, (i) => m1.forward({ image: single[i % single.length]! }, { batch: 1 }));
    log(`nnc ${label}: train ${out.train.toFixed(2)} ms, infer b1 ${out.infer1.toFixed(3)} ms, b64 ${out.infer64.toFixed(2)} ms`);
  }
  const rssAfterNnc = rssMiB();

  // --- TF.js, cpu then wasm. ---
  const tfResults: Record<string, Record<string, number>> = {};
  for (const backend of ["cpu", "wasm"] as const) {
    if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialise`);
    {
      const v = makeVars();
      const loss = tfTrainStep(v, tf.train.sgd(LR), batches[0]!);
      agree[backend] = { loss, params: Object.fromEntries(Object.entries(v).map(([k, t]) => [k, t.dataSync() as Float32Array])) };
      Object.values(v).forEach((t) => t.dispose());
    }
    const v = makeVars();
    const opt = tf.train.sgd(LR);
    const r = (tfResults[backend] = {} as Record<string, number>);
    const R = backend === "cpu" ? { train: runs.cpuTrain, infer1: runs.cpuInfer1, infer64: runs.cpuInfer64 } : { train: runs.wasmTrain, infer1: runs.wasmInfer1, infer64: runs.wasmInfer64 };
    const before = tf.memory().numTensors;
    r.train = time(R.train, (i) => tfTrainStep(v, opt, batches[i % batches.length]!));
    r.infer64 = time(R.infer64, (i) => tfInfer(v, batches[i % batches.length]!.images, BATCH));
    r.infer1 = time(R.infer1, (i) => tfInfer(v, single[i % single.length]!, 1));
    const leaked = tf.memory().numTensors - before;
    log(`tfjs-${backend}: train ${r.train.toFixed(2)} ms, infer b1 ${r.infer1.toFixed(3)} ms, b64 ${r.infer64.toFixed(2)} ms${leaked > 0 ? ` (${leaked} tensors left behind)` : ""}`);
    Object.values(v).forEach((t) => t.dispose());
    opt.dispose();
  }
  console.warn = warn;

  // --- Report. ---
  const cpuName = cpus()[0]?.model.trim() ?? "unknown CPU";
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  console.log(`\nLeNet-5 on MNIST, median ms per call — Node ${process.version}, ${cpuName}; tfjs-core ${tf.version_core}, wasm SIMD ${simd ? "on" : "off"}, threads off`);
  const ms = (x: number) => (x < 1 ? x.toFixed(3) : x < 100 ? x.toFixed(2) : x.toFixed(0));
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const rows = [
    ["train step, batch 64 (wasm patched)", nnc.train!, tfResults.cpu!.train!, tfResults.wasm!.train!],
    ["inference, batch 1", nnc.infer1!, tfResults.cpu!.infer1!, tfResults.wasm!.infer1!],
    ["inference, batch 64", nnc.infer64!, tfResults.cpu!.infer64!, tfResults.wasm!.infer64!],
  ] as const;
  const table = [["task", "nnc ms", "tfjs-cpu ms", "ratio", "tfjs-wasm ms", "ratio"], ...rows.map(([t, n, c, w]) => [t, ms(n), ms(c), ratio(n, c), ms(w), ratio(n, w)])];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
  console.log(line(table[0]!));
  console.log(`|${widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`);
  for (const r of table.slice(1)) console.log(line(r));
  console.log(`ratio = nnc / TF.js (below 1: nnc faster). nnc: generic code (batch and dims at run time).`);
  console.log(`nnc batch-specialised code: train ${ms(nncSpec.train!)} ms, inference b1 ${ms(nncSpec.infer1!)} ms, b64 ${ms(nncSpec.infer64!)} ms.`);
  console.log(`wasm (patched): tfjs-backend-wasm ${tf.version_core} has no Conv2DBackpropFilter; registered here from wasm ops (pad, transpose, conv2d); agrees with the cpu kernel to ${patchCheck} (rel.).`);
  console.log(
    `runs (warm-up + timed): nnc train ${runs.nncTrain.join("+")}, tfjs-cpu train ${runs.cpuTrain.join("+")}, tfjs-wasm train ${runs.wasmTrain.join("+")}; inference b1 ${runs.nncInfer1.join("+")} (cpu ${runs.cpuInfer1.join("+")}), b64 ${runs.nncInfer64.join("+")} (cpu ${runs.cpuInfer64.join("+")}).`,
  );

  const a = agree;
  // Compares the updates (after − before = −lr·gradient), not the parameters, which the update barely moves.
  const delta = (x: string, k: string) => a[x]!.params[k]!.map((p, i) => p - initial[k]![i]!);
  const paramDiff = (x: string) => Math.max(...Object.keys(initial).map((k) => relDiff(delta(x, k), delta("nnc", k))));
  console.log(
    `agreement after one SGD step from identical parameters (batch 0): loss nnc ${a.nnc!.loss.toFixed(6)}, cpu ${a.cpu!.loss.toFixed(6)}, wasm ${a.wasm!.loss.toFixed(6)}; ` +
      `max rel. diff of the parameter updates vs nnc: cpu ${paramDiff("cpu").toExponential(1)}, wasm ${paramDiff("wasm").toExponential(1)}`,
  );
  console.log(`peak RSS: ${rssAfterNnc.toFixed(0)} MiB after the nnc runs (MNIST loaded), ${rssMiB().toFixed(0)} MiB at the end (TF.js included).`);
}

await main();
