// `initial: h0` on rnn, lstm and gru against TensorFlow.js (see oracle.ts for
// the method and the error measure, recurrent.test.ts for the recurrences,
// the tfjs-layers comparison and the notes on reverse ordering). The state
// before the first step is h0, a value of shape [units] per example computed
// by the model itself (an lstm's cell still starts at zero); its gradient
// flows back into whatever computed h0. Every model is
//
//   h0 = z -> dense(u) as init -> tanh
//   h  = x -> dense(4) as pre -> <layer>(u, …, initial: h0) as rec
//   logits = h -> dense(2) as head, cross-entropy (per step when sequences: true)
//
// so `init.kernel` and `init.bias` receive gradient only through the initial
// state. Each kind runs with sequences: false/true and reverse: false/true.
//
// Oracles:
//  1. The spec's equations (§5) in tf ops, with h starting at h0 (the loop of
//     recurrent.test.ts), through runOracle: outputs, loss, every parameter
//     gradient under tf.valueAndGrads.
//  2. tfjs-layers' SimpleRNN / LSTM / GRU (resetAfter: false) with nnc's
//     weights set in, given the state by `layer.apply(x, { initialState: [h0] })`
//     (LSTM: [h0, c0] with c0 zeros), gradients by tf.variableGrads.
//  3. Sensitivity: the same comparison against references that are wrong in
//     the ways an implementation could be — the initial state ignored (h
//     starts at 0·h0, so every gradient exists and init's is zero), an lstm
//     whose cell also starts at h0 — must fail on the outputs, the loss and
//     init's gradients. That shows the checks above can fail, and that h0
//     moves every quantity compared by far more than the tolerance.
// Further cases: h0 with a second consumer (its gradient is a sum), h0 taken
// from another recurrent layer (encoder → decoder over S ≠ T), and h0 with
// `lengths: n` (padded steps leave the state unchanged).
import { beforeAll, describe, expect, it } from "vitest";
import * as tfl from "@tensorflow/tfjs-layers";
import * as o from "./oracle.ts";
import { tf, type Finding, type OracleCase, type Tensors } from "./oracle.ts";
import { compileModel, inputsOnly, makeInputs } from "../codegen/harness.ts";
import { Rng } from "../../runtime/random.ts";

beforeAll(o.useCpuBackend);

type Kind = "rnn" | "lstm" | "gru";
interface Variant {
  kind: Kind;
  units: number;
  sequences: boolean;
  reverse: boolean;
}

const N_IN = 3; // width of x
const N_PRE = 4; // width after `pre`, the recurrent layer's n
const N_Z = 5; // width of z, the input of h0
const DIMS = { T: 5 };
const BATCH = 3;

function callText(v: Variant, extra: string[] = ["initial: h0"]): string {
  const opts = [String(v.units)];
  if (v.sequences) opts.push("sequences: true");
  if (v.reverse) opts.push("reverse: true");
  return `${v.kind}(${[...opts, ...extra].join(", ")})`;
}

function source(v: Variant): string {
  return `model M {
  input x: f32[T, ${N_IN}]
  input z: f32[${N_Z}]
  target label: i32${v.sequences ? "[T]" : ""}
  h0 = z -> dense(${v.units}) as init -> tanh
  h = x -> dense(${N_PRE}) as pre -> ${callText(v)} as rec
  logits = h -> dense(2) as head
  output h
  output logits
  loss cross_entropy(logits, label)
}`;
}

/** How the reference starts: right (h0, c0 = 0), or deliberately wrong. */
type Start = "h0" | "zero" | "cell-too";

/**
 * The spec's recurrence with tf ops, h starting at h0 [B, u]: x [B, T, n] →
 * [B, units] or [B, T, units] (time order). `mask` [B, T] (1 real, 0
 * padded): a padded step leaves the state unchanged and outputs zeros.
 */
