// Shape arithmetic shared by several layers: window output sizes (spec §5),
// axis normalisation, and per-axis option expansion.
import { Diagnostics } from "../diagnostics.ts";
import { Dim, dimsToString, product } from "../shapes/dim.ts";
import { typeToString, type TensorType } from "../types.ts";
import type { CausalQuery, LayerContext, OptionSpec } from "./layer.ts";

/** An option given as an int or a tuple, as one value per spatial axis. */
export function perAxis(ctx: LayerContext, name: string, rank: number): number[] | undefined {
  const v = ctx.options[name];
  const list = Array.isArray(v) ? v : [v as number];
  if (list.length === 1) return Array(rank).fill(list[0]);
  if (list.length !== rank) return ctx.error(Diagnostics.InvalidTupleLength, { layer: ctx.layer, option: name, expected: rank, got: list.length }, ctx.optionSpan(name));
  return list;
}

export type Padding = "valid" | "same" | number[];

export function paddingOption(ctx: LayerContext, rank: number): Padding | undefined {
  const p = ctx.options.padding;
  if (p === "valid" || p === "same") return p;
  return perAxis(ctx, "padding", rank);
}

/**
 * Output length along one axis, per spec §5; reports a window larger than
 * the (padded) input when the sizes are known.
 */
export function windowOutput(ctx: LayerContext, length: Dim, k: number, s: number, d: number, padding: Padding, axis: number): Dim | undefined {
  const span = d * (k - 1) + 1;
  if (padding === "same") return length.ceilDiv(s);
  const pad = padding === "valid" ? 0 : 2 * padding[axis]!;
  const padded = length.add(pad);
  const known = padded.value;
  if (known !== undefined && known < span)
    return ctx.error(Diagnostics.KernelTooLarge, { layer: ctx.layer, axis, window: d > 1 ? `${k} dilated by ${d} = ${span}` : String(k), size: String(known) }, ctx.optionSpan(ctx.options.kernel !== undefined ? "kernel" : "size"));
  return padded.sub(span).floorDiv(s).add(1);
}

/** Checks the rank of input `i`; reports `layer expects [..] got ..` otherwise. */
export function expectRank(ctx: LayerContext, i: number, rank: number, pattern: string): TensorType | undefined {
  const t = ctx.inputs[i]!;
  if (t.shape.length !== rank) return ctx.error(Diagnostics.LayerInputMismatch, { layer: ctx.layer, expected: pattern, got: typeToString(t) }, ctx.inputSpans[i]);
  return t;
}

/** Normalises an axis against a rank, reporting it when out of range. */
export function normalizeAxis(ctx: LayerContext, axis: number, rank: number, optionName = "axis"): number | undefined {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) return ctx.error(Diagnostics.AxisOutOfRange, { layer: ctx.layer, axis, rank }, ctx.optionSpan(optionName));
  return a;
}

export function elements(t: TensorType): Dim {
  return product(t.shape);
}

export function sameType(t: TensorType): TensorType {
  return { dtype: t.dtype, shape: [...t.shape] };
}

export const axisOption = (def: number): OptionSpec => ({ name: "axis", type: { kind: "axis" }, default: def });

export { Dim, dimsToString };

/** For `causal`: a layer that works on each step on its own (and never along axis 0 of its input). */
export function perStep(q: CausalQuery): boolean {
  return q.inputs.every((t, i) => !q.dependent[i] || t.shape.length === q.output.shape.length);
}

/** For `causal`: a layer that works along its `axis:` option, which must not be the step axis. */
export function alongOtherAxis(q: CausalQuery): boolean {
  const rank = q.inputs[0]!.shape.length;
  const axis = q.options.axis as number;
  return perStep(q) && (axis < 0 ? axis + rank : axis) !== 0;
}
