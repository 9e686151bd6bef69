// Diagnostics placed in the edited file. A problem in an imported file is
// shown at the import that brings that file in (directly or through other
// imports), naming where it is; its related spans keep their own files.
import type { Diagnostic, Related } from "../diagnostics.ts";
import { sortDiagnostics } from "../diagnostics.ts";
import type { Span } from "../../grammar/source.ts";
import type { Analysis } from "./analysis.ts";

export interface Problem {
  /** Where the editor shows it, in the edited file. */
  span: Span;
  severity: "error" | "warning";
  code: string;
  /** The catalogue's message; for a problem in another file, prefixed with `file:line:col: `. */
  message: string;
  hint?: string;
  /** Related places ("'T' is declared here"), in any file. */
  related: Related[];
  /** Where the problem is, when that is in another file. */
  origin?: Span;
}

/** The import of the edited file through which `file` is read, if any. */
function importLeadingTo(analysis: Analysis, file: string): Span | undefined {
  const { result, host, filename } = analysis;
  for (const imp of result.ast?.imports ?? []) {
    const seen = new Set<string>();
    const queue = [host.resolve(filename, imp.path)];
    while (queue.length) {
      const path = queue.shift()!;
      if (path === file) return imp.pathSpan;
      if (seen.has(path)) continue;
      seen.add(path);
      for (const next of result.asts.get(path)?.imports ?? []) queue.push(host.resolve(path, next.path));
    }
  }
  return result.ast?.imports[0]?.pathSpan;
}

/** `file` as seen from the folder of `from` (the imported file's name as an import would write it, less `./`). */
function relativeTo(from: string, file: string): string {
  const dir = from.slice(0, from.lastIndexOf("/") + 1);
  return dir && file.startsWith(dir) ? file.slice(dir.length) : file;
}

export function problems(analysis: Analysis): Problem[] {
  const { filename } = analysis;
  const start: Span = { file: filename, start: 0, end: 0, line: 1, column: 1, endLine: 1, endColumn: 1 };
  return sortDiagnostics(analysis.result.diagnostics).map((d: Diagnostic): Problem => {
    const common = { severity: d.severity, code: d.code, ...(d.hint !== undefined ? { hint: d.hint } : {}) };
    if (d.span.file === filename) return { ...common, span: d.span, message: d.message, related: d.related };
    const where = `${relativeTo(filename, d.span.file)}:${d.span.line}:${d.span.column}`;
    return { ...common, span: importLeadingTo(analysis, d.span.file) ?? start, message: `${where}: ${d.message}`, related: d.related, origin: d.span };
  });
}

/** Editor markers for the playground: offsets, and one text with the hint and the related places. */
export interface Marker {
  start: number;
  end: number;
  severity: "error" | "warning";
  code: string;
  message: string;
  /** 1-based, for the error list. */
  line: number;
  column: number;
}

export function markers(analysis: Analysis): Marker[] {
  return problems(analysis).map((p): Marker => {
    const text = [p.message, ...(p.hint ? [`hint: ${p.hint}`] : []), ...p.related.map((r) => `${r.span.file}:${r.span.line}:${r.span.column}: ${r.message}`)].join("\n");
    return { start: p.span.start, end: p.span.end, severity: p.severity, code: p.code, message: text, line: p.span.line, column: p.span.column };
  });
}
