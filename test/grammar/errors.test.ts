// Syntax diagnostics (NN1xxx): code, message and span of each, and recovery
// (spec §7: the parser reports every error in a file, not just the first;
// §9: an unclosed `{`, `(` or `/*` is reported at its opening token).
import { describe, expect, it } from "vitest";
import { MAX_NESTING, parse } from "../../grammar/index.ts";
import { check } from "../../compiler/index.ts";
import type { Diagnostic } from "../../compiler/diagnostics.ts";
import { loc, textOf } from "./helpers.ts";

/** Each diagnostic as `[code, line:col-endLine:endCol, message]`. */
function diags(text: string): [string, string, string][] {
  return parse(text, "err.nn").diagnostics.map((d) => [d.code, loc(d.span), d.message]);
}

function only(text: string): Diagnostic {
  const ds = parse(text, "err.nn").diagnostics;
  expect(ds.map((d) => `${d.code} ${loc(d.span)} ${d.message}`)).toHaveLength(1);
  return ds[0]!;
}

describe("NN1001 unexpected character", () => {
  it("reports a stray character with its text and exact span", () => {
    const d = only("model A {\n  x = 1 $\n}");
    expect(d.code).toBe("NN1001");
    expect(d.severity).toBe("error");
    expect(d.message).toBe(`unexpected character "$"`);
    expect(loc(d.span)).toBe("2:9-2:10");
    expect(d.span.file).toBe("err.nn");
  });

  it("reports a run of unknown characters once, spanning the run", () => {
    const r = parse("const A = 1 ~~~ \nconst B = 2", "err.nn");
    expect(r.diagnostics.map((d) => [d.code, loc(d.span), d.message])).toEqual([["NN1001", "1:13-1:16", `unexpected character "~~~"`]]);
    expect(r.ast.consts.map((c) => c.name.name)).toEqual(["A", "B"]);
  });

  it("accepts Unicode letters in identifiers (an extension of spec §2) but not emoji, counting columns in code points", () => {
    expect(diags("// 😀\nconst é = 1")).toEqual([]);
    expect(diags("/* 😀 */ const A = 1 😀")).toEqual([["NN1001", "1:21-1:22", `unexpected character "😀"`]]);
    expect(diags("// 😀\nconst x = 1 ²")).toEqual([["NN1001", "2:13-2:14", `unexpected character "²"`]]);
  });

  it("reports `;`, `@`, `#` and a mid-file BOM", () => {
    for (const [ch, col] of [[";", 12], ["@", 12], ["#", 12], ["\uFEFF", 12]] as const) {
      const ds = parse(`const A = 1${ch}\nconst B = 2`).diagnostics;
      expect(ds.map((d) => [d.code, d.span.line, d.span.column])).toEqual([["NN1001", 1, col]]);
    }
  });

  it("reports several stray characters separately and still parses the rest", () => {
    const r = parse("model A {\n  $ input x: f32\n  output x ?\n}", "err.nn");
    expect(r.diagnostics.map((d) => [d.code, loc(d.span)])).toEqual([
      ["NN1001", "2:3-2:4"],
      ["NN1001", "3:12-3:13"],
    ]);
    expect(r.ast.models[0]!.body.map((s) => s.kind)).toEqual(["Input", "Output"]);
  });
});

