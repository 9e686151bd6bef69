// `nnc fmt`: formats .nn files in place with the Prettier plugin of
// compiler/format; `--check` only reports the files that would change.
// A file that does not parse is never touched: its first syntax error is
// reported as file:line:col. A file is rewritten through a temporary file
// renamed over it, so a failed write leaves it as it was.
import { readFileSync } from "node:fs";
import * as prettier from "prettier";
import plugin from "../compiler/format/plugin.ts";
import type { NnSyntaxError } from "../compiler/format/parser.ts";
import { writeFileAtomic } from "./write-file-atomic.ts";

export interface FmtResult {
  /** Files that were (or, with `check`, would be) rewritten. */
  changed: string[];
  /** Files that could not be read or parsed. */
  failed: string[];
}

export async function runFmt(files: string[], opts: { check?: boolean }, out: { stdout: (s: string) => void; stderr: (s: string) => void }): Promise<FmtResult> {
  const result: FmtResult = { changed: [], failed: [] };
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      out.stderr(`nnc: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
      result.failed.push(file);
      continue;
    }
    let formatted: string;
    try {
      formatted = await prettier.format(text, { parser: "nn", plugins: [plugin] });
    } catch (e) {
      const err = e as Partial<NnSyntaxError>;
      if (!err.loc) throw e;
      out.stderr(`${file}:${err.loc.start.line}:${err.loc.start.column}: error ${err.code}: ${err.reason ?? err.message}\n`);
      result.failed.push(file);
      continue;
    }
    if (formatted === text) continue;
    if (!opts.check) {
      try {
        writeFileAtomic(file, formatted);
      } catch (e) {
        out.stderr(`nnc: cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; it was left as it was\n`);
        result.failed.push(file);
        continue;
      }
    }
    result.changed.push(file);
    out.stdout(`${file}\n`);
  }
  return result;
}

/** The exit status: 1 when a file failed, or (with --check) would change. */
export function fmtExitCode(result: FmtResult, check: boolean): number {
  return result.failed.length || (check && result.changed.length) ? 1 : 0;
}
