// Shared code for the recurrent-layer oracle tests (recurrent.test.ts,
// initial-state.test.ts); not a test file itself. It holds the model those
// tests compare — `x -> dense(4) as pre -> <layer> as rec -> dense(2) as head`
// with cross-entropy, optionally with an initial state `h0 = z -> dense(u) as
// init -> tanh` — and its two references: the spec's rnn/lstm/gru equations
// (§5) in tf ops (`recurrence`, `tfOpsCase`), and tfjs-layers' SimpleRNN,
// LSTM and GRU with nnc's weights set in (`kerasLayer`, `runKeras`). See
// recurrent.test.ts for the method and the notes on reverse ordering.
import { expect } from "vitest";
import * as tfl from "@tensorflow/tfjs-layers";
import * as o from "./oracle.ts";
import { tf, type Finding, type OracleCase, type Tensors } from "./oracle.ts";
import { compileModel, inputsOnly, makeInputs } from "../codegen/harness.ts";
import { Rng } from "../../runtime/random.ts";

export type Kind = "rnn" | "lstm" | "gru";
export interface Variant {
  kind: Kind;
  units: number;
  activation?: "tanh" | "relu";
  sequences: boolean;
  reverse: boolean;
}

export const N_IN = 3; // width of x
export const N_PRE = 4; // width after `pre`, the recurrent layer's n
export const N_Z = 5; // width of z, the input of h0
export const DIMS = { T: 5 };
export const BATCH = 3;

/** The options of a model with an initial state, as written after the layer's own. */
export const H0 = ["initial: h0"];

/** Every parameter of the model without h0: pre (2), rec (3), head (2). */
export const PARAMS = ["pre.kernel", "pre.bias", "rec.kernel", "rec.recurrent", "rec.bias", "head.kernel", "head.bias"];

/** Each base (kind, units, activation) with sequences: false/true × reverse: false/true, in that order. */
export function variants(bases: readonly Omit<Variant, "sequences" | "reverse">[]): Variant[] {
  const out: Variant[] = [];
  for (const base of bases)
    for (const [sequences, reverse] of [[false, false], [true, false], [false, true], [true, true]] as const) out.push({ ...base, sequences, reverse });
  return out;
}

/** The layer call, e.g. `lstm(3, sequences: true, initial: h0)`; `extra` options go last. */
export function callText(v: Variant, extra: string[] = []): string {
  const opts = [String(v.units)];
  if (v.activation === "relu") opts.push("activation: relu");
  if (v.sequences) opts.push("sequences: true");
  if (v.reverse) opts.push("reverse: true");
  return `${v.kind}(${[...opts, ...extra].join(", ")})`;
}

export interface ModelOptions {
  /** The layer starts at h0 = tanh(dense(z)) (params init.kernel, init.bias) instead of zero. */
  h0?: boolean;
}

/** The compared model: x -> pre -> rec -> head, cross-entropy (per step when sequences: true). */
export function source(v: Variant, { h0 = false }: ModelOptions = {}): string {
  return `model M {
  input x: f32[T, ${N_IN}]${h0 ? `\n  input z: f32[${N_Z}]` : ""}
  target label: i32${v.sequences ? "[T]" : ""}${h0 ? `\n  h0 = z -> dense(${v.units}) as init -> tanh` : ""}
  h = x -> dense(${N_PRE}) as pre -> ${callText(v, h0 ? H0 : [])} as rec
  logits = h -> dense(2) as head
  output h
  output logits
  loss cross_entropy(logits, label)
}`;
}

/** h0 of the model with an initial state, from its parameters (or tf variables) and inputs. */
export const initial = (p: Tensors, x: Tensors): tf.Tensor => tf.tanh(o.dense(x.z!, p["init.kernel"]!, p["init.bias"]));

/** How the reference starts: right (h0, c0 = 0), or deliberately wrong. */
export type Start = "h0" | "zero" | "cell-too";

