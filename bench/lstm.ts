// LSTM sequence classifier: nnc's generated code against TensorFlow.js (cpu
// and wasm backends, single-threaded), in one process, on seeded random data.
// Batch 32, T = 32 steps of 64 features, lstm(128) → last state → dense(10),
// softmax cross-entropy; training step (SGD, lr 0.01) and inference.
//
// TF.js side: written with tfjs-core ops (not tf.layers, which is not a
// dependency), as the spec states the LSTM (gate order i, f, c, o; row-vector
// convention x·kernel + h·recurrent + bias; c = c'·f + ĉ·i, h = o·tanh(c);
// h, c start at zero): the input product for all steps at once, then a loop
// over T of matMul + split + sigmoid/tanh (step 0 skips h·recurrent, h being
// zero), differentiated by tfjs's autodiff (tf.train.sgd().minimize, i.e.
// tf.variableGrads). Every kernel that gradient needs exists in
// tfjs-backend-wasm 4.22, so the wasm rows are unpatched.
//
// Run: npx tsx bench/lstm.ts [--quick]   (npm run bench runs every model)
import { benchModel, environmentLine, isMain, quick, report, tf, tfDone, uniform, type Batch, type ModelBench, type Section, type Vars } from "./common.ts";

const BATCH = 32;
const T = 32;
const N = 64;
const UNITS = 128;
const CLASSES = 10;

export const source = `model LstmClassifier {
  input x: f32[T, ${N}]
  target label: i32
  logits = x -> lstm(${UNITS}) -> dense(${CLASSES})
  output logits
  loss cross_entropy(logits, label)
}
`;

function tfLstmLogits(v: Vars, xs: Float32Array, n: number): tf.Tensor2D {
  // Time-major [T·n, N] so that each step's rows are one contiguous block.
  const x = tf.reshape(tf.transpose(tf.tensor3d(xs, [n, T, N]), [1, 0, 2]), [T * n, N]);
  const xw = tf.reshape(tf.add(tf.matMul(x, v["lstm_1.kernel"] as tf.Tensor2D), v["lstm_1.bias"]!), [T, n, 4 * UNITS]);
  const steps = tf.unstack(xw, 0) as tf.Tensor2D[];
  const U = v["lstm_1.recurrent"] as tf.Tensor2D;
  let h: tf.Tensor2D = tf.zeros([n, UNITS]);
  let c: tf.Tensor2D = tf.zeros([n, UNITS]);
  for (let t = 0; t < T; t++) {
    const z = t === 0 ? steps[t]! : tf.add(steps[t]!, tf.matMul(h, U));
    const [i, f, g, o] = tf.split(z, 4, 1) as tf.Tensor2D[];
    c = tf.add(tf.mul(c, tf.sigmoid(f!)), tf.mul(tf.tanh(g!), tf.sigmoid(i!)));
    h = tf.mul(tf.sigmoid(o!), tf.tanh(c));
  }
  return tf.add(tf.matMul(h, v["dense_1.kernel"] as tf.Tensor2D), v["dense_1.bias"]!);
}

function batches(): Batch[] {
  const r = uniform(7);
  const out: Batch[] = [];
  for (let b = 0; b < 4; b++)
    out.push({ x: Float32Array.from({ length: BATCH * T * N }, r), label: Int32Array.from({ length: BATCH }, () => Math.floor(((r() + 1) / 2) * CLASSES)) });
  return out;
}

export const lstmBench = (): ModelBench => ({
  name: "LSTM",
  source,
  model: "LstmClassifier",
  input: "x",
  target: "label",
  batch: BATCH,
  dims: { T },
  exampleSize: T * N,
  batches: batches(),
  tfLogits: tfLstmLogits,
  classes: CLASSES,
  runs: quick
    ? { nnc: { train: [1, 3], infer1: [3, 10], inferN: [1, 3] }, cpu: { train: [1, 1], infer1: [1, 3], inferN: [1, 1] }, wasm: { train: [1, 3], infer1: [3, 10], inferN: [1, 3] } }
    : { nnc: { train: [3, 15], infer1: [20, 200], inferN: [3, 20] }, cpu: { train: [1, 3], infer1: [3, 30], inferN: [1, 5] }, wasm: { train: [3, 15], infer1: [20, 200], inferN: [3, 20] } },
});

export async function runLstm(): Promise<Section> {
  return benchModel(lstmBench());
}

if (isMain(import.meta.url)) {
  const s = await runLstm();
  tfDone();
  console.log(report(`\nLSTM classifier, median ms per call — ${await environmentLine()}`, [s]).join("\n"));
}
