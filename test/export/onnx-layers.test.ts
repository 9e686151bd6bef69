// Every layer kind exported to ONNX and run by ONNX Runtime, against nnc's
// forward on the same inputs: ≤ 1e-4 relative at two values of each
// symbolic dim (batch included), from one exported file.
import { describe, expect, it } from "vitest";
import { layers, operators } from "../../compiler/layers/registry.ts";
import { lowerings } from "../../compiler/export/onnx/registry.ts";
import { checkedModel, compareWithOnnxRuntime, worst } from "./onnx-harness.ts";

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
  { name: "conv1d same and dilated", inputs: seq, body: "x -> conv1d(3, kernel: 3, dilation: 2, padding: same)", dims: [{ batch: 2, T: 6 }, { batch: 3, T: 9 }] },
  { name: "conv2d same, stride 2, even sizes (uneven padding split)", inputs: "input x: f32[8, 6, 2]", body: "x -> conv2d(3, kernel: (4, 2), stride: 2, padding: same)" },
  { name: "maxpool2d same with stride 1", inputs: image, body: "x -> maxpool2d(3, stride: 1, padding: same) -> avgpool2d(2, stride: 1, padding: same)" },
  // With a stride over a symbolic axis, `same` pads are computed when the graph runs (a Pad op).
  { name: "conv1d same, strided and dilated, T symbolic", inputs: seq, body: "x -> conv1d(3, kernel: 3, stride: 2, dilation: 2, padding: same)", dims: [{ batch: 2, T: 7 }, { batch: 3, T: 10 }] },
  { name: "pools same with a stride past the window, T symbolic", inputs: seq, body: "concat(x -> maxpool1d(2, stride: 3, padding: same), x -> avgpool1d(3, stride: 2, padding: same), axis: 0)", dims: [{ batch: 2, T: 6 }, { batch: 3, T: 7 }] },
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
  // Recurrent layers: gate order and layouts converted, both ways, lengths, an initial state.
  { name: "rnn tanh, last state", inputs: seq, body: "x -> rnn(4)" },
  { name: "rnn relu, reverse, sequences", inputs: seq, body: "x -> rnn(4, activation: relu, reverse: true, sequences: true)" },
  { name: "lstm sequences", inputs: seq, body: "x -> lstm(5, sequences: true)" },
  { name: "lstm last state", inputs: seq, body: "x -> lstm(5)" },
  { name: "gru sequences", inputs: seq, body: "x -> gru(4, sequences: true)" },
  { name: "gru reverse last state", inputs: seq, body: "x -> gru(4, reverse: true)" },
  { name: "bidirectional lstm sequences", inputs: seq, body: "x -> lstm(3, bidirectional: true, sequences: true)" },
  { name: "bidirectional gru last", inputs: seq, body: "x -> gru(3, bidirectional: true)" },
  { name: "bidirectional rnn with lengths", inputs: `${seq}\n  input n: i32`, body: "x -> rnn(3, bidirectional: true, sequences: true, lengths: n)" },
  { name: "lstm with lengths, last", inputs: `${seq}\n  input n: i32`, body: "x -> lstm(4, lengths: n)" },
  { name: "reverse gru with lengths", inputs: `${seq}\n  input n: i32`, body: "x -> gru(4, reverse: true, sequences: true, lengths: n)" },
  { name: "lstm with an initial state", inputs: `${seq}\n  input h: f32[4]`, body: "x -> lstm(4, sequences: true, initial: h)" },
  { name: "gru and rnn with initial states", inputs: `${seq}\n  input h: f32[4]`, body: "concat(x -> gru(4, initial: h), x -> rnn(4, initial: h), axis: 0)" },
  // Attention: heads, causal, key lengths, cross-attention with S ≠ T.
  { name: "self-attention, one head", inputs: seq, body: "x -> attention" },
  { name: "self-attention, heads, causal", inputs: seq, body: "x -> attention(heads: 3, causal: true)" },
  { name: "self-attention with key lengths, causal", inputs: `${seq}\n  input n: i32`, body: "x -> attention(heads: 2, causal: true, lengths: n)" },
  { name: "cross-attention with key lengths", inputs: `${seq}\n  input m: f32[S, 6]\n  input n: i32`, body: "attention(x, m, heads: 2, lengths: n)", dims: [{ batch: 2, T: 5, S: 3 }, { batch: 3, T: 4, S: 7 }] },
  { name: "positional sinusoidal", inputs: seq, body: "x -> positional" },
  { name: "positional learned", inputs: seq, body: "x -> positional(kind: learned, max: 9)" },
];

const sourceOf = (c: Case) => `model M {\n  ${c.inputs}\n  y = ${c.body}\n  output y\n}`;

describe("ONNX export, per layer, against ONNX Runtime", () => {
  it("covers every layer kind of the registry (losses are not exported)", () => {
    const kinds = [...layers.values(), ...Object.values(operators)].filter((l) => !l.isLoss).map((l) => l.name);
    expect(kinds.filter((k) => !lowerings.has(k))).toEqual([]);
    const tested = new Set(cases.flatMap((c) => checkedModel(sourceOf(c)).nodes.map((n) => n.def.name)));
    expect(kinds.filter((k) => !tested.has(k))).toEqual([]);
  });

  for (const c of cases) {
    it(c.name, async () => {
      const source = sourceOf(c);
      const dims = c.dims ?? [{ batch: 2, T: 5 }, { batch: 3, T: 8 }];
      const results = await compareWithOnnxRuntime(source, dims);
      expect(worst(results), JSON.stringify(results)).toBeLessThanOrEqual(1e-4);
    });
  }

  it("outputs that are inputs, aliases and i32 values keep their names", async () => {
    const source = "model M {\n  input x: f32[T, 3]\n  input w: i32[T]\n  output x\n  output w\n  y = x -> dense(2)\n  output y\n  output z = y\n  output v = x\n}";
    const results = await compareWithOnnxRuntime(source, [{ batch: 2, T: 3 }, { batch: 1, T: 5 }]);
    expect(Object.keys(results[0]!.errors)).toEqual(["x", "w", "y", "z", "v"]);
    expect(worst(results)).toBeLessThanOrEqual(1e-4);
  });

  it("positional sinusoidal with T specialised: the table is an initialiser", async () => {
    const source = `model M {\n  ${seq}\n  y = x -> positional\n  output y\n}`;
    const results = await compareWithOnnxRuntime(source, [{ batch: 2, T: 6 }, { batch: 3, T: 6 }], { specialize: { T: 6 } });
    expect(worst(results)).toBeLessThanOrEqual(1e-4);
  });
});