function recurrence(v: Variant, x: tf.Tensor, W: tf.Tensor, U: tf.Tensor, b: tf.Tensor, h0: tf.Tensor, start: Start = "h0", mask?: tf.Tensor): tf.Tensor {
  const [B, T] = x.shape as [number, number, number];
  const u = v.units;
  const steps = tf.unstack(x, 1) as tf.Tensor2D[];
  const real = mask ? (tf.unstack(tf.expandDims(mask, 2), 1) as tf.Tensor[]) : undefined; // [B, 1] per step
  const mm = (a: tf.Tensor, m: tf.Tensor) => tf.matMul(a as tf.Tensor2D, m as tf.Tensor2D);
  let h: tf.Tensor = start === "zero" ? tf.mul(h0, 0) : h0;
  let c: tf.Tensor = start === "cell-too" ? h0 : tf.zeros([B, u]);
  const ys: tf.Tensor[] = new Array(T);
  // Padded steps are no-ops, so a reverse run over all T steps starts, in effect, at its last real one.
  for (let s = 0; s < T; s++) {
    const t = v.reverse ? T - 1 - s : s;
    const xw = tf.add(mm(steps[t]!, W), b); // W x + b for every gate, [B, g·u]
    let hn: tf.Tensor;
    let cn = c;
    if (v.kind === "rnn") {
      hn = tf.tanh(tf.add(xw, mm(h, U)));
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

const initial = (p: Tensors, x: Tensors): tf.Tensor => tf.tanh(o.dense(x.z!, p["init.kernel"]!, p["init.bias"]));

function tfOpsCase(v: Variant, start: Start = "h0"): OracleCase {
  return {
    name: `${callText(v)} [reference starts: ${start}]`,
    source: source(v),
    dims: DIMS,
    batch: BATCH,
    ints: { label: 2 },
    reference(p, x) {
      const pre = o.dense(x.x!, p["pre.kernel"]!, p["pre.bias"]);
      const h = recurrence(v, pre, p["rec.kernel"]!, p["rec.recurrent"]!, p["rec.bias"]!, initial(p, x), start);
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
  if (v.kind === "rnn") return tfl.layers.simpleRNN({ ...common, activation: "tanh" });
  if (v.kind === "lstm") return tfl.layers.lstm({ ...common, activation: "tanh", recurrentActivation: "sigmoid" });
  // GRULayerArgs does not declare resetAfter, but GRU hands its args to GRUCell, which reads it (and supports only false).
  const gru: Parameters<typeof tfl.layers.gru>[0] & { resetAfter: boolean } = { ...common, activation: "tanh", recurrentActivation: "sigmoid", resetAfter: false };
  return tfl.layers.gru(gru);
}

/**
 * Like runOracle (same data seeds, same parameter noise, the same warm-up
 * pass on other data), but the reference is the Keras layer with nnc's
 * weights set in and h0 passed as its initial state; gradients are
 * tf.variableGrads over tf variables.
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
  const plain = ["init.kernel", "init.bias", "pre.kernel", "pre.bias", "head.kernel", "head.bias"];
  const dense = Object.fromEntries(plain.map((n) => [n, tf.variable(param(n), true, `oracle_h0_${n.replace(".", "_")}_${Math.random().toString(36).slice(2)}`)]));
  // nnc parameter name → the tf variable holding it.
  const vars: Record<string, tf.Variable> = { ...dense, "rec.kernel": kKernel!, "rec.recurrent": kRecurrent!, "rec.bias": kBias! };
  try {
    const x = tf.tensor(data.x as Float32Array, [BATCH, DIMS.T, N_IN]);
    const z = tf.tensor(data.z as Float32Array, [BATCH, N_Z]);
    const label = tf.tensor(data.label as Int32Array, v.sequences ? [BATCH, DIMS.T] : [BATCH], "int32");
    let h: tf.Tensor | undefined;
    let logits: tf.Tensor | undefined;
    const { value, grads: g } = tf.variableGrads(() => {
      const h0 = tf.tanh(o.dense(z, dense["init.kernel"]!, dense["init.bias"]));
      const initialState = v.kind === "lstm" ? [h0, tf.zerosLike(h0)] : [h0];
      const raw = layer.apply(o.dense(x, dense["pre.kernel"]!, dense["pre.bias"]), { initialState }) as tf.Tensor;
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
    tf.dispose([x, z, label, value, h!, logits!, ...Object.values(g)]);
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
  { kind: "lstm", units: 3 },
  { kind: "gru", units: 3 },
] as const)
  for (const [sequences, reverse] of [[false, false], [true, false], [false, true], [true, true]] as const) variants.push({ ...base, sequences, reverse });

// Every parameter: init (2), pre (2), rec (3), head (2).
const PARAMS = ["init.kernel", "init.bias", "pre.kernel", "pre.bias", "rec.kernel", "rec.recurrent", "rec.bias", "head.kernel", "head.bias"];

const expectClean = (findings: Finding[], src: string, params = PARAMS) => {
  const compared = findings.map((f) => f.what);
  for (const what of ["output h", "output logits", "loss", ...params.map((n) => `grad ${n}`)]) expect(compared, `${what} compared`).toContain(what);
  expect(o.failures(findings), src).toBe("");
};

/**
 * The findings a wrong reference must break, each by far more than the
 * tolerance: the outputs and init's gradients by 100×, the loss (one mean
 * over the batch, which h0 moves least) by 10×.
 */
const expectRejected = (findings: Finding[], src: string) => {
  const err = (what: string) => findings.find((f) => f.what === what)?.err ?? NaN;
  const want: [string, number][] = [["output h", 100], ["output logits", 100], ["loss", 10], ["grad init.kernel", 100], ["grad init.bias", 100]];
  const seen = want.map(([what]) => `${what}: ${err(what).toExponential(2)}`).join(", ");
  if (process.env.ORACLE_VERBOSE) console.log(`[oracle mutant] ${seen}`);
  for (const [what, factor] of want) expect(err(what), `${what} vs a wrong reference (${seen})\n${src}`).toBeGreaterThan(factor * o.TOLERANCE);
};

describe("initial: h0 vs the spec's equations in tf ops (h starts at h0)", () => {
  for (const v of variants) it(callText(v), () => expectClean(o.runOracle(tfOpsCase(v)), source(v)));
});

describe("initial: h0 vs tfjs-layers (SimpleRNN, LSTM, GRU resetAfter: false) with initialState", () => {
  for (const v of variants) it(callText(v), () => expectClean(runKeras(v), source(v)));
});

describe("the comparison sees h0: references that ignore it (or misuse it) are rejected", () => {
  for (const v of variants) it(`${callText(v)} vs h starting at zero`, () => expectRejected(o.runOracle(tfOpsCase(v, "zero")), source(v)));
  for (const v of variants.filter((w) => w.kind === "lstm")) it(`${callText(v)} vs the cell also starting at h0`, () => expectRejected(o.runOracle(tfOpsCase(v, "cell-too")), source(v)));
});

describe("initial: h0 in larger graphs (tf ops reference)", () => {
  it("h0 also feeds the head: its gradient is the sum of both paths (gru, sequences)", () => {
    const v: Variant = { kind: "gru", units: 3, sequences: true, reverse: false };
    const src = `model M {
  input x: f32[T, ${N_IN}]
  input z: f32[${N_Z}]
  target label: i32[T]
  h0 = z -> dense(3) as init -> tanh
  h = x -> dense(${N_PRE}) as pre -> ${callText(v)} as rec
  logits = (h -> dense(2) as head) + (h0 -> dense(2) as skip)
  output h
  output logits
  loss cross_entropy(logits, label)
}`;
    const c: OracleCase = {
      name: "h0 with two consumers",
      source: src,
      dims: DIMS,
      batch: BATCH,
      ints: { label: 2 },
      reference(p, x) {
        const h0 = initial(p, x);
        const h = recurrence(v, o.dense(x.x!, p["pre.kernel"]!, p["pre.bias"]), p["rec.kernel"]!, p["rec.recurrent"]!, p["rec.bias"]!, h0);
        const skip = tf.expandDims(o.dense(h0, p["skip.kernel"]!, p["skip.bias"]), 1); // [B, 1, 2], broadcast over T
        const logits = tf.add(o.dense(h, p["head.kernel"]!, p["head.bias"]), skip);
        return { outputs: { h, logits }, loss: o.crossEntropy(logits, x.label!) };
      },
    };
    expectClean(o.runOracle(c), src, [...PARAMS, "skip.kernel", "skip.bias"]);
  });

  for (const [enc, dec] of [
    ["lstm", "gru"],
    ["gru", "lstm"],
  ] as const)
    it(`h0 from another recurrent layer: ${enc} encoder over S → ${dec} decoder over T (reverse encoder)`, () => {
      const e: Variant = { kind: enc, units: 3, sequences: false, reverse: true };
      const d: Variant = { kind: dec, units: 3, sequences: true, reverse: false };
      const src = `model M {
  input src: f32[S, ${N_IN}]
  input x: f32[T, ${N_IN}]
  target label: i32[T]
  summary = src -> dense(${N_PRE}) as embed -> ${callText(e, [])} as enc
  h = x -> dense(${N_PRE}) as pre -> ${callText(d, ["initial: summary"])} as rec
  logits = h -> dense(2) as head
  output h
  output logits
  loss cross_entropy(logits, label)
}`;
      const c: OracleCase = {
        name: "encoder → decoder",
        source: src,
        dims: { S: 4, T: 5 },
        batch: BATCH,
        ints: { label: 2 },
        reference(p, x) {
          const zero = tf.zeros([BATCH, e.units]);
          const summary = recurrence(e, o.dense(x.src!, p["embed.kernel"]!, p["embed.bias"]), p["enc.kernel"]!, p["enc.recurrent"]!, p["enc.bias"]!, zero);
          const h = recurrence(d, o.dense(x.x!, p["pre.kernel"]!, p["pre.bias"]), p["rec.kernel"]!, p["rec.recurrent"]!, p["rec.bias"]!, summary);
          const logits = o.dense(h, p["head.kernel"]!, p["head.bias"]);
          return { outputs: { h, logits }, loss: o.crossEntropy(logits, x.label!) };
        },
      };
      const params = ["embed.kernel", "embed.bias", "enc.kernel", "enc.recurrent", "enc.bias", "pre.kernel", "pre.bias", "rec.kernel", "rec.recurrent", "rec.bias", "head.kernel", "head.bias"];
      expectClean(o.runOracle(c), src, params);
    });

  for (const v of [
    { kind: "rnn", units: 4, sequences: true, reverse: true },
    { kind: "lstm", units: 3, sequences: false, reverse: true },
    { kind: "gru", units: 3, sequences: true, reverse: false },
  ] as const satisfies readonly Variant[])
    it(`with lengths: n — ${callText(v, ["initial: h0", "lengths: n"])}`, () => {
      const src = `model M {
  input x: f32[T, ${N_IN}]
  input z: f32[${N_Z}]
  input n: i32
  target label: i32${v.sequences ? "[T]" : ""}
  h0 = z -> dense(${v.units}) as init -> tanh
  h = x -> dense(${N_PRE}) as pre -> ${callText(v, ["initial: h0", "lengths: n"])} as rec
  logits = h -> dense(2) as head
  output h
  output logits
  loss cross_entropy(logits, label${v.sequences ? ", lengths: n" : ""})
}`;
      const c: OracleCase = {
        name: "initial with lengths",
        source: src,
        dims: DIMS,
        batch: BATCH,
        ints: { label: 2, n: DIMS.T },
        // n in [1, T], and at least one example shorter than T.
        prepare(data) {
          const n = data.n as Int32Array;
          for (let b = 0; b < n.length; b++) n[b] = n[b]! + 1;
          n[0] = 2;
        },
        reference(p, x) {
          const steps = tf.range(0, DIMS.T, 1, "int32");
          const mask = tf.cast(tf.less(tf.expandDims(steps, 0), tf.expandDims(x.n!, 1)), "float32"); // [B, T]
          const h = recurrence(v, o.dense(x.x!, p["pre.kernel"]!, p["pre.bias"]), p["rec.kernel"]!, p["rec.recurrent"]!, p["rec.bias"]!, initial(p, x), "h0", mask);
          const logits = o.dense(h, p["head.kernel"]!, p["head.bias"]);
          if (!v.sequences) return { outputs: { h, logits }, loss: o.crossEntropy(logits, x.label!) };
          // Mean over real steps only.
          const logp = tf.logSoftmax(logits);
          const picked = tf.sum(tf.mul(tf.oneHot(tf.cast(x.label!, "int32"), 2), logp), 2); // [B, T]
          const loss = tf.neg(tf.div(tf.sum(tf.mul(picked, mask)), tf.sum(mask))) as tf.Scalar;
          return { outputs: { h, logits }, loss };
        },
      };
      expectClean(o.runOracle(c), src);
    });
});
