// mean, max (ReduceMean, ReduceMax: opset 17 still takes axes as an attribute)
// and last: the final step by Gather, or each example's step lengths − 1
// gathered along the time axis (GatherElements) when lengths are given.
import { attr } from "../builder.ts";
import { batchedAxis, type Lowering } from "../lowering.ts";

const reduce = (op: string): Lowering => (c) =>
  c.g.op(op, [c.inputs[0]!], { axes: attr.ints([batchedAxis(c.node.options.axis as number, c.inputTypes[0]!.shape.length)]), keepdims: attr.int(0) }, c.hint(op));

export const mean = reduce("ReduceMean");
export const max = reduce("ReduceMax");

export const last: Lowering = (c) => {
  const { g } = c;
  const x = c.inputs[0]!;
  const index = c.node.options.lengths;
  if (typeof index !== "number") return g.op("Gather", [x, g.int64s(c.hint("last"), [], [-1])], { axis: attr.int(1) }, c.hint("Gather"));
  // [B] lengths → [B, 1, 1] indices of the last real step, repeated across the n features.
  const lengths = g.op("Cast", [c.inputs[index]!], { to: attr.int(7) }, c.hint("lengths64"));
  const step = g.op("Sub", [lengths, g.int64s(c.hint("one"), [], [1])], {}, c.hint("lastStep"));
  const column = g.op("Reshape", [step, g.int64s(c.hint("column"), [3], [-1, 1, 1])], {}, c.hint("lastStep3d"));
  const xShape = g.op("Shape", [x], {}, c.hint("shape"));
  const [batch, , features] = [0, 1, 2].map((i) => g.op("Slice", [xShape, g.int64s(c.hint("from"), [1], [i]), g.int64s(c.hint("to"), [1], [i + 1])], {}, c.hint("dim")));
  const target = g.op("Concat", [batch!, g.int64s(c.hint("one1"), [1], [1]), features!], { axis: attr.int(0) }, c.hint("indexShape"));
  const indices = g.op("Expand", [column, target], {}, c.hint("indices"));
  const picked = g.op("GatherElements", [x, indices], { axis: attr.int(1) }, c.hint("GatherElements"));
  return g.op("Squeeze", [picked, g.int64s(c.hint("axis1"), [1], [1])], {}, c.hint("Squeeze"));
};
