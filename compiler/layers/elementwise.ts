import { Diagnostics } from "../diagnostics.ts";
import type { Dim } from "./common.ts";
import { typeToString, type TensorType } from "../types.ts";
import type { LayerDef } from "./layer.ts";

/** NumPy broadcasting: trailing dims aligned; size-1 or missing dims stretch. */
export function broadcast(a: TensorType, b: TensorType): Dim[] | undefined {
  const rank = Math.max(a.shape.length, b.shape.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a.shape[a.shape.length - rank + i];
    const y = b.shape[b.shape.length - rank + i];
    if (!x) out.push(y!);
    else if (!y) out.push(x);
    else if (x.equals(y)) out.push(x);
    else if (x.value === 1) out.push(y);
    else if (y.value === 1) out.push(x);
    else return undefined;
  }
  return out;
}

/** The operators `a + b`, `a - b`, `a * b` (not callable by name). */
function binaryOp(name: "add" | "sub" | "mul", symbol: string): LayerDef {
  return {
    name,
    doc: `Element-wise a ${symbol} b with broadcasting.`,
    inputs: 2,
    options: [],
    shape(ctx) {
      const [a, b] = ctx.inputs as [TensorType, TensorType];
      const shape = broadcast(a, b);
      if (!shape) return ctx.error(Diagnostics.ShapeMismatch, { what: `'${symbol}' needs shapes that broadcast`, left: typeToString(a), right: typeToString(b) }, ctx.span);
      return { output: { dtype: a.dtype, shape } };
    },
  };
}

export const add = binaryOp("add", "+");
export const sub = binaryOp("sub", "-");
export const mul = binaryOp("mul", "*");

/** Unary `-x`. */
export const neg: LayerDef = {
  name: "neg",
  doc: "Element-wise negation.",
  inputs: 1,
  options: [],
  shape(ctx) {
    const x = ctx.inputs[0]!;
    return { output: { dtype: x.dtype, shape: [...x.shape] } };
  },
};
