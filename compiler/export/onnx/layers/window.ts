// Convolution and pooling. Ours are channels last ([B, …spatial, C]); ONNX's
// Conv and pools are channels first, so each is wrapped in a Transpose pair.
// Padding `same` is TensorFlow's (the smaller half before), as explicit pads.
import { attr, type Attribute } from "../builder.ts";
import type { Lowering, LoweringContext } from "../lowering.ts";

function perAxis(v: unknown, rank: number): number[] {
  return Array.isArray(v) ? (v as number[]) : Array(rank).fill(v as number);
}

interface Window {
  kernel: number[];
  stride: number[];
  dilation: number[];
}

/**
 * How the input is padded: pads as attributes wherever they are known.
 * `same` pads d·(k − 1) in all with stride 1; with a stride they depend on
 * the length, so a symbolic axis gets them computed when the graph runs
 * (`dynamic`: the pads tensor for a Pad op). ONNX's auto_pad SAME_UPPER is
 * not used: ONNX Runtime refuses it with a dilation, and with a stride
 * larger than the window it computes negative pads where ours are 0.
 */
type Padding = { pads: number[] } | { dynamic: string };

function padding(c: LoweringContext, x: string, rank: number, w: Window): Padding {
  const option = c.node.options.padding;
  if (option !== "same") {
    const p = option === "valid" ? Array(rank).fill(0) : perAxis(option, rank);
    return { pads: [...p, ...p] };
  }
  const spans = w.kernel.map((k, a) => w.dilation[a]! * (k - 1) + 1);
  const totals = spans.map((span, a) => {
    if (w.stride[a] === 1) return span - 1;
    const length = c.staticDim(c.inputTypes[0]!.shape[a]!);
    return length === undefined ? undefined : Math.max((Math.ceil(length / w.stride[a]!) - 1) * w.stride[a]! + span - length, 0);
  });
  if (totals.every((t) => t !== undefined)) return { pads: [...totals.map((t) => Math.floor(t / 2)), ...totals.map((t) => t - Math.floor(t / 2))] };
  // total = max((ceil(L / s) − 1)·s + span − L, 0), the smaller half before, in int64 on the channels-first shape.
  const { g } = c;
  const int = (v: number) => g.int64s(c.hint("c"), [1], [v]);
  const shape = g.op("Shape", [x], {}, c.hint("shape"));
  const before: string[] = [];
  const after: string[] = [];
  spans.forEach((span, a) => {
    const known = totals[a];
    if (known !== undefined) {
      before.push(int(Math.floor(known / 2)));
      after.push(int(known - Math.floor(known / 2)));
      return;
    }
    const s = w.stride[a]!;
    const L = g.op("Slice", [shape, int(a + 2), int(a + 3)], {}, c.hint("length"));
    const out = g.op("Div", [g.op("Add", [L, int(s - 1)], {}, c.hint("add")), int(s)], {}, c.hint("outLength"));
    const covered = g.op("Add", [g.op("Mul", [g.op("Sub", [out, int(1)], {}, c.hint("sub")), int(s)], {}, c.hint("mul")), int(span)], {}, c.hint("covered"));
    const total = g.op("Max", [g.op("Sub", [covered, L], {}, c.hint("excess")), int(0)], {}, c.hint("totalPad"));
    const half = g.op("Div", [total, int(2)], {}, c.hint("padBefore"));
    before.push(half);
    after.push(g.op("Sub", [total, half], {}, c.hint("padAfter")));
  });
  const zeros = g.int64s(c.hint("batchChannelPads"), [2], [0, 0]);
  return { dynamic: g.op("Concat", [zeros, ...before, zeros, ...after], { axis: attr.int(0) }, c.hint("pads")) };
}

/** Runs `op` on x with its padding: as the pads attribute, or x padded by a Pad op with `fill` (then no pads). */
function padded(c: LoweringContext, x: string, p: Padding, fill: number, op: (input: string, pads: Record<string, Attribute>) => string): string {
  if ("pads" in p) return op(x, { pads: attr.ints(p.pads) });
  return op(c.g.op("Pad", [x, p.dynamic, c.g.scalar(c.hint("fill"), fill)], { mode: attr.string("constant") }, c.hint("Pad")), {});
}

