// rnn, lstm and gru against TensorFlow.js (see oracle.ts for the method and
// the error measure), each with `sequences: false`/`true` and `reverse: true`,
// over a symbolic T. Every model is `x -> dense(4) as pre -> <layer> as rec ->
// dense(2) as head` with cross-entropy (per step when sequences: true), so
// the forward check sees the layer's own output and the gradient check
// reaches its three parameters and, through its input gradient, `pre`.
//
// Two independent oracles:
//  1. The spec's equations (§5) written with tf ops in a loop (tf.matMul,
//     tf.sigmoid, tf.tanh), run through runOracle: outputs, loss and every
//     parameter gradient under tf.valueAndGrads.
//  2. @tensorflow/tfjs-layers' own SimpleRNN, LSTM and GRU (Keras), with
//     nnc's parameters copied in by layer.setWeights — the layouts are the
//     same: kernel [n, g·u], recurrent_kernel [u, g·u], bias [g·u], gates in
//     Keras' order (LSTM i, f, c, o; GRU z, r, h), which is the spec's.
//     tfjs-layers defaults `recurrentActivation` to hardSigmoid, so sigmoid is
//     asked for explicitly; its GRU only supports `resetAfter: false` (reset
//     applied before the recurrent product), which is the spec's GRU.
//     Gradients come from tf.variableGrads over the layer's own variables and
//     the surrounding dense layers' (tf.variable) parameters.
//
// Reverse, and the order of the returned steps. nnc (recurrent-emit.ts)
// processes steps s = 0 … T−1 at time t = T−1−s and writes the state after
// time t at output index t: with `sequences: true` the result is in *time
// order*, y[t] = the state after reading x[t]; with `sequences: false` it is
// the last processed state, i.e. the one after reading x[0]. Keras'
// `goBackwards: true` returns its sequence in *processing order* (index s
// holds the state after reading x[T−1−s]); the final state is the same. So
// the Keras sequence is flipped along time (tf.reverse, axis 1) before it is
// compared, and the tf-ops reference writes each state at its time index.
import { beforeAll, describe, expect, it } from "vitest";
import * as tfl from "@tensorflow/tfjs-layers";
import * as o from "./oracle.ts";
import { tf, type Finding, type OracleCase } from "./oracle.ts";
import { compileModel, inputsOnly, makeInputs } from "../codegen/harness.ts";
import { Rng } from "../../runtime/random.ts";

beforeAll(o.useCpuBackend);

type Kind = "rnn" | "lstm" | "gru";
interface Variant {
  kind: Kind;
  units: number;
  activation?: "tanh" | "relu";
  sequences: boolean;
  reverse: boolean;
}

const N_IN = 3; // width of x
const N_PRE = 4; // width after `pre`, the recurrent layer's n
const DIMS = { T: 5 };
const BATCH = 3;

function callText(v: Variant): string {
  const opts = [String(v.units)];
  if (v.activation === "relu") opts.push("activation: relu");
  if (v.sequences) opts.push("sequences: true");
  if (v.reverse) opts.push("reverse: true");
  return `${v.kind}(${opts.join(", ")})`;
}

function source(v: Variant): string {
  return `model M {
  input x: f32[T, ${N_IN}]
  target label: i32${v.sequences ? "[T]" : ""}
  h = x -> dense(${N_PRE}) as pre -> ${callText(v)} as rec
  logits = h -> dense(2) as head
  output h
  output logits
  loss cross_entropy(logits, label)
}`;
}

