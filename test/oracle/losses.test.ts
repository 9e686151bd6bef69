// The three losses against TensorFlow.js: the mean loss and the gradients
// that reach the parameters through it (see oracle.ts for the method).
import { beforeAll, describe, expect, it } from "vitest";
import * as o from "./oracle.ts";
import { tf, type OracleCase } from "./oracle.ts";

beforeAll(o.useCpuBackend);

/** Registers the case at its own size and at a realistic one (o.atScale). */
function check(c: OracleCase): void {
  for (const sized of [c, o.atScale(c)])
    it(sized.name, () => {
      const findings = o.runOracle(sized);
      expect(findings.some((f) => f.what === "loss")).toBe(true);
      expect(o.failures(findings), sized.source).toBe("");
    });
}

const model = (inputs: string, lines: string) => `model M {\n${inputs}\n${lines}\n}`;

describe("cross_entropy vs TF.js (sparse softmax CE, mean over batch and non-class axes)", () => {
  check({
    name: "one label per example, 10 classes",
    source: model("  input x: f32[6]\n  target label: i32", "  logits = x -> dense(10) as d\n  output logits\n  loss cross_entropy(logits, label)"),
    ints: { label: 10 },
    batch: 5,
    reference: (p, x) => {
      const logits = o.dense(x.x!, p["d.kernel"]!, p["d.bias"]);
      return { outputs: { logits }, loss: o.crossEntropy(logits, x.label!) };
    },
  });
  check({
    name: "large logits (stable log-softmax)",
    source: model("  input x: f32[4]\n  target label: i32", "  logits = x -> dense(5) as d\n  scaled = logits * big\n  output scaled\n  loss cross_entropy(scaled, label)").replace("  target label", "  input big: f32[1]\n  target label"),
    ints: { label: 5 },
    reference: (p, x) => {
      const scaled = tf.mul(o.dense(x.x!, p["d.kernel"]!, p["d.bias"]), x.big!);
      return { outputs: { scaled }, loss: o.crossEntropy(scaled, x.label!) };
    },
    prepare: (data) => void (data.big as Float32Array).fill(40),
  });
  check({
    name: "over a sequence: [T, 3] logits, [T] tags (T = 4)",
    source: model("  input x: f32[T, 4]\n  target tags: i32[T]", "  logits = x -> dense(3) as d\n  output logits\n  loss cross_entropy(logits, tags)"),
    dims: { T: 4 },
    reference: (p, x) => {
      const logits = o.dense(x.x!, p["d.kernel"]!, p["d.bias"]);
      return { outputs: { logits }, loss: o.crossEntropy(logits, x.tags!) };
    },
  });
  check({
    name: "over two axes: [2, 3, 4] logits, i32[2, 3] labels",
    source: model("  input x: f32[2, 3, 5]\n  target label: i32[2, 3]", "  logits = x -> dense(4) as d -> tanh\n  output logits\n  loss cross_entropy(logits, label)"),
    ints: { label: 4 },
    reference: (p, x) => {
      const logits = tf.tanh(o.dense(x.x!, p["d.kernel"]!, p["d.bias"]));
      return { outputs: { logits }, loss: o.crossEntropy(logits, x.label!) };
    },
  });
});

describe("binary_cross_entropy vs TF.js (sigmoid CE on logits, mean over everything)", () => {
  check({
    name: "[2] logits, f32 targets in [0, 1]",
    source: model("  input x: f32[3]\n  target t: f32[2]", "  p = x -> dense(4) as a -> tanh -> dense(2) as b\n  output p\n  loss binary_cross_entropy(p, t)"),
    probabilities: ["t"],
    reference: (p, x) => {
      const y = o.dense(tf.tanh(o.dense(x.x!, p["a.kernel"]!, p["a.bias"])), p["b.kernel"]!, p["b.bias"]);
      return { outputs: { p: y }, loss: o.binaryCrossEntropy(y, x.t!) };
    },
  });
  check({
    name: "[2, 3] logits, batch 4",
    batch: 4,
    source: model("  input x: f32[2, 5]\n  target t: f32[2, 3]", "  p = x -> dense(3) as a\n  output p\n  loss binary_cross_entropy(p, t)"),
    probabilities: ["t"],
    reference: (p, x) => {
      const y = o.dense(x.x!, p["a.kernel"]!, p["a.bias"]);
      return { outputs: { p: y }, loss: o.binaryCrossEntropy(y, x.t!) };
    },
  });
  check({
    name: "hard 0/1 targets and a scalar per example",
    batch: 6,
    source: model("  input x: f32[3]\n  target t: f32", "  p = x -> dense(1) as a -> mean(axis: 0)\n  output p\n  loss binary_cross_entropy(p, t)"),
    prepare: (data) => void (data.t = Float32Array.from(data.t!, (v) => (v > 0 ? 1 : 0))),
    reference: (p, x) => {
      const y = tf.mean(o.dense(x.x!, p["a.kernel"]!, p["a.bias"]), 1);
      return { outputs: { p: y }, loss: o.binaryCrossEntropy(y, x.t!) };
    },
  });
});

describe("mse vs TF.js (mean over batch and all elements)", () => {
  check({
    name: "[2] predictions",
    source: model("  input x: f32[3]\n  target t: f32[2]", "  p = x -> dense(4) as a -> tanh -> dense(2) as b\n  output p\n  loss mse(p, t)"),
    reference: (p, x) => {
      const y = o.dense(tf.tanh(o.dense(x.x!, p["a.kernel"]!, p["a.bias"])), p["b.kernel"]!, p["b.bias"]);
      return { outputs: { p: y }, loss: o.mse(y, x.t!) };
    },
  });
  check({
    name: "[T, 3] predictions (T = 5), batch 2",
    batch: 2,
    dims: { T: 5 },
    source: model("  input x: f32[T, 4]\n  target t: f32[T, 3]", "  p = x -> dense(3) as a\n  output p\n  loss mse(p, t)"),
    reference: (p, x) => {
      const y = o.dense(x.x!, p["a.kernel"]!, p["a.bias"]);
      return { outputs: { p: y }, loss: o.mse(y, x.t!) };
    },
  });
});
