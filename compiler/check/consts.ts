// File-level `const` expressions: numbers and earlier consts combined with
// `+ - * /`. (Consts inside a model go through the evaluator.)
import type * as A from "../../grammar/ast.ts";
import { Diagnostics, type DiagnosticBag } from "../diagnostics.ts";
import { describeConst, type ConstValue } from "../types.ts";
import { didYouMean } from "./suggest.ts";
import type { FileUnit } from "./units.ts";

export function evalConstExpr(e: A.Expr, unit: FileUnit, bag: DiagnosticBag): ConstValue | undefined {
  switch (e.kind) {
    case "Number":
      return { kind: "number", value: e.value, span: e.span };
    case "Bool":
      return { kind: "bool", value: e.value, span: e.span };
    case "Name": {
      const c = unit.consts.get(e.name);
      if (c) return { ...c.value, span: e.span };
      if (unit.failed.has(e.name)) return undefined;
      if (unit.ast.consts.some((k) => k.name.name === e.name)) {
        bag.add(Diagnostics.UsedBeforeDefinition, { name: e.name }, e.span);
        return undefined;
      }
      // An identifier that names no const is an enum value (`same`, `relu`).
      return { kind: "enum", name: e.name, span: e.span };
    }
    case "Tuple": {
      const items: ConstValue[] = [];
      for (const i of e.items) {
        const v = evalConstExpr(i, unit, bag);
        if (!v) return undefined;
        items.push(v);
      }
      return { kind: "tuple", items, span: e.span };
    }
    case "Unary": {
      const v = evalConstExpr(e.operand, unit, bag);
      if (!v) return undefined;
      if (v.kind === "enum") return undefinedName(bag, v, unit);
      if (v.kind !== "number") return invalid(bag, "-", "nothing", v, e);
      return { kind: "number", value: -v.value, span: e.span };
    }
    case "Binary": {
      const l = evalConstExpr(e.left, unit, bag);
      const r = evalConstExpr(e.right, unit, bag);
      if (!l || !r) return undefined;
      for (const v of [l, r]) if (v.kind === "enum") return undefinedName(bag, v, unit);
      if (l.kind !== "number" || r.kind !== "number") return invalid(bag, e.op, describeConst(l), r, e);
      if (e.op === "/" && r.value === 0) {
        bag.add(Diagnostics.DivisionByZero, undefined, e.span);
        return undefined;
      }
      const value = e.op === "+" ? l.value + r.value : e.op === "-" ? l.value - r.value : e.op === "*" ? l.value * r.value : l.value / r.value;
      return { kind: "number", value, span: e.span };
    }
    case "Error":
      return undefined;
    case "Pipeline":
    case "Call":
      bag.add(Diagnostics.NotAConstant, { what: "a layer call" }, e.span);
      return undefined;
  }
}

function invalid(bag: DiagnosticBag, op: string, left: string, right: ConstValue, e: A.Expr): undefined {
  bag.add(Diagnostics.InvalidOperands, { op, left, right: describeConst(right) }, e.span);
  return undefined;
}

/** An identifier in arithmetic that names no const (as in a model: `'x' is not defined`). */
function undefinedName(bag: DiagnosticBag, v: ConstValue & { kind: "enum" }, unit: FileUnit): undefined {
  const hint = didYouMean(v.name, unit.consts.keys());
  bag.add(Diagnostics.UndefinedName, { name: v.name }, v.span, hint ? { hint } : {});
  return undefined;
}
