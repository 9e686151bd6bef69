// Pathological inputs: deep nesting, huge lines, long chains. Each must end
// in diagnostics or success — never a stack overflow, never a hang. Time is
// bounded by each test's timeout, not by a timed assertion.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { check } from "../../compiler/index.ts";
import { MAX_NESTING, parse } from "../../grammar/index.ts";
import { checkWellFormed } from "./invariants.ts";
import { MAX_NODES } from "../../compiler/limits.ts";

const big = { maxMs: Infinity, exactPositions: false } as const;
const codes = (r: ReturnType<typeof check>) => [...new Set(r.diagnostics.map((d) => d.code))].sort();
const errors = (r: ReturnType<typeof check>) => r.diagnostics.filter((d) => d.severity === "error");
const model = (body: string) => `model M {\n  input a: f32[4]\n${body}\n}\n`;

describe("deep nesting", () => {
  it("10,000 nested parentheses: NN1007 at the first bracket beyond the limit", () => {
    const n = 10_000;
    const text = model(`  x = ${"(".repeat(n)}a${")".repeat(n)}\n  output x`);
    const r = checkWellFormed(text, big);
    expect(codes(r)).toContain("NN1007");
    const d = r.diagnostics.find((x) => x.code === "NN1007")!;
    // The model's `{` is level 1, so the first refused `(` is number MAX_NESTING.
    expect([d.span.line, d.span.column]).toEqual([3, 7 + MAX_NESTING - 1]);
  }, 20_000);

  it("10,000 nested `[`", () => {
    const n = 10_000;
    const r = checkWellFormed(`model M {\n  input a: f32${"[".repeat(n)}2${"]".repeat(n)}\n}`, big);
    expect(codes(r)).toContain("NN1007");
  }, 20_000);

  it("10,000 nested `{`", () => {
    const n = 10_000;
    expect(codes(checkWellFormed(`model M ${"{".repeat(n)}${"}".repeat(n)}`, big))).toContain("NN1007");
    expect(codes(checkWellFormed("{".repeat(n) + "}".repeat(n), big))).toContain("NN1007");
  }, 20_000);

  it("10,000 nested calls and tuples", () => {
    const n = 10_000;
    expect(codes(checkWellFormed(model(`  x = ${"relu(".repeat(n)}a${")".repeat(n)}\n  output x`), big))).toContain("NN1007");
    expect(codes(checkWellFormed(model(`  x = a -> f(${"(1, ".repeat(n)}1${")".repeat(n)})\n  output x`), big))).toContain("NN1007");
  }, 20_000);

  it("10,000 unclosed `(` and 10,000 unmatched `)`", () => {
    const n = 10_000;
    expect(codes(checkWellFormed(model(`  x = ${"(".repeat(n)}a\n  output a`), big))).toContain("NN1007");
    const r = checkWellFormed(model(`  x = a${")".repeat(n)}\n  output x`), big);
    expect(r.diagnostics.filter((d) => d.code === "NN1006")).toHaveLength(n);
  }, 20_000);

  it("nesting just below the limit is checked, not refused", () => {
    const n = MAX_NESTING - 1;
    const r = checkWellFormed(model(`  x = ${"(".repeat(n)}a -> relu${")".repeat(n)}\n  output x`), big);
    expect(errors(r)).toEqual([]);
    const calls = checkWellFormed(model(`  x = ${"relu(".repeat(n)}a${")".repeat(n)}\n  output x`), big);
    expect(calls.diagnostics.map((d) => d.code)).not.toContain("NN1007");
  }, 20_000);

  it("a small stack: nesting under the limit gives a diagnostic, not a crash", () => {
    // A browser or a worker may have far less stack than Node's main thread.
    const root = fileURLToPath(new URL("../../", import.meta.url));
    const script = `
      import { check } from "./compiler/index.ts";
      import { parse } from "./grammar/index.ts";
      const d = ${MAX_NESTING - 1};
      const t = "model M {\\n  input x: f32[2]\\n  y = " + "relu(".repeat(d) + "x" + ")".repeat(d) + "\\n  output y\\n}";
      const out = { check: check(t).diagnostics.map((x) => x.code), parse: parse(t).diagnostics.map((x) => [x.code, x.span.line, x.span.column]) };
      // The parser works again afterwards.
      out.after = parse("model A { input x: f32 output x }").diagnostics.length;
      console.log(JSON.stringify(out));`;
    const stdout = execFileSync(process.execPath, ["--stack-size=120", "--import", "tsx", "--input-type=module", "-e", script], { cwd: root, encoding: "utf8", timeout: 20_000 });
    const out = JSON.parse(stdout.trim().split("\n").pop()!) as { check: string[]; parse: [string, number, number][]; after: number };
    expect(out.check.length).toBeGreaterThan(0);
    expect(out.check.every((c) => c === "NN1009" || c === "NN1007")).toBe(true);
    // Reported at the deepest bracket: the last `relu(`'s parenthesis.
    expect(out.parse).toEqual([["NN1009", 3, 7 + (MAX_NESTING - 2) * 5 + 4]]);
    expect(out.after).toBe(0);
  }, 30_000);
});

