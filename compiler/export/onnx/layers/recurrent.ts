// rnn, lstm, gru as ONNX's RNN, LSTM, GRU (layout 0: time first, so the input
// and the results are transposed). Our kernels are [n, gates·u] with gate
// blocks as columns (row-vector convention, gate order i f c o / z r h); ONNX
// wants W [dirs, gates·u, n] and R [dirs, gates·u, u] with gates as row blocks
// in its order (LSTM i o f c, GRU z r h) and two biases, input and recurrent
// (ours is one: the recurrent bias is zero). GRU's default linear_before_reset
// = 0 is our reset-before-the-product; lengths are sequence_lens, an initial
// state initial_h (an lstm's cell starts at zero, ONNX's default).
import { attr } from "../builder.ts";
import type { Lowering } from "../lowering.ts";

/** For each ONNX gate block in turn, the index of our gate block it takes. */
const onnxGateOrder = { rnn: [0], lstm: [0, 3, 1, 2], gru: [0, 1, 2] } as const;
const operator = { rnn: "RNN", lstm: "LSTM", gru: "GRU" } as const;

/** Our [rows, gates·u] matrix (gate blocks as columns) as ONNX's [gates·u, rows] (blocks as rows, ONNX order). */
function gateRows(data: Float32Array, rows: number, u: number, order: readonly number[]): Float32Array {
  const width = order.length * u;
  const out = new Float32Array(width * rows);
  order.forEach((ours, k) => {
    for (let j = 0; j < u; j++) for (let i = 0; i < rows; i++) out[(k * u + j) * rows + i] = data[i * width + ours * u + j]!;
  });
  return out;
}

/** ONNX's bias per direction: our bias reordered (Wb), then zeros (Rb). */
function gateBias(data: Float32Array, u: number, order: readonly number[]): Float32Array {
  const out = new Float32Array(2 * order.length * u);
  order.forEach((ours, k) => out.set(data.subarray(ours * u, (ours + 1) * u), k * u));
  return out;
}

export const recurrent = (kind: "rnn" | "lstm" | "gru"): Lowering => (c) => {
  const { g, node } = c;
  const u = node.options.units as number;
  const order = onnxGateOrder[kind];
  const both = !!node.options.bidirectional;
  const prefixes = both ? ["", "reverse."] : [""];
  const n = c.paramShape("kernel")[0]!;
  const stack = (local: string, f: (data: Float32Array) => Float32Array, per: number[]) =>
    g.floats(`${node.name}.${local}`, [prefixes.length, ...per], concatenate(prefixes.map((p) => f(c.paramData(`${p}${local}`)))));
  const W = stack("kernel", (d) => gateRows(d, n, u, order), [order.length * u, n]);
  const R = stack("recurrent", (d) => gateRows(d, u, u, order), [order.length * u, u]);
  const B = stack("bias", (d) => gateBias(d, u, order), [2 * order.length * u]);
  const X = g.op("Transpose", [c.inputs[0]!], { perm: attr.ints([1, 0, 2]) }, c.hint("timeFirst"));
  const lengths = typeof node.options.lengths === "number" ? c.inputs[node.options.lengths]! : "";
  const initial = typeof node.options.initial === "number" ? g.op("Unsqueeze", [c.inputs[node.options.initial]!, g.int64s(c.hint("axis0"), [1], [0])], {}, c.hint("initialH")) : "";
  const attributes = {
    hidden_size: attr.int(u),
    direction: attr.string(both ? "bidirectional" : node.options.reverse ? "reverse" : "forward"),
    ...(kind === "rnn" ? { activations: attr.strings(prefixes.map(() => (node.options.activation === "relu" ? "Relu" : "Tanh"))) } : {}),
  };
  const [Y, Yh] = g.node(operator[kind], trimOptional([X, W, R, B, lengths, initial]), attributes, c.hint(operator[kind]), 2);
  const width = prefixes.length * u;
  if (node.options.sequences) {
    // Y [T, dirs, B, u] → [B, T, dirs, u] → [B, T, dirs·u]: the forward state first, as ours.
    const moved = g.op("Transpose", [Y!], { perm: attr.ints([2, 0, 1, 3]) }, c.hint("batchFirst"));
    return g.op("Reshape", [moved, g.int64s(c.hint("shape"), [3], [0, 0, width])], {}, c.hint("states"));
  }
  const moved = g.op("Transpose", [Yh!], { perm: attr.ints([1, 0, 2]) }, c.hint("batchFirst"));
  return g.op("Reshape", [moved, g.int64s(c.hint("shape"), [2], [0, width])], {}, c.hint("state"));
};

function concatenate(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Optional inputs left out at the end are dropped; an empty name skips one in the middle. */
function trimOptional(inputs: string[]): string[] {
  let end = inputs.length;
  while (end > 0 && inputs[end - 1] === "") end--;
  return inputs.slice(0, end);
}

