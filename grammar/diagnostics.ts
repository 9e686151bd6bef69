// Diagnostics are data: a stable code, a severity, a message, a primary span,
// related spans and an optional hint. This is their model, shared by every
// stage, and the codes the lexer and parser report (NN1xxx); the checker's,
// code generation's and export's codes extend the catalogue in
// compiler/diagnostics.ts, the one place where every code is listed.
import type { Span } from "./source.ts";

export type Severity = "error" | "warning";

export interface Related {
  span: Span;
  message: string;
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  span: Span;
  related: Related[];
  hint?: string;
}

export interface DiagnosticEntry<A> {
  code: string;
  severity: Severity;
  message: (args: A) => string;
}

export function error<A = void>(code: string, message: (args: A) => string): DiagnosticEntry<A> {
  return { code, severity: "error", message };
}
export function warning<A = void>(code: string, message: (args: A) => string): DiagnosticEntry<A> {
  return { code, severity: "warning", message };
}

/** Lexing and syntax (NN1xxx). */
export const syntaxDiagnostics = {
  UnexpectedCharacter: error<{ text: string }>("NN1001", (a) => `unexpected character ${a.text}`),
  UnclosedComment: error("NN1002", () => "unclosed block comment: '/*' has no matching '*/'"),
  UnclosedString: error("NN1003", () => "unclosed string literal"),
  SyntaxError: error<{ expected: string; found: string }>("NN1004", (a) => `expected ${a.expected}, found ${a.found}`),
  UnclosedBracket: error<{ open: string; close: string }>("NN1005", (a) => `'${a.open}' is never closed: expected '${a.close}'`),
  UnmatchedClose: error<{ close: string }>("NN1006", (a) => `'${a.close}' has no matching opening bracket`),
  TooDeeplyNested: error<{ limit: number }>("NN1007", (a) => `nesting is too deep (more than ${a.limit} levels)`),
  InvalidNumber: error<{ text: string }>("NN1008", (a) => `invalid number '${a.text}'`),
  ExpressionTooComplex: error("NN1009", () => "expression is too deeply nested to compile"),
} as const;

/** Collects diagnostics; identical ones (same code, place and message) are kept once. */
export class DiagnosticBag {
  readonly items: Diagnostic[] = [];
  private readonly seen = new Set<string>();

  add<A>(entry: DiagnosticEntry<A>, args: A, span: Span, extra: { related?: Related[]; hint?: string } = {}): Diagnostic {
    const d: Diagnostic = { code: entry.code, severity: entry.severity, message: entry.message(args), span, related: extra.related ?? [] };
    if (extra.hint !== undefined) d.hint = extra.hint;
    this.push(d);
    return d;
  }

  push(d: Diagnostic): void {
    const key = `${d.code}|${d.span.file}|${d.span.start}|${d.span.end}|${d.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(d);
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === "error");
  }
}

/**
 * The order a reader expects: lexing and syntax errors (NN1xxx) first, as
 * TypeScript lists them, since the others may follow from how the parser
 * recovered; then the rest. Each group by file, then position.
 */
export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  const syntax = (d: Diagnostic) => (d.code.startsWith("NN1") ? 0 : 1);
  return [...ds].sort((a, b) => syntax(a) - syntax(b) || (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : a.span.start - b.span.start || a.code.localeCompare(b.code)));
}
