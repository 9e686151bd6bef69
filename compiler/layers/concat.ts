import { Diagnostics } from "../diagnostics.ts";
import { normalizeAxis } from "./common.ts";
import { typeToString } from "../types.ts";
import type { LayerDef } from "./layer.ts";

/** `concat(a, b, …, axis: -1)`: joins two or more tensors along an axis. */
export const concat: LayerDef = {
  name: "concat",
  doc: "Joins two or more tensors along an axis (default the last); other dims must agree.",
  inputs: [2, Infinity],
  dtypes: ["any"],
  options: [{ name: "axis", type: { kind: "axis" }, default: -1 }],
  shape(ctx) {
    const first = ctx.inputs[0]!;
    const rank = first.shape.length;
    const axis = normalizeAxis(ctx, ctx.options.axis as number, rank);
    if (axis === undefined) return undefined;
    let along = first.shape[axis]!;
    for (let i = 1; i < ctx.inputs.length; i++) {
      const t = ctx.inputs[i]!;
      const agrees = t.dtype === first.dtype && t.shape.length === rank && t.shape.every((d, a) => a === axis || d.equals(first.shape[a]!));
      if (!agrees)
        return ctx.error(Diagnostics.ShapeMismatch, { what: `concat along axis ${axis}`, left: typeToString(first), right: typeToString(t) }, ctx.inputSpans[i], );
      along = along.add(t.shape[axis]!);
    }
    const shape = [...first.shape];
    shape[axis] = along;
    return { output: { dtype: first.dtype, shape } };
  },
};
