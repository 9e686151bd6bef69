// Checking one option value against its declared type (layers/layer.ts).
import { Diagnostics } from "../diagnostics.ts";
import type { Span } from "../../grammar/source.ts";
import { constToString, describeConst, type ConstValue } from "../types.ts";
import type { OptionSpec, OptionValue } from "../layers/layer.ts";
import { didYouMean } from "./suggest.ts";

export interface OptionReporter {
  report: <A>(entry: import("../diagnostics.ts").DiagnosticEntry<A>, args: A, span: Span, extra?: { hint?: string }) => void;
  /** Reports an identifier that names nothing in scope. */
  undefinedName(name: string, span: Span): void;
}

function describeType(spec: OptionSpec): string {
  const t = spec.type;
  switch (t.kind) {
    case "int":
      return t.min === 1 ? "a positive integer" : "an integer";
    case "float":
      return "a number";
    case "bool":
      return "true or false";
    case "enum":
      return `one of ${t.values.join(", ")}`;
    case "ints":
      return "an integer or a tuple of integers";
    case "padding":
      return "valid, same, a non-negative integer or a tuple of them";
    case "axis":
      return "an axis (an integer, negative counts from the end)";
    case "lengths":
      return "an i32 input of per-example lengths";
    case "state":
      return "a tensor (the name of an input or binding)";
  }
}

export function coerceOption(layer: string, spec: OptionSpec, v: ConstValue, r: OptionReporter): OptionValue | undefined {
  const t = spec.type;
  const bad = (hint?: string): undefined => {
    r.report(Diagnostics.BadOptionValue, { layer, option: spec.name, expected: describeType(spec), got: describeConst(v) }, v.span, hint ? { hint } : {});
    return undefined;
  };
  const int = (x: ConstValue, min: number | undefined): number | undefined => {
    if (x.kind === "enum") {
      r.undefinedName(x.name, x.span);
      return undefined;
    }
    if (x.kind !== "number") return bad();
    if (!Number.isInteger(x.value)) {
      r.report(Diagnostics.NotAnInteger, { what: `${layer}'s ${spec.name}`, value: String(x.value) }, x.span);
      return undefined;
    }
    if (min !== undefined && x.value < min) {
      if (min === 1) r.report(Diagnostics.NotPositive, { what: `${layer}'s ${spec.name}`, value: String(x.value) }, x.span);
      else bad();
      return undefined;
    }
    return x.value;
  };
  const ints = (min: number | undefined): number | number[] | undefined => {
    if (v.kind !== "tuple") return int(v, min);
    if (v.items.length === 0) return bad();
    const out: number[] = [];
    for (const item of v.items) {
      const n = int(item, min);
      if (n === undefined) return undefined;
      out.push(n);
    }
    return out;
  };
  switch (t.kind) {
    case "int":
      return int(v, t.min);
    case "axis":
      return int(v, undefined);
    case "float":
      if (v.kind === "enum") {
        r.undefinedName(v.name, v.span);
        return undefined;
      }
      if (v.kind !== "number") return bad();
      if ((t.min !== undefined && v.value < t.min) || (t.max !== undefined && (t.exclusiveMax ? v.value >= t.max : v.value > t.max))) {
        const range = `a number in [${t.min ?? "-∞"}, ${t.max ?? "∞"}${t.exclusiveMax ? ")" : "]"}`;
        r.report(Diagnostics.BadOptionValue, { layer, option: spec.name, expected: range, got: constToString(v) }, v.span);
        return undefined;
      }
      return v.value;
    case "bool":
      return v.kind === "bool" ? v.value : bad();
    case "enum":
      if (v.kind === "enum" && t.values.includes(v.name)) return v.name;
      return bad(v.kind === "enum" ? didYouMean(v.name, t.values) : undefined);
    case "ints":
      return ints(t.min);
    case "lengths":
    case "state":
      if (v.kind === "enum") {
        r.undefinedName(v.name, v.span);
        return undefined;
      }
      return bad();
    case "padding":
      if (v.kind === "enum") {
        if (v.name === "valid" || v.name === "same") return v.name;
        return bad(didYouMean(v.name, ["valid", "same"]));
      }
      return ints(0);
  }
}