describe("NN1002 unclosed block comment", () => {
  it("is reported at its opening `/*`, not at the end of the file", () => {
    const d = only("model A {\n  input x: f32\n}\n  /* never\nclosed\n\n");
    expect(d.code).toBe("NN1002");
    expect(d.message).toBe("unclosed block comment: '/*' has no matching '*/'");
    expect(loc(d.span)).toBe("4:3-4:5");
    expect(d.span.end - d.span.start).toBe(2);
  });

  it("is reported at the unclosed one when a closed comment precedes it", () => {
    const d = only("/* ok */ const A = 1 /* open\nconst B = 2");
    expect(d.code).toBe("NN1002");
    expect(loc(d.span)).toBe("1:22-1:24");
  });

  it("is reported instead of the '{' whose '}' it swallowed; an unclosed '(' is still reported", () => {
    expect(diags("model A {\n  input x: f32\n  /* output x\n}\n")).toEqual([["NN1002", "3:3-3:5", "unclosed block comment: '/*' has no matching '*/'"]]);
    expect(diags("model A {\n  y = x -> dense(3, /* units\n}\n").map((d) => d[0] + " " + d[1])).toEqual(["NN1002 2:21-2:23", "NN1005 2:17-2:18"]);
  });

  it("swallows the rest of the file but keeps what came before", () => {
    const r = parse("const A = 1\n/* model B {}", "err.nn");
    expect(r.ast.consts.map((c) => c.name.name)).toEqual(["A"]);
    expect(r.ast.models).toEqual([]);
  });

  it("is reported after a non-BMP character at the right column", () => {
    expect(diags("// 🎉\n🎉 /*")).toEqual([
      ["NN1001", "2:1-2:2", `unexpected character "🎉"`],
      ["NN1002", "2:3-2:5", "unclosed block comment: '/*' has no matching '*/'"],
    ]);
  });
});

describe("NN1003 unclosed string", () => {
  it("reports the string from its quote to the end of the line", () => {
    const ds = parse(`import { A } from "./a.nn\nmodel B {}`, "err.nn").diagnostics;
    expect(ds[0]!.code).toBe("NN1003");
    expect(ds[0]!.message).toBe("unclosed string literal");
    expect(loc(ds[0]!.span)).toBe("1:19-1:26");
  });

  it("reports an unclosed string at the end of the file", () => {
    const ds = parse(`import { A } from "x`, "err.nn").diagnostics;
    expect(ds.map((d) => d.code)).toContain("NN1003");
    expect(loc(ds.find((d) => d.code === "NN1003")!.span)).toBe("1:19-1:21");
  });

  it("stops at a CR as well as at an LF", () => {
    const ds = parse(`import { A } from "x\r\nmodel B {}`, "err.nn").diagnostics;
    expect(loc(ds.find((d) => d.code === "NN1003")!.span)).toBe("1:19-1:21");
  });
});

describe("NN1004 syntax errors", () => {
  it.each([
    ["a missing ':' in an input", "model A {\n  input x f32[4]\n}", ["NN1004", "2:11-2:14", "expected ':', found 'f32'"]],
    ["a missing name after output", "model A {\n  output = x\n}", ["NN1004", "2:10-2:11", "expected a name, found '='"]],
    ["a missing expression", "model A {\n  loss\n}", ["NN1004", "3:1-3:2", "expected an expression, found '}'"]],
    ["a missing '=' in a binding", "model A {\n  y x\n}", ["NN1004", "2:5-2:6", "expected '=', found 'x'"]],
    ["a number as a stage", "model A {\n  y = x -> 3\n}", ["NN1004", "2:12-2:13", "expected a name, found '3'"]],
    ["a parenthesised stage", "model A {\n  y = x -> (relu)\n}", ["NN1004", "2:12-2:13", "expected a name, found '('"]],
    ["a doubled arrow", "model A {\n  y = x -> -> relu\n}", ["NN1004", "2:12-2:14", "expected a name, found '->'"]],
    ["an alias without a name", "model A {\n  y = x -> relu as\n}", ["NN1004", "3:1-3:2", "expected a name, found '}'"]],
    ["a string in an expression", `model A {\n  y = "x"\n}`, ["NN1004", "2:7-2:10", `expected an expression, found '"x"'`]],
    ["a stray top-level identifier", "model A {}\ngarbage", ["NN1004", "2:1-2:8", "expected a declaration (model, block, const or import), found 'garbage'"]],
    ["a stray top-level number", "42", ["NN1004", "1:1-1:3", "expected a declaration (model, block, const or import), found '42'"]],
    ["a model without a name", "model {}", ["NN1004", "1:7-1:8", "expected a name, found '{'"]],
    ["a block without parameters", "block B { }", ["NN1004", "1:9-1:10", "expected '(', found '{'"]],
    ["a missing comma between parameters", "block B(a b) {}", ["NN1004", "1:11-1:12", "expected ')', found 'b'"]],
    ["a trailing comma in a call", "model A {\n  y = relu(x, )\n}", ["NN1004", "2:15-2:16", "expected an expression, found ')'"]],
    ["a missing 'from'", `import { A } "x.nn"`, ["NN1004", "1:14-1:20", `expected 'from', found '"x.nn"'`]],
    ["a missing const value", "const A =\nmodel M {}", ["NN1004", "2:1-2:6", "expected an expression, found 'model'"]],
    ["a truncated file", "model", ["NN1004", "1:6-1:6", "expected a name, found end of input"]],
  ])("reports %s", (_what, text, expected) => {
    expect(diags(text)[0]).toEqual(expected);
  });

  it("reports an arithmetic operator after a stage (the right of `->` is a stage)", () => {
    const [first] = diags("model A {\n  y = x -> relu + b\n}");
    expect(first).toEqual(["NN1004", "2:17-2:18", "expected '}', found '+'"]);
  });

  it("truncates a very long offending token in the message", () => {
    const long = "x".repeat(100);
    const [d] = diags(`model A {}\n${long}`);
    expect(d![2]).toBe(`expected a declaration (model, block, const or import), found '${"x".repeat(30)}…'`);
    expect(d![1]).toBe("2:1-2:101");
  });

  it("reports an error at end of input just after the last token", () => {
    expect(diags("const A = 1 +   \n\n")).toEqual([["NN1004", "1:14-1:14", "expected an expression, found end of input"]]);
  });
});