/** Runs `inner` on the input moved to channels first; moves its result back to channels last. */
function channelsFirst(c: LoweringContext, rank: number, inner: (x: string) => string): string {
  const spatial = Array.from({ length: rank }, (_, i) => i + 1);
  const x = c.g.op("Transpose", [c.inputs[0]!], { perm: attr.ints([0, rank + 1, ...spatial]) }, c.hint("toChannelsFirst"));
  return c.g.op("Transpose", [inner(x)], { perm: attr.ints([0, ...spatial.map((a) => a + 1), 1]) }, c.hint("toChannelsLast"));
}

/** Moves axes of a row-major array: out axis i is in axis perm[i]. */
export function transposeData(data: Float32Array, shape: number[], perm: number[]): Float32Array {
  const outShape = perm.map((p) => shape[p]!);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Float32Array(data.length);
  const index = new Array<number>(outShape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let at = 0;
    for (let i = 0; i < perm.length; i++) at += index[i]! * strides[perm[i]!]!;
    out[o] = data[at]!;
    for (let i = outShape.length - 1; i >= 0 && ++index[i]! === outShape[i]; i--) index[i] = 0;
  }
  return out;
}

/** conv1d/2d/3d: our kernel [k…, C, F] becomes ONNX's [F, C, k…]. */
export const conv = (rank: number): Lowering => (c) => {
  const shape = c.paramShape("kernel");
  const perm = [rank + 1, rank, ...Array.from({ length: rank }, (_, i) => i)];
  const weight = c.g.floats(`${c.node.name}.kernel`, perm.map((p) => shape[p]!), transposeData(c.paramData("kernel"), shape, perm));
  const w: Window = { kernel: shape.slice(0, rank), stride: perAxis(c.node.options.stride, rank), dilation: perAxis(c.node.options.dilation, rank) };
  const bias = c.node.params.bias ? [c.param("bias")] : [];
  const attributes = { kernel_shape: attr.ints(w.kernel), strides: attr.ints(w.stride), dilations: attr.ints(w.dilation) };
  return channelsFirst(c, rank, (x) => padded(c, x, padding(c, x, rank, w), 0, (input, pads) => c.g.op("Conv", [input, weight, ...bias], { ...attributes, ...pads }, c.hint("Conv"))));
};

/**
 * Pools never count padded cells: MaxPool ignores its pads (and a Pad op's
 * −∞ never wins), AveragePool with count_include_pad = 0 divides by the cells
 * inside; where a Pad op pads, the average is the window's sum over its
 * count of real cells: two average pools, of x and of ones, divided.
 */
export const pool = (kind: "max" | "avg", rank: number): Lowering => (c) => {
  const size = perAxis(c.node.options.size, rank);
  const w: Window = { kernel: size, stride: c.node.options.stride === undefined ? size : perAxis(c.node.options.stride, rank), dilation: Array(rank).fill(1) };
  const attributes = { kernel_shape: attr.ints(w.kernel), strides: attr.ints(w.stride) };
  return channelsFirst(c, rank, (x) => {
    const p = padding(c, x, rank, w);
    if (kind === "max") return padded(c, x, p, -Infinity, (input, pads) => c.g.op("MaxPool", [input], { ...attributes, ...pads }, c.hint("MaxPool")));
    const average = (input: string, pads: Record<string, Attribute>) => c.g.op("AveragePool", [input], { ...attributes, ...pads, count_include_pad: attr.int(0) }, c.hint("AveragePool"));
    if ("pads" in p) return padded(c, x, p, 0, average);
    const ones = c.g.op("Expand", [c.g.scalar(c.hint("one"), 1), c.g.op("Shape", [x], {}, c.hint("shape"))], {}, c.hint("ones"));
    return c.g.op("Div", [padded(c, x, p, 0, average), padded(c, ones, p, 0, average)], {}, c.hint("average"));
  });
};
