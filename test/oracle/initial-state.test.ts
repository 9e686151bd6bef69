// `initial: h0` on rnn, lstm and gru against TensorFlow.js (see oracle.ts for
// the method and the error measure, recurrence.ts for the model, the
// recurrences and the tfjs-layers comparison it shares with
// recurrent.test.ts, which has the notes on reverse ordering). The state
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
//     recurrence.ts), through runOracle: outputs, loss, every parameter
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
import * as o from "./oracle.ts";
import { tf, type Finding, type OracleCase } from "./oracle.ts";
import { BATCH, DIMS, H0, N_IN, N_PRE, N_Z, PARAMS as REC_PARAMS, callText, expectClean, initial, recurrence, runKeras, source, tfOpsCase, variants, type Variant } from "./recurrence.ts";

beforeAll(o.useCpuBackend);

const cases = variants([
  { kind: "rnn", units: 4 },
  { kind: "lstm", units: 3 },
  { kind: "gru", units: 3 },
]);

// Every parameter: init (2), pre (2), rec (3), head (2).
const PARAMS = ["init.kernel", "init.bias", ...REC_PARAMS];

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
  for (const v of cases) it(callText(v, H0), () => expectClean(o.runOracle(tfOpsCase(v, { h0: true })), source(v, { h0: true }), PARAMS));
});

describe("initial: h0 vs tfjs-layers (SimpleRNN, LSTM, GRU resetAfter: false) with initialState", () => {
  for (const v of cases) it(callText(v, H0), () => expectClean(runKeras(v, { h0: true }), source(v, { h0: true }), PARAMS));
});

describe("the comparison sees h0: references that ignore it (or misuse it) are rejected", () => {
  for (const v of cases) it(`${callText(v, H0)} vs h starting at zero`, () => expectRejected(o.runOracle(tfOpsCase(v, { h0: true, start: "zero" })), source(v, { h0: true })));
  for (const v of cases.filter((w) => w.kind === "lstm")) it(`${callText(v, H0)} vs the cell also starting at h0`, () => expectRejected(o.runOracle(tfOpsCase(v, { h0: true, start: "cell-too" })), source(v, { h0: true })));
});

describe("initial: h0 in larger graphs (tf ops reference)", () => {
  it("h0 also feeds the head: its gradient is the sum of both paths (gru, sequences)", () => {
    const v: Variant = { kind: "gru", units: 3, sequences: true, reverse: false };
    const src = `model M {
  input x: f32[T, ${N_IN}]
  input z: f32[${N_Z}]
  target label: i32[T]
  h0 = z -> dense(3) as init -> tanh
  h = x -> dense(${N_PRE}) as pre -> ${callText(v, H0)} as rec
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
        const h = recurrence(v, o.dense(x.x!, p["pre.kernel"]!, p["pre.bias"]), p["rec.kernel"]!, p["rec.recurrent"]!, p["rec.bias"]!, { h0 });
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
          const summary = recurrence(e, o.dense(x.src!, p["embed.kernel"]!, p["embed.bias"]), p["enc.kernel"]!, p["enc.recurrent"]!, p["enc.bias"]!); // starts at zero
          const h = recurrence(d, o.dense(x.x!, p["pre.kernel"]!, p["pre.bias"]), p["rec.kernel"]!, p["rec.recurrent"]!, p["rec.bias"]!, { h0: summary });
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
          const h = recurrence(v, o.dense(x.x!, p["pre.kernel"]!, p["pre.bias"]), p["rec.kernel"]!, p["rec.recurrent"]!, p["rec.bias"]!, { h0: initial(p, x), mask });
          const logits = o.dense(h, p["head.kernel"]!, p["head.bias"]);
          if (!v.sequences) return { outputs: { h, logits }, loss: o.crossEntropy(logits, x.label!) };
          // Mean over real steps only.
          const logp = tf.logSoftmax(logits);
          const picked = tf.sum(tf.mul(tf.oneHot(tf.cast(x.label!, "int32"), 2), logp), 2); // [B, T]
          const loss = tf.neg(tf.div(tf.sum(tf.mul(picked, mask)), tf.sum(mask))) as tf.Scalar;
          return { outputs: { h, logits }, loss };
        },
      };
      expectClean(o.runOracle(c), src, PARAMS);
    });
});
