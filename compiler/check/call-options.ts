// A call's arguments matched to a layer's options: positional and named
// constants to the declared options (defaults, missing and misspelt ones),
// and tensors passed by name to the layer's tensor options (`lengths:`,
// `initial:`). Each problem is reported at its own span.
import type * as A from "../../grammar/ast.ts";
import { Diagnostics } from "../diagnostics.ts";
import { joinSpans, type Span } from "../../grammar/source.ts";
import { typeToString, type ConstValue } from "../types.ts";
import type { LayerDef, OptionValue } from "../layers/layer.ts";
import { coerceOption, type OptionReporter } from "./options.ts";
import { closest, didYouMean } from "./suggest.ts";
import type { TensorValue } from "./values.ts";

/** A call's arguments, evaluated: tensor inputs first, then constants by position and by name. */
export interface Args {
  inputs: TensorValue[];
  positional: ConstValue[];
  named: { key: A.Identifier; value: ConstValue }[];
  /** Named arguments given a tensor: valid only for a layer's tensor options (`lengths:`). */
  tensorOptions: { key: A.Identifier; value: TensorValue }[];
  ok: boolean;
}

/** Checks named arguments that are tensors: each must be a tensor option of the layer, of its dtype and rank. */
export function tensorOptions(def: LayerDef, args: Args, who: string, r: OptionReporter): { key: string; value: TensorValue }[] | undefined {
  const out: { key: string; value: TensorValue }[] = [];
  let ok = true;
  for (const { key, value } of args.tensorOptions) {
    const spec = def.options.find((o) => o.name === key.name);
    if (!spec || (spec.type.kind !== "lengths" && spec.type.kind !== "state")) {
      ok = false;
      if (!spec) {
        const hint = didYouMean(key.name, def.options.map((o) => o.name));
        r.report(Diagnostics.UnknownOption, { layer: def.name, option: key.name }, key.span, hint ? { hint } : {});
      } else r.report(Diagnostics.NotAConstant, { what: `option '${key.name}' of ${who}` }, value.span, { hint: "tensor inputs are passed by position, before the options" });
      continue;
    }
    if (spec.type.kind === "state" && value.type.dtype !== "f32") {
      ok = false;
      r.report(Diagnostics.LayerInputMismatch, { layer: def.name, expected: `f32 values for '${key.name}'`, got: typeToString(value.type) }, value.span);
      continue;
    }
    if (spec.type.kind === "lengths" && (value.type.dtype !== "i32" || value.type.shape.length !== 0)) {
      ok = false;
      r.report(Diagnostics.LayerInputMismatch, { layer: def.name, expected: `i32 lengths, one per example (declared as \`input ${key.name}: i32\`), for '${key.name}'`, got: typeToString(value.type) }, value.span);
      continue;
    }
    out.push({ key: key.name, value });
  }
  return ok ? out : undefined;
}

export function matchOptions(def: LayerDef, call: A.Call, args: Args, r: OptionReporter): { values: Record<string, OptionValue>; spans: Map<string, Span> } | undefined {
  const given = new Map<string, ConstValue>();
  const positionalSpecs = def.options.filter((o) => o.positional !== false && o.name !== def.rest);
  let ok = true;
  if (def.rest) {
    const rest = args.positional.length === 1 && args.positional[0]!.kind === "tuple" ? args.positional[0]! : undefined;
    if (rest) given.set(def.rest, rest);
    else if (args.positional.length > 0) given.set(def.rest, { kind: "tuple", items: args.positional, span: joinSpans(args.positional[0]!.span, args.positional[args.positional.length - 1]!.span) });
  } else {
    args.positional.forEach((v, i) => {
      const spec = positionalSpecs[i];
      if (spec) given.set(spec.name, v);
      else if (i === positionalSpecs.length) {
        ok = false;
        const byName = def.options.filter((o) => o.positional === false).map((o) => `${o.name}:`);
        r.report(Diagnostics.TooManyArguments, { layer: def.name, max: positionalSpecs.length, got: args.positional.length }, v.span, byName.length ? { hint: `pass ${byName.join(", ")} by name` } : {});
      }
    });
  }
  // Options that a misspelt one resembles: not reported again as missing.
  const suggested = new Set<string>();
  for (const { key, value } of args.named) {
    const spec = def.options.find((o) => o.name === key.name);
    if (!spec) {
      ok = false;
      const near = closest(key.name, def.options.map((o) => o.name));
      if (near) suggested.add(near);
      const hint = didYouMean(key.name, def.options.map((o) => o.name));
      r.report(Diagnostics.UnknownOption, { layer: def.name, option: key.name }, key.span, hint ? { hint } : def.options.length ? { hint: `its options are ${def.options.map((o) => o.name).join(", ")}` } : {});
      continue;
    }
    if (given.has(key.name)) {
      ok = false;
      r.report(Diagnostics.DuplicateOption, { layer: def.name, option: key.name }, key.span);
      continue;
    }
    given.set(key.name, value);
  }
  const values: Record<string, OptionValue> = {};
  const spans = new Map<string, Span>();
  for (const spec of def.options) {
    const v = given.get(spec.name);
    if (v) {
      const coerced = coerceOption(def.name, spec, v, r);
      if (coerced === undefined) ok = false;
      else {
        values[spec.name] = coerced;
        spans.set(spec.name, v.span);
      }
    } else if (spec.default !== undefined) values[spec.name] = spec.default;
    else if (!spec.optional) {
      ok = false;
      // An argument that failed (already reported) or a misspelt option may be the missing one.
      if (args.ok && !suggested.has(spec.name)) r.report(Diagnostics.MissingOption, { layer: def.name, option: spec.name }, call.span);
    }
  }
  return ok ? { values, spans } : undefined;
}
