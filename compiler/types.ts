// Values the checker computes: tensor types with symbolic shapes, and the
// compile-time values that options and block parameters take.
import type { Span } from "../grammar/source.ts";
import { Dim, dimsToString } from "./shapes/dim.ts";

export type Dtype = "f32" | "i32";

export interface TensorType {
  dtype: Dtype;
  /** Per-example shape (the batch dim is implicit). */
  shape: Dim[];
}

export function typeToString(t: TensorType): string {
  return `${t.dtype}${dimsToString(t.shape)}`;
}

/** Compile-time values: numbers, booleans, enum identifiers and tuples of them. */
export type ConstValue =
  | { kind: "number"; value: number; span: Span }
  | { kind: "bool"; value: boolean; span: Span }
  | { kind: "enum"; name: string; span: Span }
  | { kind: "tuple"; items: ConstValue[]; span: Span };

export function constToString(v: ConstValue): string {
  switch (v.kind) {
    case "number":
      return String(v.value);
    case "bool":
      return String(v.value);
    case "enum":
      return v.name;
    case "tuple":
      return `(${v.items.map(constToString).join(", ")})`;
  }
}

export function describeConst(v: ConstValue): string {
  switch (v.kind) {
    case "number":
      return Number.isInteger(v.value) ? `the integer ${v.value}` : `the number ${v.value}`;
    case "bool":
      return `the boolean ${v.value}`;
    case "enum":
      return `'${v.name}'`;
    case "tuple":
      return `the tuple ${constToString(v)}`;
  }
}

export { Dim };
