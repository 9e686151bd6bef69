import { Diagnostics } from "../diagnostics.ts";
import { axisOption, normalizeAxis, sameType } from "./common.ts";
import { typeToString } from "../types.ts";
import type { LayerDef } from "./layer.ts";

/** `layernorm`: normalises over the last axis (ε = 1e-5 inside the root), then scales by gamma and shifts by beta. */
export const layernorm: LayerDef = {
  name: "layernorm",
  doc: "Layer normalisation over the last axis, with learned gamma and beta.",
  inputs: 1,
  options: [axisOption(-1)],
  shape(ctx) {
    const x = ctx.inputs[0]!;
    if (x.shape.length === 0) return ctx.error(Diagnostics.LayerInputMismatch, { layer: "layernorm", expected: "[..., n]", got: typeToString(x) }, ctx.inputSpans[0]);
    const axis = normalizeAxis(ctx, ctx.options.axis as number, x.shape.length);
    if (axis === undefined) return undefined;
    if (axis !== x.shape.length - 1)
      return ctx.error(Diagnostics.BadOptionValue, { layer: "layernorm", option: "axis", expected: "the last axis (-1)", got: String(ctx.options.axis) }, ctx.optionSpan("axis"));
    const n = ctx.requireStatic(x.shape[axis]!, "last axis");
    if (n === undefined) return undefined;
    return { output: sameType(x), params: { gamma: [n], beta: [n] }, };
  },
};
