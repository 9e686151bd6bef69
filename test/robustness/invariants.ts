// What must hold for any input, however malformed (spec §7): check() returns
// (never throws), and every diagnostic's span, and every related span, lies
// inside the file it names, with lines and columns that agree with its offsets.
import { expect } from "vitest";
import { check, type CheckResult, type CompilerHost } from "../../compiler/index.ts";
import type { Span } from "../../grammar/source.ts";
import type { Diagnostic } from "../../compiler/diagnostics.ts";

/** 1-based line and column (in code points) of a UTF-16 offset, computed independently of SourceFile. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let column = 1;
  let i = 0;
  while (i < offset) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      column = 1;
      i++;
    } else if (c === 13) {
      line++;
      column = 1;
      i += text.charCodeAt(i + 1) === 10 && i + 1 < offset ? 2 : 1;
    } else {
      const cp = text.codePointAt(i)!;
      i += cp > 0xffff ? 2 : 1;
      column++;
    }
  }
  return { line, column };
}

export function lineCount(text: string): number {
  return text.split(/\r\n|\r|\n/).length;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export interface SpanCheckOptions {
  /** Also recompute line/column from the offsets (O(length) per span: small inputs only). */
  exactPositions?: boolean;
}

/** Returns a description of what is wrong with `span` in `text`, or undefined when it is fine. */
export function spanProblem(span: Span, text: string, options: SpanCheckOptions = {}): string | undefined {
  const { start, end, line, column, endLine, endColumn } = span;
  const ints = [start, end, line, column, endLine, endColumn];
  if (!ints.every((n) => Number.isInteger(n))) return `non-integer field in ${JSON.stringify(span)}`;
  if (!(start >= 0 && start <= end && end <= text.length)) return `offsets ${start}..${end} outside 0..${text.length}`;
  if (!(line >= 1 && column >= 1 && endLine >= 1 && endColumn >= 1)) return `line/column below 1 in ${JSON.stringify(span)}`;
  const lines = lineCount(text);
  if (!(line <= lines && endLine <= lines)) return `line ${line}..${endLine} beyond the ${lines} lines`;
  if (endLine < line || (endLine === line && endColumn < column)) return `end ${endLine}:${endColumn} before start ${line}:${column}`;
  if (options.exactPositions) {
    const a = positionOf(text, start);
    const b = positionOf(text, end);
    if (a.line !== line || a.column !== column) return `start ${line}:${column} but offset ${start} is at ${a.line}:${a.column}`;
    if (b.line !== endLine || b.column !== endColumn) return `end ${endLine}:${endColumn} but offset ${end} is at ${b.line}:${b.column}`;
  }
  return undefined;
}

/** Every span of a diagnostic: the primary one and the related ones. */
export function spansOf(d: Diagnostic): Span[] {
  return [d.span, ...d.related.map((r) => r.span)];
}

/** Problems with the diagnostics of `result` for a root file `text` (other files are looked up in result.sources). */
export function diagnosticProblems(result: CheckResult, rootName: string, text: string, options: SpanCheckOptions = {}): string[] {
  const problems: string[] = [];
  if (!Array.isArray(result.diagnostics)) return ["diagnostics is not an array"];
  for (const d of result.diagnostics) {
    if (!/^NN\d{4}$/.test(d.code)) problems.push(`bad code ${d.code}`);
    if (d.severity !== "error" && d.severity !== "warning") problems.push(`bad severity ${d.severity}`);
    if (typeof d.message !== "string" || d.message.length === 0) problems.push(`${d.code}: empty message`);
    if (/\[object |\bundefined\b|\bNaN\b/.test(d.message)) problems.push(`${d.code}: suspicious message ${JSON.stringify(d.message)}`);
    for (const s of spansOf(d)) {
      const source = result.sources.get(s.file)?.text ?? (s.file === rootName ? stripBom(text) : undefined);
      if (source === undefined) {
        problems.push(`${d.code}: span in unknown file ${s.file}`);
        continue;
      }
      const p = spanProblem(s, source, options);
      if (p) problems.push(`${d.code} ${JSON.stringify(d.message)}: ${p}`);
    }
  }
  return problems;
}

/**
 * Runs check() and asserts the invariants; returns the result. Throws (with
 * the input) if check() throws, so fast-check can shrink the input.
 */
export function checkWellFormed(
  text: string,
  options: { filename?: string; host?: CompilerHost; exactPositions?: boolean; allowSuspiciousMessages?: boolean; maxMs?: number } = {},
): CheckResult {
  const filename = options.filename ?? "fuzz.nn";
  let result: CheckResult;
  const started = performance.now();
  try {
    result = check(text, { filename, ...(options.host ? { host: options.host } : {}) });
  } catch (e) {
    throw new Error(`check() threw ${(e as Error)?.stack ?? e}\non input ${JSON.stringify(text.length > 2000 ? text.slice(0, 2000) + "…" : text)}`);
  }
  // A generous bound (the inputs here are small and take a few ms): it only catches hangs and blow-ups.
  const elapsed = performance.now() - started;
  if (options.maxMs !== Infinity) expect(elapsed, `check() took ${elapsed.toFixed(0)} ms on ${JSON.stringify(text.slice(0, 300))}`).toBeLessThan(options.maxMs ?? 3000);
  let problems = diagnosticProblems(result, filename, text, { exactPositions: options.exactPositions ?? text.length < 20_000 });
  if (options.allowSuspiciousMessages) problems = problems.filter((p) => !p.includes("suspicious message"));
  expect(problems, `input ${JSON.stringify(text.length > 500 ? text.slice(0, 500) + "…" : text)}`).toEqual([]);
  return result;
}
