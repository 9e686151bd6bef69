import { Diagnostics } from "../diagnostics.ts";
import { Dim, dimsToString, elements } from "./common.ts";
import type { LayerDef } from "./layer.ts";
import { copyEmit } from "./emit-helpers.ts";

/** `reshape(d1, d2, …)`: same elements, new per-example shape; one dim may be -1. */
export const reshape: LayerDef = {
  name: "reshape",
  doc: "Reshapes the per-example tensor; one dim may be -1 (inferred).",
  inputs: 1,
  dtypes: ["any"],
  emit: copyEmit,
  options: [{ name: "shape", type: { kind: "ints", min: -1 }, doc: "the new dims (positional, one per axis)" }],
  rest: "shape",
  shape(ctx) {
    const x = ctx.inputs[0]!;
    const raw = ctx.options.shape;
    const dims = Array.isArray(raw) ? raw : [raw as number];
    const total = elements(x);
    const inferred = dims.filter((d) => d === -1).length;
    const bad = dims.find((d) => d === 0 || d < -1);
    if (inferred > 1 || bad !== undefined)
      return ctx.error(Diagnostics.BadOptionValue, { layer: "reshape", option: "shape", expected: "positive dims with at most one -1", got: `(${dims.join(", ")})` }, ctx.optionSpan("shape"));
    const known = dims.filter((d) => d > 0).reduce((a, b) => a * b, 1);
    let out: Dim[];
    if (inferred === 1) {
      const rest = total.floorDiv(known);
      if (!rest.mul(known).equals(total)) return ctx.error(Diagnostics.ReshapeMismatch, { from: dimsToString(x.shape), to: `(${dims.join(", ")})` }, ctx.span);
      out = dims.map((d) => (d === -1 ? rest : Dim.const(d)));
    } else {
      out = dims.map((d) => Dim.const(d));
      if (!Dim.const(known).equals(total)) return ctx.error(Diagnostics.ReshapeMismatch, { from: dimsToString(x.shape), to: dimsToString(out) }, ctx.span);
    }
    return { output: { dtype: x.dtype, shape: out } };
  },
};