/** The spec's recurrence with tf ops: x [B, T, n] → [B, units] or [B, T, units] (time order). */
function recurrence(v: Variant, x: tf.Tensor, W: tf.Tensor, U: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const [B, T] = x.shape as [number, number, number];
  const u = v.units;
  const steps = tf.unstack(x, 1) as tf.Tensor2D[];
  const mm = (a: tf.Tensor, m: tf.Tensor) => tf.matMul(a as tf.Tensor2D, m as tf.Tensor2D);
  let h: tf.Tensor = tf.zeros([B, u]);
  let c: tf.Tensor = tf.zeros([B, u]);
  const ys: tf.Tensor[] = new Array(T);
  for (let s = 0; s < T; s++) {
    const t = v.reverse ? T - 1 - s : s;
    const xw = tf.add(mm(steps[t]!, W), b); // W x + b for every gate, [B, g·u]
    if (v.kind === "rnn") {
      const a = tf.add(xw, mm(h, U));
      h = v.activation === "relu" ? tf.relu(a) : tf.tanh(a);
    } else if (v.kind === "lstm") {
      const [i, f, cc, og] = tf.split(tf.add(xw, mm(h, U)), 4, 1) as tf.Tensor[];
      c = tf.add(tf.mul(c, tf.sigmoid(f!)), tf.mul(tf.tanh(cc!), tf.sigmoid(i!)));
      h = tf.mul(tf.sigmoid(og!), tf.tanh(c));
    } else {
      const [xz, xr, xh] = tf.split(xw, 3, 1) as tf.Tensor[];
      const [Uz, Ur, Uh] = tf.split(U, 3, 1) as tf.Tensor[];
      const z = tf.sigmoid(tf.add(xz!, mm(h, Uz!)));
      const r = tf.sigmoid(tf.add(xr!, mm(h, Ur!)));
      const hh = tf.tanh(tf.add(xh!, mm(tf.mul(r, h), Uh!))); // reset before the recurrent product
      h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
    }
    ys[t] = h;
  }
  return v.sequences ? tf.stack(ys, 1) : h;
}

function tfOpsCase(v: Variant): OracleCase {
  return {
    name: callText(v),
    source: source(v),
    dims: DIMS,
    batch: BATCH,
    ints: { label: 2 },
    reference(p, x) {
      const pre = o.dense(x.x!, p["pre.kernel"]!, p["pre.bias"]);
      const h = recurrence(v, pre, p["rec.kernel"]!, p["rec.recurrent"]!, p["rec.bias"]!);
      const logits = o.dense(h, p["head.kernel"]!, p["head.bias"]);
      return { outputs: { h, logits }, loss: o.crossEntropy(logits, x.label!) };
    },
  };
}

/** Where two arrays differ most (for failure messages). */
function worstAt(got: ArrayLike<number>, want: ArrayLike<number>): string {
  let at = 0;
  for (let i = 0; i < want.length; i++) if (!(Math.abs(got[i]! - want[i]!) <= Math.abs(got[at]! - want[at]!))) at = i;
  return `at [${at}] got ${got[at]}, want ${want[at]} (lengths ${got.length}/${want.length})`;
}

function kerasLayer(v: Variant): tfl.layers.Layer {
  // Initializers are irrelevant (setWeights overwrites them); zeros also
  // avoids the orthogonal initializer, which needs tfjs' chained tensor ops.
  const init = { kernelInitializer: "zeros", recurrentInitializer: "zeros", biasInitializer: "zeros" } as const;
  const common = { units: v.units, returnSequences: v.sequences, goBackwards: v.reverse, useBias: true, ...init };
  if (v.kind === "rnn") return tfl.layers.simpleRNN({ ...common, activation: v.activation ?? "tanh" });
  if (v.kind === "lstm") return tfl.layers.lstm({ ...common, activation: "tanh", recurrentActivation: "sigmoid" });
  // GRULayerArgs does not declare resetAfter, but GRU hands its args to GRUCell, which reads it (and supports only false).
  const gru: Parameters<typeof tfl.layers.gru>[0] & { resetAfter: boolean } = { ...common, activation: "tanh", recurrentActivation: "sigmoid", resetAfter: false };
  return tfl.layers.gru(gru);
}

/**
 * Like runOracle (same data seeds, same parameter noise, the same warm-up
 * pass on other data), but the reference is the Keras layer with nnc's
 * weights set in, and gradients are tf.variableGrads over tf variables.
 */
