// One checked version of the editor's text: the compiler's CheckResult plus
// what the editor features need to answer questions about positions in it.
// Pure TypeScript (no DOM): it runs in the language worker and in vitest.
import { checkProgram, type CheckResult } from "../../../compiler/check/program.ts";
import { memoryHost } from "../../../compiler/host.ts";

export interface Analysis {
  filename: string;
  source: string;
  result: CheckResult;
}

/**
 * Checks `source` as the file `filename`; `files` are the other files its
 * imports may name (the playground passes the examples).
 */
export function analyze(source: string, filename: string, files: Record<string, string> = {}): Analysis {
  const result = checkProgram(filename, memoryHost({ ...files, [filename]: source }), source);
  return { filename, source, result };
}
