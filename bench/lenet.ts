// LeNet-5 (examples/lenet.nn): nnc's generated code against TensorFlow.js
// (tfjs-core 4.22 with the plain-JS cpu backend and the wasm backend,
// single-threaded), in one process, on real MNIST digits.
//   (a) a training step at batch 64: forward, backward, SGD update (lr 0.01);
//   (b) inference (forward only) at batch 1 and batch 64.
// Each row is the median of N timed runs after a warm-up. Ratio = nnc / TF.js
// (below 1: nnc is faster). Before timing, one SGD step from identical
// parameters on the same batch is taken by all three and their losses and
// updated parameters are compared, so the rows time the same computation.
// (The measurement itself is bench/common.ts's, shared with the other models.)
//
// TF.js side: only tfjs-core is installed (no tf.layers), so the network is
// written with ops — conv2d(same) → relu → maxPool → conv2d(valid) → relu →
// maxPool → reshape → matMul+bias → relu ×2 → matMul+bias — and trained with
// tf.train.sgd().minimize over tf.variables (gradients by tfjs's autodiff).
// tfjs-backend-wasm 4.22 registers no Conv2DBackpropFilter kernel, which the
// conv2d gradient needs; this file registers one built from wasm ops (a
// forward conv2d with batch and channels swapped), hence "wasm (patched)".
//
// Run: npx tsx bench/lenet.ts  [--quick]   (--quick: fewer runs, for a smoke test;
// npm run bench runs every model)
import { readFileSync } from "node:fs";
import { loadMnist } from "../runtime/mnist-node.ts";
import { benchModel, environmentLine, isMain, log, quick, relDiff, report, tf, tfDone, type Batch, type ModelBench, type Section, type Vars } from "./common.ts";

const BATCH = 64;
const IMAGE = 28 * 28;

function tfLenet(v: Vars, images: Float32Array, n: number): tf.Tensor2D {
  const x = tf.tensor4d(images, [n, 28, 28, 1]);
  const b = (n: string) => v[`${n}.bias`]!;
  const k4 = (n: string) => v[`${n}.kernel`] as tf.Tensor4D;
  let h: tf.Tensor4D = tf.relu(tf.add(tf.conv2d(x, k4("conv2d_1"), 1, "same"), b("conv2d_1")));
  h = tf.maxPool(h, 2, 2, "valid");
  h = tf.relu(tf.add(tf.conv2d(h, k4("conv2d_2"), 1, "valid"), b("conv2d_2")));
  h = tf.maxPool(h, 2, 2, "valid");
  let d: tf.Tensor2D = tf.reshape(h, [n, -1]);
  d = tf.relu(tf.add(tf.matMul(d, v["dense_1.kernel"] as tf.Tensor2D), b("dense_1")));
  d = tf.relu(tf.add(tf.matMul(d, v["dense_2.kernel"] as tf.Tensor2D), b("dense_2")));
  return tf.add(tf.matMul(d, v["head.kernel"] as tf.Tensor2D), b("head"));
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

export function lenetBench(): ModelBench {
  // Real digits, batches of 64 consecutive training images.
  const mnist = loadMnist();
  const batches: Batch[] = [];
  for (let b = 0; b < 16; b++) batches.push({ x: mnist.train.images.subarray(b * BATCH * IMAGE, (b + 1) * BATCH * IMAGE), label: mnist.train.labels.subarray(b * BATCH, (b + 1) * BATCH) });
  return {
    name: "LeNet-5",
    source: readFileSync(new URL("../examples/lenet.nn", import.meta.url), "utf8"),
    model: "LeNet5",
    input: "image",
    target: "label",
    batch: BATCH,
    dims: {},
    exampleSize: IMAGE,
    batches,
    tfLogits: tfLenet,
    classes: 10,
    // TF.js cpu training is ~4–6 s a step, so it gets few runs.
    runs: quick
      ? { nnc: { train: [2, 5], infer1: [20, 50], inferN: [2, 5] }, cpu: { train: [1, 1], infer1: [5, 10], inferN: [1, 2] }, wasm: { train: [2, 5], infer1: [20, 50], inferN: [2, 5] } }
      : { nnc: { train: [5, 30], infer1: [200, 1000], inferN: [5, 40] }, cpu: { train: [1, 5], infer1: [20, 200], inferN: [3, 15] }, wasm: { train: [5, 30], infer1: [200, 1000], inferN: [5, 40] } },
    patchWasm: async () => {
      registerWasmConv2DBackpropFilter();
      const agreement = await checkWasmPatch();
      return `wasm (patched): tfjs-backend-wasm ${tf.version_core} has no Conv2DBackpropFilter; registered here from wasm ops (pad, transpose, conv2d); agrees with the cpu kernel to ${agreement} (rel.).`;
    },
  };
}

export async function runLenet(): Promise<Section> {
  const bench = lenetBench();
  log(`MNIST loaded (${bench.batches.length * BATCH} digits used)`);
  return benchModel(bench);
}

if (isMain(import.meta.url)) {
  const s = await runLenet();
  tfDone();
  console.log(report(`\nLeNet-5 on MNIST, median ms per call — ${await environmentLine()}`, [s]).join("\n"));
}
