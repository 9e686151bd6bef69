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
// The model, both references and the Keras run are in recurrence.ts (shared
// with initial-state.test.ts).
import { beforeAll, describe, it } from "vitest";
import * as o from "./oracle.ts";
import { PARAMS, callText, expectClean, runKeras, source, tfOpsCase, variants } from "./recurrence.ts";

beforeAll(o.useCpuBackend);

const cases = variants([
  { kind: "rnn", units: 4 },
  { kind: "rnn", units: 4, activation: "relu" },
  { kind: "lstm", units: 3 },
  { kind: "gru", units: 3 },
]);

describe("recurrent layers vs the spec's equations in tf ops", () => {
  for (const v of cases) it(callText(v), () => expectClean(o.runOracle(tfOpsCase(v)), source(v), PARAMS));
});

describe("recurrent layers vs the spec's equations in tf ops, at a realistic size (batch 37, odd T)", () => {
  for (const v of cases) {
    const sized = o.atScale(tfOpsCase(v));
    it(sized.name, () => expectClean(o.runOracle(sized), source(v), PARAMS));
  }
});

describe("recurrent layers vs tfjs-layers (SimpleRNN, LSTM, GRU resetAfter: false)", () => {
  for (const v of cases) it(callText(v), () => expectClean(runKeras(v), source(v), PARAMS));
});
