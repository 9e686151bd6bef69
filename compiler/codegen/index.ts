// From checked models to a TypeScript module (spec §8): lower to IR, plan
// gradients and buffers, emit code.
import { Diagnostics, type Diagnostic } from "../diagnostics.ts";
import type { CheckResult } from "../check/program.ts";
import { lowerModel } from "../ir/program.ts";
import { CodegenError, emitModule, type CodegenOptions } from "./module.ts";

export interface GenerateResult {
  diagnostics: Diagnostic[];
  /** The module's TypeScript; absent when there were errors. */
  code?: string;
}

export function generate(checked: CheckResult, options: CodegenOptions = {}): GenerateResult {
  if (checked.diagnostics.some((d) => d.severity === "error")) return { diagnostics: checked.diagnostics };
  try {
    return { diagnostics: checked.diagnostics, code: emitModule(checked.models.map(lowerModel), options) };
  } catch (e) {
    if (!(e instanceof CodegenError)) throw e;
    const d: Diagnostic = { code: Diagnostics.CodegenUnsupported.code, severity: "error", message: e.message, span: e.span, related: [] };
    return { diagnostics: [...checked.diagnostics, d] };
  }
}

export type { CodegenOptions };
