// Diagnostics for people (file:line:col, message, code frame, notes) and for
// editors (JSON).
import { codeFrameColumns } from "@babel/code-frame";
import pc from "picocolors";
import type { Diagnostic } from "../compiler/diagnostics.ts";
import type { SourceFile, Span } from "../grammar/source.ts";

function frame(span: Span, sources: Map<string, SourceFile>, color: boolean): string {
  const source = sources.get(span.file);
  if (!source) return "";
  // A zero-width span still gets one caret.
  const endColumn = span.endLine === span.line && span.endColumn <= span.column ? span.column + 1 : span.endColumn;
  return codeFrameColumns(source.text, { start: { line: span.line, column: span.column }, end: { line: span.endLine, column: endColumn } }, { highlightCode: false, forceColor: false, linesAbove: 1, linesBelow: 0 })
    .split("\n")
    .map((l) => (color && l.startsWith(">") ? pc.bold(l) : l))
    .join("\n");
}

const where = (s: Span) => `${s.file}:${s.line}:${s.column}`;

export function formatDiagnostic(d: Diagnostic, sources: Map<string, SourceFile>, color = false): string {
  const sev = d.severity === "error" ? (color ? pc.red(pc.bold("error")) : "error") : color ? pc.yellow(pc.bold("warning")) : "warning";
  const head = `${color ? pc.bold(where(d.span)) : where(d.span)}: ${sev} ${d.code}: ${d.message}`;
  const parts = [head, frame(d.span, sources, color)];
  for (const r of d.related) {
    parts.push(`  ${color ? pc.cyan("note") : "note"}: ${where(r.span)}: ${r.message}`);
    const f = frame(r.span, sources, color);
    if (f) parts.push(f.replace(/^/gm, "  "));
  }
  if (d.hint) parts.push(`  ${color ? pc.green("hint") : "hint"}: ${d.hint}`);
  return parts.filter(Boolean).join("\n");
}

/** The JSON shape editors consume: one object per diagnostic, positions 1-based. */
export function diagnosticToJson(d: Diagnostic) {
  const pos = (s: Span) => ({ file: s.file, line: s.line, column: s.column, endLine: s.endLine, endColumn: s.endColumn, offset: s.start, length: s.end - s.start });
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    ...pos(d.span),
    related: d.related.map((r) => ({ message: r.message, ...pos(r.span) })),
    ...(d.hint ? { hint: d.hint } : {}),
  };
}
