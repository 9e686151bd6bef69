// Finite-difference gradient checks for every layer and loss with generated
// code. Parameters and activations are float32, so differences use h = 1e-2
// and a relative tolerance of 2e-2 (floored at 1e-2 absolute scale): float32
// rounding of a loss near 1 is ~1e-7, divided by 2h gives ~1e-5, far below;
// the O(h²) truncation term of smooth layers is ~1e-4. Kinks (relu, max) are
// kept away from by the inputs' randomness; a failure names the element.
import { describe, expect, it } from "vitest";
import { check } from "../../compiler/index.ts";
import { layers } from "../../compiler/layers/registry.ts";
import { compileModel, gradCheck, makeInputs } from "./harness.ts";

interface Case {
  name: string;
  source: string;
  dims?: Record<string, number>;
  ints?: Record<string, number>;
  /** A smaller step where a max may switch cells within ±h. */
  h?: number;
}

const model = (body: string, inputs: string) => `model M {\n${inputs}\n${body}\n}`;
const classifier = (input: string, chain: string, classes = 3) =>
  model(`  logits = x -> ${chain} -> flatten -> dense(${classes})\n  output logits\n  loss cross_entropy(logits, label)`, `  input x: ${input}\n  target label: i32`);

const cases: Case[] = [
  { name: "dense + tanh (fused)", source: classifier("f32[5]", "dense(4) -> tanh") },
  { name: "dense + sigmoid (fused)", source: classifier("f32[5]", "dense(4) -> sigmoid") },
  { name: "dense + relu (fused)", source: classifier("f32[5]", "dense(6) -> relu") },
  { name: "dense + leaky_relu (fused)", source: classifier("f32[5]", "dense(6) -> leaky_relu(alpha: 0.2)") },
  { name: "dense without bias, on [T, n]", source: classifier("f32[3, 5]", "dense(4, bias: false)") },
  { name: "gelu", source: classifier("f32[6]", "dense(4) -> gelu") },
  { name: "softmax over the last axis", source: classifier("f32[2, 4]", "dense(3) -> softmax") },
  { name: "softmax over axis 0", source: classifier("f32[3, 4]", "dense(2) -> softmax(axis: 0)") },
  { name: "standalone relu after add", source: model("  h = x -> dense(4)\n  logits = h + h -> relu -> dense(3)\n  output logits\n  loss cross_entropy(logits, label)", "  input x: f32[5]\n  target label: i32") },
  { name: "dropout", source: classifier("f32[8]", "dense(8) -> tanh -> dropout(0.3) -> dense(4)") },
  { name: "conv1d valid, stride 2", source: classifier("f32[9, 2]", "conv1d(3, kernel: 3, stride: 2) -> tanh") },
  { name: "conv1d same, dilation 2", source: classifier("f32[8, 2]", "conv1d(3, kernel: 3, padding: same, dilation: 2) -> tanh") },
  { name: "conv2d same", source: classifier("f32[5, 5, 2]", "conv2d(3, kernel: 3, padding: same) -> tanh") },
  { name: "conv2d stride 2, int padding", source: classifier("f32[6, 6, 1]", "conv2d(2, kernel: (3, 2), stride: 2, padding: 1)") },
  { name: "conv3d same", source: classifier("f32[3, 4, 4, 1]", "conv3d(2, kernel: 2, padding: same) -> tanh") },
  { name: "maxpool2d", h: 1e-3, source: classifier("f32[4, 4, 2]", "conv2d(3, kernel: 1) -> maxpool2d(2)") },
  { name: "maxpool1d same, stride 1", h: 1e-3, source: classifier("f32[5, 2]", "conv1d(2, kernel: 1) -> maxpool1d(2, stride: 1, padding: same)") },
  { name: "avgpool1d valid, stride 2", source: classifier("f32[7, 2]", "conv1d(2, kernel: 1) -> avgpool1d(3, stride: 2)") },
  { name: "avgpool2d same (padding not counted)", source: classifier("f32[5, 5, 1]", "conv2d(2, kernel: 1) -> avgpool2d(2, padding: same)") },
  { name: "avgpool3d", source: classifier("f32[2, 4, 4, 1]", "conv3d(2, kernel: 1) -> avgpool3d((2, 2, 2))") },
  { name: "maxpool3d", h: 1e-3, source: classifier("f32[2, 4, 4, 1]", "conv3d(2, kernel: 1) -> maxpool3d(2)") },
  { name: "reshape", source: classifier("f32[6]", "dense(8) -> reshape(2, -1) -> tanh") },
  { name: "sub and mul with broadcasting", source: model("  a = x -> dense(4)\n  b = x -> dense(1)\n  c = y -> dense(4)\n  logits = (a - b) * c -> dense(3)\n  output logits\n  loss cross_entropy(logits, label)", "  input x: f32[2, 5]\n  input y: f32[5]\n  target label: i32[2]") },
  { name: "unary minus", source: classifier("f32[5]", "dense(4) -> tanh") .replace("logits = x", "logits = -x") },
  { name: "mse", source: model("  p = x -> dense(4) -> tanh -> dense(2)\n  output p\n  loss mse(p, t)", "  input x: f32[3]\n  target t: f32[2]") },
  { name: "binary_cross_entropy", source: model("  p = x -> dense(4) -> tanh -> dense(2)\n  output p\n  loss binary_cross_entropy(p, t)", "  input x: f32[3]\n  target t: f32[2]") },
  { name: "embedding, mean over time", source: model("  logits = w -> embedding(5, 4) -> mean(axis: 0) -> dense(3)\n  output logits\n  loss cross_entropy(logits, label)", "  input w: i32[T]\n  target label: i32"), dims: { T: 4 }, ints: { w: 5 } },
  { name: "layernorm", source: classifier("f32[2, 5]", "dense(4) -> layernorm -> tanh") },
  { name: "max over an axis", h: 1e-3, source: classifier("f32[4, 3]", "dense(3) -> max(axis: 0)") },
  { name: "max over the last axis", h: 1e-3, source: classifier("f32[4, 3]", "dense(5) -> max(axis: -1)") },
  { name: "last step", source: model("  logits = x -> dense(4) -> tanh -> last -> dense(3)\n  output logits\n  loss cross_entropy(logits, label)", "  input x: f32[T, 3]\n  target label: i32"), dims: { T: 3 } },
  { name: "concat on the last axis and axis 0 (same input twice)", source: model("  a = x -> dense(3)\n  b = x -> dense(2)\n  c = concat(a, b, a)\n  d = concat(c, c, axis: 0)\n  logits = d -> flatten -> dense(3)\n  output logits\n  loss cross_entropy(logits, label)", "  input x: f32[2, 4]\n  target label: i32") },
  { name: "cross_entropy over a sequence", source: model("  logits = x -> dense(3)\n  output logits\n  loss cross_entropy(logits, tags)", "  input x: f32[T, 4]\n  target tags: i32[T]"), dims: { T: 3 } },
];