describe("NN1005 unclosed bracket, NN1006 unmatched bracket", () => {
  it("reports an unclosed `{` at the opening token", () => {
    const d = only("model A {\n  input x: f32\n  output x\n");
    expect([d.code, loc(d.span), d.message]).toEqual(["NN1005", "1:9-1:10", "'{' is never closed: expected '}'"]);
  });

  it("reports an unclosed `(` at the opening token", () => {
    const d = only("model A {\n  input x: f32[4]\n  y = x -> dense(10\n  output y\n}");
    expect([d.code, loc(d.span), d.message]).toEqual(["NN1005", "3:17-3:18", "'(' is never closed: expected ')'"]);
  });

  it("reports an unclosed `(` at end of file at the opening token", () => {
    expect(diags("const A = (1 + 2")).toEqual([["NN1005", "1:11-1:12", "'(' is never closed: expected ')'"]]);
  });

  it("reports an unclosed `[` at the opening token", () => {
    const d = only("model A {\n  input x: f32[4\n  output x\n}");
    expect([d.code, loc(d.span), d.message]).toEqual(["NN1005", "2:15-2:16", "'[' is never closed: expected ']'"]);
  });

  it("reports an unclosed `(` once, not again where the parser expected the `)`", () => {
    const r = parse("model A {\n  y = f(1, 2\n  z = 3\n}\nmodel B {}", "err.nn");
    expect(r.diagnostics.map((d) => [d.code, loc(d.span)])).toEqual([["NN1005", "2:8-2:9"]]);
    expect(r.ast.models.map((m) => m.name.name)).toEqual(["A", "B"]);
  });

  it("reports an unmatched closer once, not again as an unexpected token", () => {
    expect(diags("model A {\n  y = g(1))\n}").map((d) => d[0])).toEqual(["NN1006"]);
  });

  it("reports each of several unclosed brackets at its own opening", () => {
    const ds = diags("model A {\n  y = f(g(h(1\n");
    expect(ds.filter((d) => d[0] === "NN1005").map((d) => d[1]).sort()).toEqual(["1:9-1:10", "2:8-2:9", "2:10-2:11", "2:12-2:13"].sort());
  });

  it("keeps parsing the next model after an unclosed `(`", () => {
    const r = parse("model A {\n  y = x -> dense(10\n}\nmodel B {\n  input z: f32\n  output z\n}", "err.nn");
    expect(r.diagnostics.map((d) => [d.code, loc(d.span)])).toEqual([["NN1005", "2:17-2:18"]]);
    expect(r.ast.models.map((m) => m.name.name)).toEqual(["A", "B"]);
    expect(r.ast.models[1]!.body.map((s) => s.kind)).toEqual(["Input", "Output"]);
  });

  it("reports an unmatched `)` at the `)`", () => {
    const d = only("model A {\n  y = x -> relu)\n  output y\n}");
    expect([d.code, loc(d.span), d.message]).toEqual(["NN1006", "2:16-2:17", "')' has no matching opening bracket"]);
  });

  it("reports an unmatched `}` and `]`", () => {
    expect(diags("model A {}\n}")).toEqual([["NN1006", "2:1-2:2", "'}' has no matching opening bracket"]]);
    expect(diags("const A = 1]")[0]).toEqual(["NN1006", "1:12-1:13", "']' has no matching opening bracket"]);
  });

  it("reports the inner bracket when a closer matches an outer one", () => {
    const ds = diags("model A {\n  y = (1, [2)\n}");
    expect(ds[0]).toEqual(["NN1005", "2:11-2:12", "'[' is never closed: expected ']'"]);
  });
});

