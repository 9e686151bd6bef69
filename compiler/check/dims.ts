// Dimensions written in source (`f32[2 * T, D]`): integer expressions over
// consts and symbols, each positive and within what a typed array can hold.
import type * as A from "../../grammar/ast.ts";
import { Diagnostics, type DiagnosticEntry } from "../diagnostics.ts";
import type { Span } from "../../grammar/source.ts";
import { Dim } from "../shapes/dim.ts";
import { describeConst } from "../types.ts";
import type { Frame } from "./frame.ts";

/** Reports a problem in the frame being evaluated; returns undefined so a caller can `return report(…)`. */
export type DimReporter = <T>(entry: DiagnosticEntry<T>, args: T, span: Span) => undefined;

/** The most elements a typed array may hold: 2^31 − 1. */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/** A dimension: a positive integer expression over consts and symbols. */
export function evalDim(frame: Frame, e: A.Expr, report: DimReporter): Dim | undefined {
  const dim = evalDimExpr(frame, e, report);
  if (!dim) return undefined;
  const v = dim.value;
  if (v !== undefined && v <= 0) return report(Diagnostics.BadDim, { value: String(v) }, e.span);
  if (v !== undefined && v > MAX_ELEMENTS) return report(Diagnostics.SizeTooLarge, { what: "this dimension", size: String(v), limit: MAX_ELEMENTS }, e.span);
  return dim;
}

function evalDimExpr(frame: Frame, e: A.Expr, report: DimReporter): Dim | undefined {
  switch (e.kind) {
    case "Number":
      if (!Number.isInteger(e.value)) return report(Diagnostics.NotAnInteger, { what: "a dimension", value: String(e.value) }, e.span);
      return Dim.const(e.value);
    case "Name": {
      const entry = frame.scope.get(e.name) ?? frame.unit.consts.get(e.name);
      if (!entry && frame.unit.failed.has(e.name)) return undefined;
      if (!entry) {
        if (frame.declared.has(e.name)) return report(Diagnostics.UsedBeforeDefinition, { name: e.name }, e.span);
        return Dim.symbol(e.name);
      }
      if (entry.kind === "failed") return undefined;
      if (entry.kind === "tensor") return report(Diagnostics.NotAConstant, { what: `'${e.name}'` }, e.span);
      const v = entry.value;
      if (v.kind !== "number") return report(Diagnostics.BadDim, { value: describeConst(v) }, e.span);
      if (!Number.isInteger(v.value)) return report(Diagnostics.NotAnInteger, { what: `'${e.name}' used as a dimension`, value: String(v.value) }, e.span);
      return Dim.const(v.value);
    }
    case "Binary": {
      const l = evalDimExpr(frame, e.left, report);
      const r = evalDimExpr(frame, e.right, report);
      if (!l || !r) return undefined;
      if (e.op === "+") return l.add(r);
      if (e.op === "-") return l.sub(r);
      if (e.op === "*") return l.mul(r);
      const k = r.value;
      if (k === 0) return report(Diagnostics.DivisionByZero, undefined, e.span);
      if (k === undefined || !l.floorDiv(k).mul(k).equals(l)) return report(Diagnostics.NotAnInteger, { what: "a dimension", value: `${l} / ${r}` }, e.span);
      return l.floorDiv(k);
    }
    case "Unary": {
      const v = evalDimExpr(frame, e.operand, report);
      return v?.scale(-1);
    }
    case "Error":
      return undefined;
    default:
      return report(Diagnostics.BadDim, { value: "this expression" }, e.span);
  }
}
