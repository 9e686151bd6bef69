import { Diagnostics } from "../diagnostics.ts";
import { Dim, elements } from "./common.ts";
import { typeToString } from "../types.ts";
import type { LayerDef } from "./layer.ts";

/** `dense(units)`: `[…, n] → […, units]`, `x · kernel + bias` over the last axis. */
export const dense: LayerDef = {
  name: "dense",
  doc: "Fully connected layer over the last axis: x · kernel + bias.",
  inputs: 1,
  options: [
    { name: "units", type: { kind: "int", min: 1 }, doc: "output width" },
    { name: "bias", type: { kind: "bool" }, default: true, positional: false, doc: "add a learned bias" },
  ],
  shape(ctx) {
    const x = ctx.inputs[0]!;
    if (x.shape.length === 0) return ctx.error(Diagnostics.LayerInputMismatch, { layer: "dense", expected: "[..., n]", got: typeToString(x) }, ctx.inputSpans[0]);
    const n = ctx.requireStatic(x.shape[x.shape.length - 1]!, "last axis");
    if (n === undefined) return undefined;
    const units = ctx.options.units as number;
    const output = { dtype: "f32" as const, shape: [...x.shape.slice(0, -1), Dim.const(units)] };
    const params: Record<string, number[]> = { kernel: [n, units] };
    if (ctx.options.bias) params.bias = [units];
    return { output, params, macs: elements(x).mul(units) };
  },
};
