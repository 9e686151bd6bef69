// What an expression evaluates to in the checker.
import type { Span } from "../../grammar/source.ts";
import type { TensorRef } from "../graph.ts";
import type { ConstValue, TensorType } from "../types.ts";

export interface TensorValue {
  kind: "tensor";
  ref: TensorRef;
  type: TensorType;
  span: Span;
}

export type Value = TensorValue | ConstValue;

/** A name in scope: a tensor (input, target, binding) or a compile-time constant. */
export type ScopeEntry =
  | { kind: "tensor"; value: TensorValue; declared: Span }
  | { kind: "const"; value: ConstValue; declared: Span }
  /** A name whose definition failed (already reported): its uses stay silent instead of cascading. */
  | { kind: "failed"; declared: Span };

export function describeValue(v: Value): string {
  switch (v.kind) {
    case "tensor":
      return "a tensor";
    case "number":
      return "a number";
    case "bool":
      return "a boolean";
    case "enum":
      return "a name";
    case "tuple":
      return "a tuple";
  }
}