export interface RecurrenceOptions {
  /** The state before the first step, [B, units] (default zeros); an lstm's cell starts at zero. */
  h0?: tf.Tensor;
  /** "zero": h starts at 0·h0 instead (every gradient exists, h0's is zero); "cell-too": the lstm cell starts at h0 too. */
  start?: Start;
  /** [B, T], 1 real, 0 padded: a padded step leaves the state unchanged and outputs zeros. */
  mask?: tf.Tensor;
}

/**
 * The spec's recurrence with tf ops: x [B, T, n] → [B, units] or
 * [B, T, units] (time order: each state is written at its time index, also
 * with reverse).
 */
export function recurrence(v: Variant, x: tf.Tensor, W: tf.Tensor, U: tf.Tensor, b: tf.Tensor, { h0, start = "h0", mask }: RecurrenceOptions = {}): tf.Tensor {
  const [B, T] = x.shape as [number, number, number];
  const u = v.units;
  const steps = tf.unstack(x, 1) as tf.Tensor2D[];
  const real = mask ? (tf.unstack(tf.expandDims(mask, 2), 1) as tf.Tensor[]) : undefined; // [B, 1] per step
  const mm = (a: tf.Tensor, m: tf.Tensor) => tf.matMul(a as tf.Tensor2D, m as tf.Tensor2D);
  const init = h0 ?? tf.zeros([B, u]);
  let h: tf.Tensor = start === "zero" ? tf.mul(init, 0) : init;
  let c: tf.Tensor = start === "cell-too" ? init : tf.zeros([B, u]);
  const ys: tf.Tensor[] = new Array(T);
  // Padded steps are no-ops, so a reverse run over all T steps starts, in effect, at its last real one.
  for (let s = 0; s < T; s++) {
    const t = v.reverse ? T - 1 - s : s;
    const xw = tf.add(mm(steps[t]!, W), b); // W x + b for every gate, [B, g·u]
    let hn: tf.Tensor;
    let cn = c;
    if (v.kind === "rnn") {
      const a = tf.add(xw, mm(h, U));
      hn = v.activation === "relu" ? tf.relu(a) : tf.tanh(a);
    } else if (v.kind === "lstm") {
      const [i, f, cc, og] = tf.split(tf.add(xw, mm(h, U)), 4, 1) as tf.Tensor[];
      cn = tf.add(tf.mul(c, tf.sigmoid(f!)), tf.mul(tf.tanh(cc!), tf.sigmoid(i!)));
      hn = tf.mul(tf.sigmoid(og!), tf.tanh(cn));
    } else {
      const [xz, xr, xh] = tf.split(xw, 3, 1) as tf.Tensor[];
      const [Uz, Ur, Uh] = tf.split(U, 3, 1) as tf.Tensor[];
      const z = tf.sigmoid(tf.add(xz!, mm(h, Uz!)));
      const r = tf.sigmoid(tf.add(xr!, mm(h, Ur!)));
      const hh = tf.tanh(tf.add(xh!, mm(tf.mul(r, h), Uh!))); // reset before the recurrent product
      hn = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
    }
    if (real) {
      const m = real[t]!;
      const keep = (a: tf.Tensor, old: tf.Tensor) => tf.add(tf.mul(m, a), tf.mul(tf.sub(1, m), old));
      h = keep(hn, h);
      c = keep(cn, c);
      ys[t] = tf.mul(m, h);
    } else {
      h = hn;
      c = cn;
      ys[t] = h;
    }
  }
  return v.sequences ? tf.stack(ys, 1) : h;
}

