// Self-attention block: nnc's generated code against TensorFlow.js (cpu and
// wasm backends, single-threaded), in one process, on seeded random data.
// Batch 16, T = 64 steps of d = 64: 4-head self-attention + residual →
// layernorm → feed-forward 256 (relu) + residual → layernorm → mean over T →
// dense(10), softmax cross-entropy; training step (SGD, lr 0.01) and inference.
//
// TF.js side: written with tfjs-core ops (not tf.layers, which is not a
// dependency), as the spec states the block: Q = x·Wq + bq, K, V likewise; head
// h takes features [16h, 16h + 16); A_h = softmax(Q_h K_hᵀ / √16) over the
// keys; the heads' A_h V_h side by side, projected by Wo + bo; layernorm with
// ε = 1e-5 inside the square root and the biased variance. Differentiated by
// tfjs's autodiff (tf.train.sgd().minimize). Every kernel that gradient needs
// exists in tfjs-backend-wasm 4.22, so the wasm rows are unpatched.
//
// Run: npx tsx bench/attention.ts [--quick]   (npm run bench runs every model)
import { benchModel, environmentLine, isMain, quick, report, tf, tfDone, uniform, type Batch, type ModelBench, type Section, type Vars } from "./common.ts";

const BATCH = 16;
const T = 64;
const D = 64;
const HEADS = 4;
const HIDDEN = 256;
const CLASSES = 10;
const K = D / HEADS;

export const source = `model AttnBlock {
  input x: f32[T, ${D}]
  target label: i32
  a = x + (x -> attention(heads: ${HEADS})) -> layernorm
  b = a + (a -> dense(${HIDDEN}) -> relu -> dense(${D})) -> layernorm
  logits = b -> mean(axis: 0) -> dense(${CLASSES})
  output logits
  loss cross_entropy(logits, label)
}
`;

function tfAttnLogits(v: Vars, xs: Float32Array, n: number): tf.Tensor2D {
  const p = (name: string) => v[name]!;
  const dense = (x: tf.Tensor2D, name: string) => tf.add(tf.matMul(x, p(`${name}.kernel`) as tf.Tensor2D), p(`${name}.bias`)) as tf.Tensor2D;
  const layernorm = (x: tf.Tensor2D, name: string) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), p(`${name}.gamma`)), p(`${name}.beta`)) as tf.Tensor2D;
  };
  // Rows are (example, step): [n·T, D]; heads split to [n, H, T, k].
  const x = tf.tensor2d(xs, [n * T, D]);
  const heads = (t: tf.Tensor2D) => tf.transpose(tf.reshape(t, [n, T, HEADS, K]), [0, 2, 1, 3]) as tf.Tensor4D;
  const q = heads(dense(x, "attention_1.query"));
  const k = heads(dense(x, "attention_1.key"));
  const val = heads(dense(x, "attention_1.value"));
  const weights = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(K)));
  const context = tf.reshape(tf.transpose(tf.matMul(weights, val), [0, 2, 1, 3]), [n * T, D]) as tf.Tensor2D;
  const a = layernorm(tf.add(x, dense(context, "attention_1.output")), "layernorm_1");
  const b = layernorm(tf.add(a, dense(tf.relu(dense(a, "dense_1")), "dense_2")), "layernorm_2");
  return dense(tf.mean(tf.reshape(b, [n, T, D]), 1) as tf.Tensor2D, "dense_3");
}

function batches(): Batch[] {
  const r = uniform(11);
  const out: Batch[] = [];
  for (let b = 0; b < 4; b++)
    out.push({ x: Float32Array.from({ length: BATCH * T * D }, r), label: Int32Array.from({ length: BATCH }, () => Math.floor(((r() + 1) / 2) * CLASSES)) });
  return out;
}

export const attentionBench = (): ModelBench => ({
  name: "attention",
  source,
  model: "AttnBlock",
  input: "x",
  target: "label",
  batch: BATCH,
  dims: { T },
  exampleSize: T * D,
  batches: batches(),
  tfLogits: tfAttnLogits,
  classes: CLASSES,
  runs: quick
    ? { nnc: { train: [1, 3], infer1: [3, 10], inferN: [1, 3] }, cpu: { train: [1, 1], infer1: [1, 3], inferN: [1, 1] }, wasm: { train: [1, 3], infer1: [3, 10], inferN: [1, 3] } }
    : { nnc: { train: [3, 15], infer1: [20, 200], inferN: [3, 20] }, cpu: { train: [1, 3], infer1: [3, 30], inferN: [1, 5] }, wasm: { train: [3, 15], infer1: [20, 200], inferN: [3, 20] } },
});

export function runAttention(): Promise<Section> {
  return benchModel(attentionBench());
}

if (isMain(import.meta.url)) {
  const s = await runAttention();
  tfDone();
  console.log(report(`\nSelf-attention block, median ms per call — ${await environmentLine()}`, [s]).join("\n"));
}