describe("NN1007–NN1009 limits", () => {
  it("refuses nesting deeper than the limit with NN1007 at the first too-deep bracket", () => {
    const ds = diags("const A = " + "(".repeat(300) + "1" + ")".repeat(300));
    const col = 10 + MAX_NESTING + 1;
    expect(ds).toEqual([["NN1007", `1:${col}-1:${col + 1}`, `nesting is too deep (more than ${MAX_NESTING} levels)`]]);
  });

  it("counts every kind of bracket towards the limit", () => {
    const text = "model M {\n  y = " + "f(".repeat(MAX_NESTING - 2) + "[(" + "1" + ")]" + ")".repeat(MAX_NESTING - 2) + "\n}";
    expect(diags(text).map((d) => d[0])).toEqual(["NN1007"]);
  });

  // Fresh parses (not warmed up by the JIT) at the limit: the stack must hold.
  it("parses groups nested right up to the limit", () => {
    const r = parse("const A = " + "(".repeat(MAX_NESTING) + "1" + ")".repeat(MAX_NESTING));
    expect(r.diagnostics).toEqual([]);
    expect(r.ast.consts[0]!.value).toMatchObject({ kind: "Number", value: 1 });
  });

  it("parses calls with named arguments nested right up to the limit", () => {
    const depth = MAX_NESTING - 1; // the model's `{` is one level
    const r = parse("model M {\n  y = " + "f(k: -".repeat(depth) + "x" + ")".repeat(depth) + "\n}");
    expect(r.diagnostics).toEqual([]);
    let e = (r.ast.models[0]!.body[0] as { value: import("../../grammar/ast.ts").Expr }).value;
    let levels = 0;
    while (e.kind === "Call") {
      levels++;
      const v: import("../../grammar/ast.ts").Expr = e.args[0]!.value;
      e = v.kind === "Unary" ? v.operand : v;
    }
    expect(levels).toBe(depth);
    expect(e).toMatchObject({ kind: "Name", name: "x" });
  });

  it("reports a number too large for a double as NN1008", () => {
    expect(diags("const A = 1e999")).toEqual([["NN1008", "1:11-1:16", "invalid number '1e999'"]]);
  });

  it("reports an over-long operator chain as NN1009 spanning the expression", () => {
    const text = "const A = 1" + " + 1".repeat(3000);
    expect(diags(text)).toEqual([["NN1009", `1:11-1:${text.length + 1}`, "expression is too deeply nested to compile"]]);
  });
});