function runKeras(v: Variant): Finding[] {
  const dims = { batch: BATCH, ...DIMS };
  const M = compileModel(source(v));
  const data = makeInputs(M, dims, { label: 2 }, 11);
  const m = new M({ seed: 5 });
  const rng = new Rng(23);
  for (const name of Object.keys(m.params).sort()) {
    const p = m.params[name]!;
    for (let i = 0; i < p.length; i++) p[i] = p[i]! + 0.3 * (rng.uniform() * 2 - 1);
  }
  const other = makeInputs(M, dims, { label: 2 }, 12);
  m.lossAndGrads!(other, dims);
  m.forward(inputsOnly(M, other), dims);
  const outputs = m.forward(inputsOnly(M, data), dims);
  const loss = m.lossAndGrads!(data, dims);
  const grads = Object.fromEntries(Object.entries(m.grads!).map(([k, g]) => [k, Float32Array.from(g)]));

  const findings: Finding[] = [];
  const param = (n: string) => tf.tensor(m.params[n]!, [...M.params[n]!], "float32");
  const layer = kerasLayer(v);
  tf.dispose(layer.apply(tf.zeros([1, DIMS.T, N_PRE])) as tf.Tensor); // builds it (creates its weights)
  layer.setWeights([param("rec.kernel"), param("rec.recurrent"), param("rec.bias")]);
  const [kKernel, kRecurrent, kBias] = layer.trainableWeights.map((w) => w.read() as tf.Variable); // LayerVariable.read() is its tf.Variable
  const dense = Object.fromEntries(["pre.kernel", "pre.bias", "head.kernel", "head.bias"].map((n) => [n, tf.variable(param(n), true, `oracle_${n.replace(".", "_")}_${Math.random().toString(36).slice(2)}`)]));
  // nnc parameter name → the tf variable holding it.
  const vars: Record<string, tf.Variable> = { ...dense, "rec.kernel": kKernel!, "rec.recurrent": kRecurrent!, "rec.bias": kBias! };
  try {
    const x = tf.tensor(data.x as Float32Array, [BATCH, DIMS.T, N_IN]);
    const label = tf.tensor(data.label as Int32Array, v.sequences ? [BATCH, DIMS.T] : [BATCH], "int32");
    let h: tf.Tensor | undefined;
    let logits: tf.Tensor | undefined;
    const { value, grads: g } = tf.variableGrads(() => {
      const raw = layer.apply(o.dense(x, dense["pre.kernel"]!, dense["pre.bias"])) as tf.Tensor;
      // Keras' go_backwards sequence is in processing order; nnc's is in time order.
      h = tf.keep(v.reverse && v.sequences ? tf.reverse(raw, 1) : raw);
      logits = tf.keep(o.dense(h, dense["head.kernel"]!, dense["head.bias"]));
      return o.crossEntropy(logits, label);
    }, Object.values(vars));
    for (const [name, want] of [["h", h!], ["logits", logits!]] as const) {
      const w = want.dataSync();
      findings.push({ what: `output ${name}`, err: o.relErr(outputs[name]!, w), detail: worstAt(outputs[name]!, w) });
    }
    const wantLoss = value.dataSync()[0]!;
    findings.push({ what: "loss", err: o.relErr([loss], [wantLoss]), detail: `got ${loss}, want ${wantLoss}` });
    for (const name of Object.keys(M.params)) {
      const want = g[vars[name]!.name]?.dataSync();
      if (!want) {
        findings.push({ what: `grad ${name}`, err: Infinity, detail: "no gradient from tf.variableGrads" });
        continue;
      }
      findings.push({ what: `grad ${name}`, err: o.relErr(grads[name]!, want), detail: worstAt(grads[name]!, want) });
    }
    tf.dispose([x, label, value, h!, logits!, ...Object.values(g)]);
  } finally {
    tf.dispose(Object.values(dense));
    layer.dispose();
  }
  if (process.env.ORACLE_VERBOSE) {
    const worst = findings.reduce((a, f) => (f.err > a.err ? f : a), { what: "-", err: 0 });
    console.log(`[oracle keras] ${callText(v)}: ${findings.length} compared, worst ${worst.err.toExponential(2)} (${worst.what})`);
  }
  return findings;
}

const variants: Variant[] = [];
for (const base of [
  { kind: "rnn", units: 4 },
  { kind: "rnn", units: 4, activation: "relu" },
  { kind: "lstm", units: 3 },
  { kind: "gru", units: 3 },
] as const)
  for (const [sequences, reverse] of [[false, false], [true, false], [false, true], [true, true]] as const) variants.push({ ...base, sequences, reverse });

const expectClean = (findings: Finding[], src: string) => {
  // x, pre (2), rec (3), head (2): 2 outputs + loss + 7 gradients at least.
  expect(findings.length).toBeGreaterThanOrEqual(10);
  expect(o.failures(findings), src).toBe("");
};

describe("recurrent layers vs the spec's equations in tf ops", () => {
  for (const v of variants) it(callText(v), () => expectClean(o.runOracle(tfOpsCase(v)), source(v)));
});

describe("recurrent layers vs tfjs-layers (SimpleRNN, LSTM, GRU resetAfter: false)", () => {
  for (const v of variants) it(callText(v), () => expectClean(runKeras(v), source(v)));
});
