// Layers that move values without computing: flatten, reshape, concat.
import { attr } from "../builder.ts";
import { batchedAxis, type Lowering } from "../lowering.ts";

export const flatten: Lowering = (c) => c.g.op("Flatten", [c.inputs[0]!], { axis: attr.int(1) }, c.hint("Flatten"));

/** Reshape's 0 keeps the batch axis (copied from the input); the given dims follow, -1 included. */
export const reshape: Lowering = (c) => {
  const raw = c.node.options.shape;
  const dims = Array.isArray(raw) ? raw : [raw as number];
  return c.g.op("Reshape", [c.inputs[0]!, c.g.int64s(c.hint("shape"), [dims.length + 1], [0, ...dims])], {}, c.hint("Reshape"));
};

export const concat: Lowering = (c) => c.g.op("Concat", c.inputs, { axis: attr.int(batchedAxis(c.node.options.axis as number, c.inputTypes[0]!.shape.length)) }, c.hint("Concat"));
