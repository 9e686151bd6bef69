// The compiler's public API. Runs unchanged in Node and in a browser: files
// are read only through a CompilerHost.
import { checkProgram, type CheckResult } from "./check/program.ts";
import { memoryHost, type CompilerHost } from "./host.ts";

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

export { checkProgram, memoryHost };
export type { CheckResult, CompilerHost };
export { parse } from "../grammar/index.ts";
export { summarize, formatSummary, type ModelSummary } from "./summary.ts";
export { Diagnostics, sortDiagnostics, type Diagnostic } from "./diagnostics.ts";
export type { CheckedModel, GraphNode } from "./graph.ts";
export { layers } from "./layers/registry.ts";