/** The model (see `source`) as a runOracle case, its reference the spec's equations in tf ops. */
export function tfOpsCase(v: Variant, { h0 = false, start = "h0" }: ModelOptions & { start?: Start } = {}): OracleCase {
  return {
    name: h0 ? `${callText(v, H0)} [reference starts: ${start}]` : callText(v),
    source: source(v, { h0 }),
    dims: DIMS,
    batch: BATCH,
    ints: { label: 2 },
    reference(p, x) {
      const pre = o.dense(x.x!, p["pre.kernel"]!, p["pre.bias"]);
      const h = recurrence(v, pre, p["rec.kernel"]!, p["rec.recurrent"]!, p["rec.bias"]!, { h0: h0 ? initial(p, x) : undefined, start });
      const logits = o.dense(h, p["head.kernel"]!, p["head.bias"]);
      return { outputs: { h, logits }, loss: o.crossEntropy(logits, x.label!) };
    },
  };
}

/** Where two arrays differ most (for failure messages). */
export function worstAt(got: ArrayLike<number>, want: ArrayLike<number>): string {
  let at = 0;
  for (let i = 0; i < want.length; i++) if (!(Math.abs(got[i]! - want[i]!) <= Math.abs(got[at]! - want[at]!))) at = i;
  return `at [${at}] got ${got[at]}, want ${want[at]} (lengths ${got.length}/${want.length})`;
}

/** tfjs-layers' SimpleRNN / LSTM / GRU (resetAfter: false) for a variant, sigmoid gates. */
export function kerasLayer(v: Variant): tfl.layers.Layer {
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
 * weights set in (with h0: given h0 as its initial state, an lstm's cell
 * zeros), and gradients are tf.variableGrads over tf variables: the layer's
 * own and one per parameter outside `rec`.
 */
export function runKeras(v: Variant, { h0 = false }: ModelOptions = {}): Finding[] {
  const dims = { batch: BATCH, ...DIMS };
  const M = compileModel(source(v, { h0 }));
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
  const plain = Object.keys(M.params).filter((n) => !n.startsWith("rec."));
  const dense = Object.fromEntries(plain.map((n) => [n, tf.variable(param(n), true, `oracle_${n.replace(".", "_")}_${Math.random().toString(36).slice(2)}`)]));
  // nnc parameter name → the tf variable holding it.
  const vars: Record<string, tf.Variable> = { ...dense, "rec.kernel": kKernel!, "rec.recurrent": kRecurrent!, "rec.bias": kBias! };
  try {
    const x: Tensors = { x: tf.tensor(data.x as Float32Array, [BATCH, DIMS.T, N_IN]) };
    if (h0) x.z = tf.tensor(data.z as Float32Array, [BATCH, N_Z]);
    const label = tf.tensor(data.label as Int32Array, v.sequences ? [BATCH, DIMS.T] : [BATCH], "int32");
    let h: tf.Tensor | undefined;
    let logits: tf.Tensor | undefined;
    const { value, grads: g } = tf.variableGrads(() => {
      const pre = o.dense(x.x!, dense["pre.kernel"]!, dense["pre.bias"]);
      let raw: tf.Tensor;
      if (h0) {
        const state = initial(dense, x);
        const initialState = v.kind === "lstm" ? [state, tf.zerosLike(state)] : [state];
        raw = layer.apply(pre, { initialState }) as tf.Tensor;
      } else raw = layer.apply(pre) as tf.Tensor;
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
    tf.dispose([...Object.values(x), label, value, h!, logits!, ...Object.values(g)]);
  } finally {
    tf.dispose(Object.values(dense));
    layer.dispose();
  }
  if (process.env.ORACLE_VERBOSE) {
    const worst = findings.reduce((a, f) => (f.err > a.err ? f : a), { what: "-", err: 0 });
    console.log(`[oracle keras] ${callText(v, h0 ? H0 : [])}: ${findings.length} compared, worst ${worst.err.toExponential(2)} (${worst.what})`);
  }
  return findings;
}

/** Every comparison passes, and the outputs h and logits, the loss and each of `params`' gradients were compared. */
export function expectClean(findings: Finding[], src: string, params: string[]): void {
  const compared = findings.map((f) => f.what);
  for (const what of ["output h", "output logits", "loss", ...params.map((n) => `grad ${n}`)]) expect(compared, `${what} compared`).toContain(what);
  expect(o.failures(findings), src).toBe("");
}
