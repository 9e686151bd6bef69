import { Diagnostics } from "../diagnostics.ts";
import { expectRank, normalizeAxis } from "./common.ts";
import { typeToString } from "../types.ts";
import type { LayerDef } from "./layer.ts";

/** `mean(axis:)` and `max(axis:)`: drop one axis. */
function reduce(name: "mean" | "max", doc: string): LayerDef {
  return {
    name,
    doc,
    inputs: 1,
    options: [{ name: "axis", type: { kind: "axis" } }],
    shape(ctx) {
      const x = ctx.inputs[0]!;
      if (x.shape.length === 0) return ctx.error(Diagnostics.LayerInputMismatch, { layer: name, expected: "a tensor of rank ≥ 1", got: typeToString(x) }, ctx.inputSpans[0]);
      const axis = normalizeAxis(ctx, ctx.options.axis as number, x.shape.length);
      if (axis === undefined) return undefined;
      return { output: { dtype: x.dtype, shape: x.shape.filter((_, i) => i !== axis) } };
    },
  };
}

export const mean = reduce("mean", "Mean over one axis, which is dropped.");
export const max = reduce("max", "Maximum over one axis, which is dropped.");

/** `last`: the final step of `[T, n]`. */
export const last: LayerDef = {
  name: "last",
  doc: "The final step of a sequence: [T, n] → [n].",
  inputs: 1,
  options: [],
  shape(ctx) {
    const x = expectRank(ctx, 0, 2, "[T, n]");
    if (!x) return undefined;
    return { output: { dtype: x.dtype, shape: [x.shape[1]!] } };
  },
};
