// How completion and signature help describe a layer's options: the type
// as a user writes a value of it, and the default.
import type { OptionSpec, OptionType, OptionValue } from "../layers/layer.ts";

export const showValue = (v: OptionValue) => (Array.isArray(v) ? `(${v.join(", ")})` : String(v));

/** `int`, `valid | same | int | (int, …)`, `tanh | relu`. */
export function optionTypeText(t: OptionType): string {
  switch (t.kind) {
    case "int":
      return "int";
    case "float":
      return "float";
    case "bool":
      return "bool";
    case "enum":
      return t.values.join(" | ");
    case "ints":
      return "int | (int, …)";
    case "padding":
      return "valid | same | int | (int, …)";
    case "axis":
      return "axis";
    case "lengths":
      return "i32 lengths";
    case "state":
      return "f32 tensor";
  }
}

/** `int | (int, …) = 1`, `int (required)`. */
export const optionDetail = (o: OptionSpec) => `${optionTypeText(o.type)}${o.default !== undefined ? ` = ${showValue(o.default)}` : o.optional ? " (optional)" : " (required)"}`;

/** `stride: int | (int, …) = 1`: one parameter of a signature. */
export const optionSignature = (o: OptionSpec) => `${o.name}: ${optionTypeText(o.type)}${o.default !== undefined ? ` = ${showValue(o.default)}` : o.optional ? "?" : ""}`;
