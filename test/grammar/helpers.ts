// Helpers for the parser tests: parse with assertions, print spans compactly,
// and print expressions as S-expressions so that tree shapes (precedence,
// grouping) read at a glance.
import { expect } from "vitest";
import { parse, type ParseResult } from "../../grammar/index.ts";
import type * as A from "../../grammar/ast.ts";
import type { Span } from "../../grammar/source.ts";
import type { Diagnostic } from "../../compiler/diagnostics.ts";

/** Parses `text` and asserts that it has no diagnostics. */
export function parseOk(text: string, fileName = "test.nn"): ParseResult {
  const result = parse(text, fileName);
  expect(result.diagnostics.map(describe)).toEqual([]);
  return result;
}

/** `line:column-endLine:endColumn`. */
export function loc(span: Span): string {
  return `${span.line}:${span.column}-${span.endLine}:${span.endColumn}`;
}

/** The text a span covers. */
export function textOf(result: ParseResult, span: Span): string {
  return result.source.text.slice(span.start, span.end);
}

/** `NN1004 1:2-1:3 message`, for readable failure output. */
export function describe(d: Diagnostic): string {
  return `${d.code} ${loc(d.span)} ${d.message}`;
}

/** An expression as an S-expression: `(+ a (* b c))`, `(-> x relu dense(10))`. */
export function sexpr(e: A.Expr): string {
  switch (e.kind) {
    case "Number":
      return String(e.value);
    case "Bool":
      return String(e.value);
    case "Name":
      return e.name;
    case "Binary":
      return `(${e.op} ${sexpr(e.left)} ${sexpr(e.right)})`;
    case "Unary":
      return `(neg ${sexpr(e.operand)})`;
    case "Tuple":
      return `(tuple${e.items.map((i) => " " + sexpr(i)).join("")})`;
    case "Call":
      return callText(e);
    case "Pipeline":
      return `(-> ${sexpr(e.head)}${e.stages.map((s) => " " + callText(s)).join("")})`;
    case "Error":
      return "<error>";
  }
}

function callText(c: A.Call): string {
  const args = c.args.map((a) => (a.key ? `${a.key.name}: ${sexpr(a.value)}` : sexpr(a.value)));
  return `${c.callee.name}${c.bare ? "" : `(${args.join(", ")})`}${c.alias ? ` as ${c.alias.name}` : ""}`;
}

/** The value of the first binding (or output/const) named `name` in the first model. */
export function valueOf(result: ParseResult, name: string): A.Expr {
  const stmts = [...result.ast.consts, ...result.ast.models.flatMap((m) => m.body), ...result.ast.blocks.flatMap((b) => b.body)];
  for (const s of stmts) {
    if ((s.kind === "Binding" || s.kind === "Const") && s.name.name === name) return s.value;
    if (s.kind === "Output" && s.name.name === name && s.value) return s.value;
  }
  throw new Error(`no binding named ${name}`);
}

/** Parses `x = <expr>` inside a model and returns the expression. */
export function expr(source: string): A.Expr {
  return valueOf(parseOk(`model M {\n  x = ${source}\n}`), "x");
}

/** Walks every span in an AST (for invariants such as "spans nest"). */
export function* spans(node: unknown): Generator<Span> {
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const n of node) yield* spans(n);
    return;
  }
  for (const [k, v] of Object.entries(node)) {
    if ((k === "span" || k === "pathSpan") && v && typeof v === "object" && "start" in v) yield v as Span;
    else yield* spans(v);
  }
}