describe("huge inputs", () => {
  it("a 1 MB single line `x = a + a + …` inside a model", () => {
    const terms = 262_144; // " + a" is 4 characters: 1 MiB
    const text = model(`  x = a${" + a".repeat(terms)}\n  output x`);
    expect(text.length).toBeGreaterThan(1 << 20);
    const r = checkWellFormed(text, big);
    // Either checked or refused as too complex; never a crash.
    expect(r.diagnostics.every((d) => d.code === "NN1009" || d.severity === "warning")).toBe(true);
  }, 40_000);

  it("a 1 MB const expression `1 * 1 * …`", () => {
    const r = checkWellFormed(`const C = 1${" * 1".repeat(262_144)}\n`, big);
    expect(r.diagnostics.every((d) => d.code === "NN1009")).toBe(true);
  }, 40_000);

  it("50,000 unary minuses before a name and before a number", () => {
    const n = 50_000;
    const r1 = checkWellFormed(model(`  x = ${"-".repeat(n)}a\n  output x`), big);
    expect(r1.diagnostics.every((d) => d.code === "NN1009" || d.severity === "warning")).toBe(true);
    const r2 = checkWellFormed(`const C = ${"-".repeat(n)}1\n${model("  output a")}`, big);
    expect(r2.diagnostics.every((d) => d.code === "NN1009" || d.severity === "warning")).toBe(true);
    // An even count folds to +1 where it is accepted; an odd count to -1.
    const small = parse(`const C = ${"-".repeat(100)}1\nconst D = ${"-".repeat(101)}1`);
    expect(small.ast.consts.map((c) => c.value)).toMatchObject([
      { kind: "Number", value: 1 },
      { kind: "Number", value: -1 },
    ]);
  }, 20_000);

  // Parsed whole; checked up to the 10,000 layers a model may have (NN3026 at the next one).
  it("a 20,000-stage pipeline on one line inside a model", () => {
    const n = 20_000;
    const text = model(`  x = a${" -> relu".repeat(n)}\n  output x`);
    const r = checkWellFormed(text, big);
    expect(errors(r).map((d) => [d.code, d.span.line, d.span.column])).toEqual([["NN3026", 3, 12 + 8 * MAX_NODES]]);
    expect(r.models[0]!.nodes).toHaveLength(MAX_NODES);
  }, 40_000);

  it("a 20,000-stage pipeline, one stage per line", () => {
    const n = 20_000;
    const text = model(`  x = a${"\n    -> relu".repeat(n)}\n  output x`);
    const r = checkWellFormed(text, big);
    expect(errors(r).map((d) => [d.code, d.span.line, d.span.column])).toEqual([["NN3026", 3 + MAX_NODES + 1, 8]]);
    expect(r.models[0]!.nodes).toHaveLength(MAX_NODES);
  }, 40_000);

  it("1 MB tokens: an identifier, a comment, an unclosed comment, an unclosed string, junk", () => {
    const mb = 1 << 20;
    expect(codes(checkWellFormed("x".repeat(mb), big))).toEqual(["NN1004"]);
    expect(checkWellFormed("// " + "x".repeat(mb), big).diagnostics).toEqual([]);
    expect(codes(checkWellFormed("/* " + "x\n".repeat(mb / 2), big))).toEqual(["NN1002"]);
    expect(codes(checkWellFormed(`import { A } from "` + "x".repeat(mb), big))).toContain("NN1003");
    expect(codes(checkWellFormed("$".repeat(mb), big))).toEqual(["NN1001"]);
    expect(codes(checkWellFormed(`const C = ${"9".repeat(mb)}`, big))).toEqual(["NN1008"]);
  }, 40_000);

  it("2,000 models in one file", () => {
    const text = Array.from({ length: 2000 }, (_, i) => `model M${i} {\n  input x: f32[${(i % 7) + 1}]\n  output y = x -> dense(3) -> relu\n}`).join("\n");
    const r = checkWellFormed(text, big);
    expect(errors(r)).toEqual([]);
    expect(r.models).toHaveLength(2000);
  }, 40_000);

  it("a long chain of block instances", () => {
    const n = 500;
    const text = `block B(k = 4) {\n  input x: f32[T, 4]\n  output y = x + (x -> dense(k)) -> layernorm\n}\nmodel M {\n  input a: f32[T, 4]\n  x = a${" -> B".repeat(n)}\n  output x\n}`;
    const r = checkWellFormed(text, big);
    expect(errors(r)).toEqual([]);
  }, 40_000);
});
