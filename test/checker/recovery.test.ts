// Diagnostics after a syntax error (compiler/check/recovery.ts): syntax
// errors are listed first, and the semantic errors that only follow from the
// parser's recovery (a swallowed `output`, a call cut short, a `const` taken
// into an unclosed model) are not reported; genuine ones elsewhere still are.
import { describe, expect, it } from "vitest";
import { sortDiagnostics, type Diagnostic } from "../../compiler/index.ts";
import { run, runFiles } from "./helpers.ts";

/** `CODE line:col message` in the order nnc prints them. */
const listed = (ds: Diagnostic[]) => sortDiagnostics(ds).map((d) => `${d.code} ${d.span.line}:${d.span.column} ${d.message}`);
const check = (source: string) => listed(run(source).diagnostics);

describe("after a syntax error", () => {
  it("an unclosed comment is the one error, not 'has no output' nor the '{' it swallowed the closer of", () => {
    const src = "model M {\n  input x: f32[T, 2]\n  y = x -> dense(3)\n  /* forgot to close\n  output y\n}\n";
    expect(check(src)).toEqual(["NN1002 4:3 unclosed block comment: '/*' has no matching '*/'"]);
  });

  it("a name whose declaration an unclosed comment swallowed is not reported as undefined", () => {
    const src = "model M {\n  input x: f32[4]\n  output y = x -> Res -> dense(K)\n}\n/* draft\nconst K = 2\nblock Res() {\n  input x: f32[4]\n  output x\n}\n";
    expect(check(src)).toEqual(["NN1002 5:1 unclosed block comment: '/*' has no matching '*/'"]);
  });

  it("a call cut short reports the syntax errors only, not what the rest of the model became", () => {
    const src = "model M {\n  input x: f32[T, 4]\n  h = x -> conv1d(8, kernel:\n  y = h -> relu\n  output y\n}\n";
    expect(check(src)).toEqual(["NN1005 3:18 '(' is never closed: expected ')'", "NN1004 4:9 expected '=', found '->'", "NN1004 5:3 expected '=', found 'output'"]);
    // Cut short at the end of the file: no 'needs option units', no 'has no output'.
    expect(check("model M {\n  input x: f32[4]\n  h = x -> dense(3)\n  y = h -> dense(")).toEqual([
      "NN1005 1:9 '{' is never closed: expected '}'",
      "NN1005 4:17 '(' is never closed: expected ')'",
    ]);
  });

  it("a missing '}' does not make the const after it undefined in the next model", () => {
    const src = "model M {\n  input x: f32[4]\n  output y = x -> relu\n\nconst K = 3\n\nmodel N {\n  input x: f32[4]\n  output y = x -> dense(K)\n}\n";
    expect(check(src)).toEqual(["NN1005 1:9 '{' is never closed: expected '}'"]);
  });

  it("semantic errors before the damage and in other declarations are still reported, after the syntax errors", () => {
    const src = [
      "block Narrow {", //                        1  missing '()'
      "  input x: f32[L, 2]", //                  2
      "  output y = x -> conv1d(2, kernel: 4)", // 3
      "}", //                                     4
      "model M {", //                             5
      "  input x: f32[T, 2]", //                  6
      "  a = x -> dense(3, kernal: 2)", //        7  genuine, before the damage
      "  y = x -> Narrow -> max(axis: 0)", //     8  a call of the damaged block
      "  z = y -> dense(units: )", //             9  syntax error
      "  output z", //                            10
      "}", //                                     11
      "model P {", //                             12
      "  input x: f32[4]", //                     13
      "  output y = x -> dense(2, kernal: 3)", // 14 genuine, another model
      "}",
    ].join("\n");
    expect(check(src)).toEqual([
      "NN1004 1:14 expected '(', found '{'",
      "NN1004 9:25 expected an expression, found ')'",
      "NN2004 7:21 dense has no option 'kernal'",
      "NN2004 14:28 dense has no option 'kernal'",
    ]);
  });

  it("a block damaged in an imported file leaves its callers alone", () => {
    const r = runFiles({
      "lib.nn": "block Narrow {\n  input x: f32[L, 2]\n  output y = x -> conv1d(2, kernel: 4)\n}\n",
      "main.nn": 'import { Narrow } from "lib.nn"\nmodel M {\n  input x: f32[T, 2]\n  output y = x -> Narrow -> max(axis: 0)\n}\n',
    });
    expect(listed(r.diagnostics)).toEqual(["NN1004 1:14 expected '(', found '{'"]);
  });

  it("without syntax errors nothing is left out", () => {
    expect(check("model M {\n  input x: f32[4]\n  y = x -> Res\n}\n")).toEqual(["NN2019 1:7 model M has no output", "NN2003 3:12 unknown layer or block 'Res'"]);
  });
});

describe("sortDiagnostics", () => {
  it("lists syntax errors first, each group by file and position", () => {
    const d = (code: string, file: string, start: number): Diagnostic => ({ code, severity: "error", message: "", related: [], span: { file, start, end: start, line: 1, column: start + 1, endLine: 1, endColumn: start + 1 } });
    const sorted = sortDiagnostics([d("NN2019", "a.nn", 1), d("NN1004", "b.nn", 9), d("NN3001", "a.nn", 0), d("NN1002", "a.nn", 5)]);
    expect(sorted.map((x) => `${x.code} ${x.span.file}:${x.span.start}`)).toEqual(["NN1002 a.nn:5", "NN1004 b.nn:9", "NN3001 a.nn:0", "NN2019 a.nn:1"]);
  });
});
