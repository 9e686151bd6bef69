// One checked version of an edited file: the compiler's CheckResult plus
// what the editor features need to answer questions about positions in it.
// Browser-safe (no DOM, no Node API): the playground's worker and `nnc lsp`
// both answer from it.
import { checkProgram, type CheckResult } from "../check/program.ts";
import { memoryHost, type CompilerHost } from "../host.ts";

export interface Analysis {
  filename: string;
  source: string;
  result: CheckResult;
  /** How the check read imports: features that follow an import resolve its path the same way. */
  host: CompilerHost;
}

/**
 * Checks `source` as the file `filename`. `files` are the other files its
 * imports may name (the playground passes the examples), or a host that
 * reads them (the language server's: open editors first, then the disk).
 */
export function analyze(source: string, filename: string, files: Record<string, string> | CompilerHost = {}): Analysis {
  const host = isHost(files) ? files : memoryHost({ ...files, [filename]: source });
  const result = checkProgram(filename, host, source);
  return { filename, source, result, host };
}

const isHost = (x: Record<string, string> | CompilerHost): x is CompilerHost => typeof (x as CompilerHost).readFile === "function" && typeof (x as CompilerHost).resolve === "function";

/** The text of a file the check read (the edited file's included). */
export function textOf(analysis: Analysis, file: string): string | undefined {
  return file === analysis.filename ? analysis.source : analysis.result.sources.get(file)?.text;
}
