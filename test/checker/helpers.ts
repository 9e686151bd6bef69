// Shared helpers for the checker tests: run the checker on a source (or a
// set of files), pick out diagnostics, and describe checked models as text
// (shapes with dimsToString/typeToString, parameters by full name).
import { expect } from "vitest";
import { check, checkProgram, memoryHost, type CheckResult, type Diagnostic } from "../../compiler/index.ts";
import type { CheckedModel } from "../../compiler/graph.ts";
import { modelParams } from "../../compiler/graph.ts";
import { typeToString } from "../../compiler/types.ts";
import type { Span } from "../../grammar/source.ts";

export const FILE = "main.nn";

/** Checks one source as `main.nn` (imports see no files). */
export function run(source: string): CheckResult {
  return check(source, { filename: FILE });
}

/** Checks `main.nn` (or `root`) of an in-memory project. */
export function runFiles(files: Record<string, string>, root = FILE): CheckResult {
  return checkProgram(root, memoryHost(files));
}

export function diagnostics(source: string): Diagnostic[] {
  return run(source).diagnostics;
}

/** `CODE line:col message`, one per diagnostic: compact for toEqual. */
export function summary(ds: Diagnostic[]): string[] {
  return ds.map((d) => `${d.code} ${d.span.line}:${d.span.column} ${d.message}`);
}

/** Asserts the source yields exactly one diagnostic and returns it. */
export function single(source: string): Diagnostic {
  const ds = diagnostics(source);
  if (ds.length !== 1) expect(summary(ds), "expected exactly one diagnostic").toEqual(["(one diagnostic)"]);
  return ds[0]!;
}

/** Asserts the files yield exactly one diagnostic and returns it. */
export function singleIn(files: Record<string, string>, root = FILE): Diagnostic {
  const ds = runFiles(files, root).diagnostics;
  if (ds.length !== 1) expect(summary(ds), "expected exactly one diagnostic").toEqual(["(one diagnostic)"]);
  return ds[0]!;
}

export interface ExpectedSpan {
  /** The offending text the span covers. */
  text: string;
  line: number;
  column: number;
  endColumn: number;
  endLine?: number;
  /** Defaults to the diagnostic's own file (or main.nn). */
  file?: string;
}

export interface ExpectedRelated extends ExpectedSpan {
  message: string;
}

export interface Expected extends ExpectedSpan {
  code: string;
  message: string;
  severity?: "error" | "warning";
  hint?: string;
  /** Compared in order and in full when given. */
  related?: ExpectedRelated[];
}

function textOf(files: Record<string, string>, span: Span): string {
  const source = files[span.file];
  if (source === undefined) throw new Error(`no source for ${span.file}`);
  return source.slice(span.start, span.end);
}

function expectSpan(files: Record<string, string>, span: Span, e: ExpectedSpan, defaultFile: string, what: string): void {
  const got = { file: span.file, text: textOf(files, span), line: span.line, column: span.column, endLine: span.endLine, endColumn: span.endColumn };
  const want = { file: e.file ?? defaultFile, text: e.text, line: e.line, column: e.column, endLine: e.endLine ?? e.line, endColumn: e.endColumn };
  expect(got, what).toEqual(want);
}

/**
 * Asserts a diagnostic's code, exact message, span (file, text, line,
 * column, end), hint (absent unless given) and related spans (when given).
 * `files` maps file names to their text for reading spans back.
 */
export function expectDiagnostic(d: Diagnostic, files: string | Record<string, string>, e: Expected): void {
  const map = typeof files === "string" ? { [FILE]: files } : files;
  expect({ code: d.code, message: d.message, severity: d.severity }).toEqual({ code: e.code, message: e.message, severity: e.severity ?? "error" });
  expectSpan(map, d.span, e, e.file ?? FILE, "primary span");
  expect(d.hint).toBe(e.hint);
  if (e.related) {
    expect(d.related.map((r) => r.message)).toEqual(e.related.map((r) => r.message));
    e.related.forEach((r, i) => expectSpan(map, d.related[i]!.span, r, FILE, `related ${i}: ${r.message}`));
  }
}

/** Checks a source that must be free of diagnostics and returns its (only or named) model. */
export function model(source: string, name?: string): CheckedModel {
  const r = run(source);
  expect(summary(r.diagnostics)).toEqual([]);
  const m = name ? r.models.find((x) => x.name === name) : r.models[0];
  expect(m).toBeDefined();
  return m!;
}

/** Node name → output type as text (`f32[T, 3]`), in graph order. */
export function types(m: CheckedModel): Record<string, string> {
  return Object.fromEntries(m.nodes.map((n) => [n.name, typeToString(n.output)]));
}

/** The type of one node, by its full name. */
export function typeOf(m: CheckedModel, node: string): string {
  const n = m.nodes.find((x) => x.name === node);
  expect(n, `node ${node}; nodes are ${m.nodes.map((x) => x.name).join(", ")}`).toBeDefined();
  return typeToString(n!.output);
}

/** Output name → type as text. */
export function outputs(m: CheckedModel): Record<string, string> {
  return Object.fromEntries(m.outputs.map((o) => [o.name, typeToString(o.type)]));
}

/** Full parameter name → shape, in definition order. */
export function params(m: CheckedModel): Record<string, number[]> {
  return Object.fromEntries(modelParams(m).map((p) => [p.name, p.shape]));
}

/** The type the output `out` of a one-model source gets. */
export function outputType(source: string, out = "y"): string {
  const o = outputs(model(source))[out];
  expect(o, `output ${out}`).toBeDefined();
  return o!;
}

/** A model with `input x: <type>` and `output y = x -> <stage>`; returns y's type. */
export function through(inputType: string, stage: string): string {
  return outputType(`model M {\n  input x: ${inputType}\n  output y = x -> ${stage}\n}\n`);
}