describe("recovery: every error in a file is reported", () => {
  it("reports three errors in three different models and a block, each at its place", () => {
    const text = [
      "model A {", //                     1
      "  input x f32[4]", //              2  missing ':'
      "  y = x -> dense(10)", //          3
      "  output y", //                    4
      "}", //                             5
      "model B {", //                     6
      "  input x: f32[4]", //             7
      "  y = x -> -> relu", //            8  doubled arrow
      "  output y", //                    9
      "}", //                             10
      "block C(n) {", //                  11
      "  input x: f32[n]", //             12
      "  output = x", //                  13 missing name
      "}", //                             14
    ].join("\n");
    expect(diags(text)).toEqual([
      ["NN1004", "2:11-2:14", "expected ':', found 'f32'"],
      ["NN1004", "8:12-8:14", "expected a name, found '->'"],
      ["NN1004", "13:10-13:11", "expected a name, found '='"],
    ]);
    const r = parse(text);
    expect(r.ast.models.map((m) => m.name.name)).toEqual(["A", "B"]);
    expect(r.ast.blocks.map((b) => b.name.name)).toEqual(["C"]);
    // The statements around each error survive.
    expect(r.ast.models[0]!.body.map((s) => s.kind)).toEqual(["Input", "Binding", "Output"]);
    expect(r.ast.models[1]!.body.map((s) => s.kind)).toEqual(["Input", "Binding", "Output"]);
  });

  it("reports three errors in three statements of one model", () => {
    const text = "model A {\n  input x: f32[4,]\n  y = x -> dense(,)\n  output = y\n}";
    expect(diags(text)).toEqual([
      ["NN1004", "2:18-2:19", "expected an expression, found ']'"],
      ["NN1004", "3:18-3:19", "expected ')', found ','"],
      ["NN1004", "4:10-4:11", "expected a name, found '='"],
    ]);
  });

  it("reports errors in top-level declarations and keeps the valid ones", () => {
    const text = "const = 3\nconst B 4\nmodel A { input x: f32 output x }\nmodel { }\nconst C = 5";
    expect(diags(text)).toEqual([
      ["NN1004", "1:7-1:8", "expected a name, found '='"],
      ["NN1004", "2:9-2:10", "expected '=', found '4'"],
      ["NN1004", "4:7-4:8", "expected a name, found '{'"],
    ]);
    const r = parse(text);
    expect(r.ast.models.map((m) => m.name.name)).toEqual(["A"]);
    expect(r.ast.consts.map((c) => c.name.name)).toContain("C");
  });

  it("reports lexical and syntax errors together", () => {
    const text = "model A {\n  x = 1 $\n  input y f32\n}\n/* open";
    expect(diags(text).map((d) => [d[0], d[1]])).toEqual([
      ["NN1001", "2:9-2:10"],
      ["NN1002", "5:1-5:3"],
      ["NN1004", "3:11-3:14"],
    ]);
  });

  it("passes syntax diagnostics through check() with the file name", () => {
    const r = check("model A {\n  input x f32\n}\nmodel B {\n  y = x -> -> relu\n}", { filename: "dir/two.nn" });
    const syntax = r.diagnostics.filter((d) => d.code.startsWith("NN1"));
    expect(syntax.map((d) => [d.code, d.span.file, loc(d.span)])).toEqual([
      ["NN1004", "dir/two.nn", "2:11-2:14"],
      ["NN1004", "dir/two.nn", "5:12-5:14"],
    ]);
  });

  it("never throws and keeps every span in the source, for many broken inputs", () => {
    const broken = [
      "model A { x = }",
      "model A { x = ( }",
      "model A { input x: f32[ }",
      "block B(a, = 1) { output }",
      "import { } from",
      "import {",
      "const A = - - -",
      "model A { y = x -> f( k: ) as }",
      "model A { y = ((((( }",
      ")))))",
      "}}}",
      "model A { output y = x -> }",
      "model A { loss loss loss }",
      "model model model",
      "as as as",
      "-> -> ->",
      ", , ,",
      "model A { y = x -> relu as r as s }",
      "model A { y = f(a: b: c) }",
    ];
    for (const text of broken) {
      const r = parse(text, "b.nn");
      expect(r.diagnostics.length, text).toBeGreaterThan(0);
      for (const d of r.diagnostics) {
        expect(d.span.start >= 0 && d.span.start <= d.span.end && d.span.end <= text.length, `${text}: ${d.message}`).toBe(true);
        expect(d.span.line).toBeGreaterThanOrEqual(1);
        expect(d.span.column).toBeGreaterThanOrEqual(1);
        expect(textOf(r, d.span).length).toBe(d.span.end - d.span.start);
      }
    }
  });
});