/** Layers whose gradient checks live in a suite of their own, with the cases their options need. */
const dedicatedSuites: Record<string, string> = {
  rnn: "recurrent.test.ts",
  lstm: "recurrent.test.ts",
  gru: "recurrent.test.ts",
  attention: "attention.test.ts",
  positional: "positional.test.ts",
};

describe("gradient checks (finite differences)", () => {
  it("cover every layer and loss of the registry (a new layer fails here until it has a case)", () => {
    const checked = new Set(Object.keys(dedicatedSuites));
    for (const c of cases) for (const m of check(c.source).models) for (const n of m.nodes) checked.add(n.def.name);
    expect([...layers.keys()].filter((name) => !checked.has(name))).toEqual([]);
  });

  for (const c of cases) {
    it(c.name, () => {
      const M = compileModel(c.source);
      const dims = { batch: 3, ...c.dims };
      const inputs = makeInputs(M, dims, { label: 3, tags: 3, ...c.ints });
      for (const [k, v] of Object.entries(inputs)) if (k === "t") inputs[k] = Float32Array.from(v, (x) => (x + 1) / 2);
      const { worst, where } = gradCheck(M, inputs, dims, c.h ? { h: c.h } : {});
      expect(worst, where).toBeLessThan(2e-2);
    });
  }
});
