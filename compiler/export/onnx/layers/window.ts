// Convolution and pooling. Ours are channels last ([B, …spatial, C]); ONNX's
// Conv and pools are channels first, so each is wrapped in a Transpose pair.
// Padding `same` is TensorFlow's (the smaller half before).
import { attr, type Attribute } from "../builder.ts";
import { NotExportable, type Lowering, type LoweringContext } from "../lowering.ts";

function perAxis(v: unknown, rank: number): number[] {
  return Array.isArray(v) ? (v as number[]) : Array(rank).fill(v as number);
}

/**
 * Explicit pads wherever they are known: `same` pads d·(k − 1) in all with
 * stride 1, and depends on the length otherwise, so a symbolic axis with a
 * stride leaves it to auto_pad SAME_UPPER (TensorFlow's split too), which
 * ONNX Runtime refuses with dilation: that alone cannot be exported.
 */
function paddingAttributes(c: LoweringContext, rank: number, kernel: number[], stride: number[], dilation: number[]): Record<string, Attribute> {
  const padding = c.node.options.padding;
  if (padding !== "same") {
    const p = padding === "valid" ? Array(rank).fill(0) : perAxis(padding, rank);
    return { pads: attr.ints([...p, ...p]) };
  }
  const totals = Array.from({ length: rank }, (_, a) => {
    const span = dilation[a]! * (kernel[a]! - 1) + 1;
    if (stride[a] === 1) return span - 1;
    const length = c.staticDim(c.inputTypes[0]!.shape[a]!);
    return length === undefined ? undefined : Math.max((Math.ceil(length / stride[a]!) - 1) * stride[a]! + span - length, 0);
  });
  if (totals.every((t) => t !== undefined)) return { pads: attr.ints([...totals.map((t) => Math.floor(t / 2)), ...totals.map((t) => t - Math.floor(t / 2))]) };
  if (dilation.some((d) => d > 1))
    throw new NotExportable("padding: same with a stride and a dilation over a symbolic axis (ONNX Runtime has no dilated SAME padding, and the pads depend on the length); fix the axis with --specialize");
  return { auto_pad: attr.string("SAME_UPPER") };
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
  const kernel = shape.slice(0, rank);
  const stride = perAxis(c.node.options.stride, rank);
  const dilation = perAxis(c.node.options.dilation, rank);
  const inputs = (x: string) => [x, weight, ...(c.node.params.bias ? [c.param("bias")] : [])];
  return channelsFirst(c, rank, (x) =>
    c.g.op(
      "Conv",
      inputs(x),
      {
        kernel_shape: attr.ints(kernel),
        strides: attr.ints(stride),
        dilations: attr.ints(dilation),
        ...paddingAttributes(c, rank, kernel, stride, dilation),
      },
      c.hint("Conv"),
    ),
  );
};

/** Pools never count padded cells: MaxPool ignores them, AveragePool with count_include_pad = 0. */
export const pool = (kind: "max" | "avg", rank: number): Lowering => (c) => {
  const size = perAxis(c.node.options.size, rank);
  const stride = c.node.options.stride === undefined ? size : perAxis(c.node.options.stride, rank);
  const op = kind === "max" ? "MaxPool" : "AveragePool";
  const extra: Record<string, Attribute> = kind === "avg" ? { count_include_pad: attr.int(0) } : {};
  return channelsFirst(c, rank, (x) => c.g.op(op, [x], { kernel_shape: attr.ints(size), strides: attr.ints(stride), ...paddingAttributes(c, rank, size, stride, Array(rank).fill(1)), ...extra }, c.hint(op)));
};
