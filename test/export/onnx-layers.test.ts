// Every layer kind exported to ONNX and run by ONNX Runtime, against nnc's
// forward on the same inputs: ≤ 1e-4 relative at two values of each
// symbolic dim (batch included), from one exported file.
import { describe, expect, it } from "vitest";
import { compareWithOnnxRuntime, worst } from "./onnx-harness.ts";

interface Case {
  name: string;
  inputs: string;
  body: string;
  dims?: [Record<string, number>, Record<string, number>];
}

const seq = "input x: f32[T, 6]";
const image = "input x: f32[7, 6, 3]";
const cases: Case[] = [
  { name: "dense", inputs: seq, body: "x -> dense(5)" },
  { name: "dense without bias on a rank-1 input", inputs: "input x: f32[6]", body: "x -> dense(4, bias: false)" },
  { name: "activations", inputs: seq, body: "x -> dense(5) -> relu -> dense(5) -> tanh -> dense(5) -> sigmoid -> dense(5) -> gelu -> leaky_relu(alpha: 0.2)" },
  { name: "softmax over axis 0", inputs: seq, body: "x -> softmax(axis: 0)" },
  { name: "conv1d same, stride 2", inputs: seq, body: "x -> conv1d(4, kernel: 3, stride: 2, padding: same)" },
  { name: "conv1d dilated valid", inputs: seq, body: "x -> conv1d(4, kernel: 3, dilation: 2)", dims: [{ batch: 2, T: 7 }, { batch: 3, T: 12 }] },
  { name: "conv2d padding per axis", inputs: image, body: "x -> conv2d(4, kernel: (3, 2), stride: (2, 1), padding: (1, 0)) -> relu" },
  { name: "conv2d same", inputs: image, body: "x -> conv2d(2, kernel: 3, padding: same, bias: false)" },
  { name: "conv3d", inputs: "input x: f32[4, 5, 5, 2]", body: "x -> conv3d(3, kernel: 2, stride: (1, 2, 2))" },
  { name: "maxpool2d same", inputs: image, body: "x -> maxpool2d(2, padding: same)" },
  { name: "avgpool2d padded", inputs: image, body: "x -> avgpool2d(3, stride: (2, 1), padding: 1)" },
  { name: "maxpool1d and avgpool1d", inputs: seq, body: "x -> maxpool1d(2) -> avgpool1d(2, stride: 1, padding: same)", dims: [{ batch: 2, T: 5 }, { batch: 3, T: 8 }] },
  { name: "pool3d", inputs: "input x: f32[4, 4, 4, 2]", body: "x -> maxpool3d(2) -> avgpool3d((1, 2, 2))" },
  { name: "flatten", inputs: image, body: "x -> flatten -> dense(3)" },
  { name: "reshape", inputs: seq, body: "x -> reshape(-1, 3) -> dense(2)" },
  { name: "embedding", inputs: "input w: i32[T]", body: "w -> embedding(9, 4)" },
  { name: "layernorm", inputs: seq, body: "x -> layernorm" },
  { name: "mean and max", inputs: seq, body: "concat(x -> mean(axis: 0), x -> max(axis: 0) -> dense(6), axis: 0)" },
  { name: "last", inputs: seq, body: "x -> last" },
  { name: "last with lengths", inputs: `${seq}\n  input n: i32`, body: "x -> last(lengths: n)" },
  { name: "dropout is the identity", inputs: seq, body: "x -> dropout(0.5) -> dense(3)" },
  { name: "element-wise with broadcasting", inputs: `${seq}\n  input v: f32[6]`, body: "(x + v) * (x - v) - -x * v" },
  { name: "concat along steps", inputs: seq, body: "concat(x, x -> dense(6), axis: 0)" },
];

describe("ONNX export, per layer, against ONNX Runtime", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const source = `model M {\n  ${c.inputs}\n  y = ${c.body}\n  output y\n}`;
      const dims = c.dims ?? [{ batch: 2, T: 5 }, { batch: 3, T: 8 }];
      const results = await compareWithOnnxRuntime(source, dims);
      expect(worst(results), JSON.stringify(results)).toBeLessThanOrEqual(1e-4);
    });
  }
});
