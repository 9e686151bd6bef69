// The compiler's public API. Runs unchanged in Node and in a browser: files
// are read only through a CompilerHost.
import { checkProgram, type CheckResult } from "./check/program.ts";
import { memoryHost, type CompilerHost } from "./host.ts";
import { generate, type CodegenOptions } from "./codegen/index.ts";
import type { Diagnostic } from "./diagnostics.ts";
import { specializeProblem } from "./specialize.ts";

export interface CheckOptions {
  filename?: string;
  /** Reads imported files; by default imports see no files. */
  host?: CompilerHost;
}

/** Parses and checks `source`, returning every diagnostic and the checked models. */
export function check(source: string, options: CheckOptions = {}): CheckResult {
  const filename = options.filename ?? "<input>.nn";
  return checkProgram(filename, options.host ?? memoryHost({}), source);
}

export interface CompileOptions extends CheckOptions, CodegenOptions {}

/**
 * Spec §8: checks `source` and generates its TypeScript module. `code` is
 * absent when there are errors; `diagnostics` lists every problem found.
 * Throws a RangeError for a `specialize` value that is not a positive
 * integer, or a name that is neither `batch` nor a dim of the models.
 */
export function compile(source: string, options: CompileOptions = {}): { diagnostics: Diagnostic[]; code?: string } {
  const { filename, host, ...codegen } = options;
  const wrong = specializeProblem(codegen.specialize);
  if (wrong) throw new RangeError(`compile: ${wrong}`);
  const checked = check(source, { ...(filename !== undefined ? { filename } : {}), ...(host ? { host } : {}) });
  const unknown = checked.diagnostics.some((d) => d.severity === "error") ? undefined : specializeProblem(codegen.specialize, checked.models.flatMap((m) => [...m.symbols.keys()]));
  if (unknown) throw new RangeError(`compile: ${unknown}`);
  return generate(checked, codegen);
}

export { checkProgram, memoryHost };
export { loadModule, type ModelClass, type ModelInstance } from "./codegen/load.ts";
export type { CheckResult, CompilerHost };
export { parse } from "../grammar/index.ts";
export { summarize, formatSummary, type ModelSummary } from "./summary.ts";
export { Diagnostics, sortDiagnostics, type Diagnostic } from "./diagnostics.ts";
export type { CheckedModel, GraphNode } from "./graph.ts";
export { layers } from "./layers/registry.ts";
export { exportOnnx, OnnxExportError, ONNX_OPSET, type OnnxExportOptions } from "./export/onnx/index.ts";
