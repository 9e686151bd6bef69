// Diagnostics as editor markers: offsets into the edited file. A problem in
// an imported file is shown at the import that brought it in.
import type { Diagnostic } from "../../../compiler/diagnostics.ts";
import { sortDiagnostics } from "../../../compiler/diagnostics.ts";
import type { Analysis } from "./analysis.ts";

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

function text(d: Diagnostic): string {
  return [d.message, ...(d.hint ? [`hint: ${d.hint}`] : []), ...d.related.map((r) => `${r.span.file}:${r.span.line}:${r.span.column}: ${r.message}`)].join("\n");
}

export function markers(analysis: Analysis): Marker[] {
  const { filename, result } = analysis;
  return sortDiagnostics(result.diagnostics).map((d): Marker => {
    if (d.span.file === filename) return { start: d.span.start, end: d.span.end, severity: d.severity, code: d.code, message: text(d), line: d.span.line, column: d.span.column };
    const imp = result.ast?.imports[0];
    const at = imp?.pathSpan ?? { start: 0, end: 0, line: 1, column: 1 };
    return { start: at.start, end: at.end, severity: d.severity, code: d.code, message: `${d.span.file}:${d.span.line}:${d.span.column}: ${text(d)}`, line: at.line, column: at.column };
  });
}
