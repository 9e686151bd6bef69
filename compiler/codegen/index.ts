// From checked models to a TypeScript module (spec §8): lower to IR, plan
// gradients and buffers, emit code.
import { Diagnostics, type Diagnostic } from "../diagnostics.ts";
import type { CheckResult } from "../check/program.ts";
import { lowerModel } from "../ir/program.ts";
import { smallestDims } from "../shapes/min-dims.ts";
import { CodegenError, emitModule, type CodegenOptions } from "./module.ts";

export interface GenerateResult {
  diagnostics: Diagnostic[];
  /** The module's TypeScript; absent when there were errors. */
  code?: string;
}

export function generate(checked: CheckResult, options: CodegenOptions = {}): GenerateResult {
  if (checked.diagnostics.some((d) => d.severity === "error")) return { diagnostics: checked.diagnostics };
  const spec = options.specialize ?? {};
  const tooSmall: Diagnostic[] = [];
  for (const model of checked.models)
    for (const d of smallestDims(model).values()) {
      const value = Object.hasOwn(spec, d.symbol) ? spec[d.symbol]! : undefined;
      if (value === undefined || value >= d.min) continue;
      const entry = Diagnostics.SpecializeTooSmall;
      const args = { symbol: d.symbol, value, model: model.name, layer: d.layer, min: d.min };
      tooSmall.push({ code: entry.code, severity: entry.severity, message: entry.message(args), span: d.span, related: [] });
    }
  // Code for a size that leaves some axis empty or negative would only fail when run.
  if (tooSmall.length) return { diagnostics: [...checked.diagnostics, ...tooSmall] };
  try {
    return { diagnostics: checked.diagnostics, code: emitModule(checked.models.map(lowerModel), options) };
  } catch (e) {
    if (!(e instanceof CodegenError)) throw e;
    const d: Diagnostic = { code: Diagnostics.CodegenUnsupported.code, severity: "error", message: e.message, span: e.span, related: [] };
    return { diagnostics: [...checked.diagnostics, d] };
  }
}

export type { CodegenOptions };
