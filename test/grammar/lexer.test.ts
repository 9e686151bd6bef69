// Lexical rules of spec §2: tokens, comments, line breaks, the BOM, and
// columns counted in Unicode code points.
import { describe, expect, it } from "vitest";
import { nnLexer, keywordNames } from "../../grammar/tokens.ts";
import type * as A from "../../grammar/ast.ts";
import { loc, parseOk, textOf, valueOf } from "./helpers.ts";

function tokenNames(text: string): string[] {
  const r = nnLexer.tokenize(text);
  expect(r.errors).toEqual([]);
  return r.tokens.map((t) => `${t.tokenType.name}:${t.image}`);
}

describe("tokens", () => {
  it("lexes every keyword of §2 as a keyword", () => {
    const words = ["model", "block", "input", "target", "output", "loss", "const", "as", "import", "from", "f32", "i32", "true", "false"];
    expect(new Set(words)).toEqual(keywordNames);
    for (const w of words) {
      const [t] = nnLexer.tokenize(w).tokens;
      expect(t!.tokenType.name).not.toBe("Identifier");
      expect(t!.image).toBe(w);
    }
  });

  it("lexes identifiers that start with a keyword as identifiers", () => {
    expect(tokenNames("inputs models as_ f32_x i32a trueish falsey import2 _ _a1 A_B")).toEqual(
      ["inputs", "models", "as_", "f32_x", "i32a", "trueish", "falsey", "import2", "_", "_a1", "A_B"].map((i) => `Identifier:${i}`),
    );
  });

  it("lexes numbers", () => {
    expect(tokenNames("12 0.5 1e-3 1E+10 2e5 .5 3.")).toEqual(["12", "0.5", "1e-3", "1E+10", "2e5", ".5", "3."].map((n) => `NumberLiteral:${n}`));
  });

  it("lexes `->` as one token and a lone `-` as minus", () => {
    expect(tokenNames("a->b - c-1")).toEqual(["Identifier:a", "Arrow:->", "Identifier:b", "Minus:-", "Identifier:c", "Minus:-", "NumberLiteral:1"]);
  });

  it("lexes punctuation", () => {
    expect(tokenNames("( ) [ ] { } , : = + * / .")).toEqual([
      "LParen:(", "RParen:)", "LBracket:[", "RBracket:]", "LBrace:{", "RBrace:}",
      "Comma:,", "Colon::", "Equals:=", "Plus:+", "Star:*", "Slash:/", "Dot:.",
    ]);
  });

  it("lexes strings", () => {
    expect(tokenNames(`"./a b.nn" ""`)).toEqual([`StringLiteral:"./a b.nn"`, `StringLiteral:""`]);
  });

  it("treats space, tab, CR and LF as whitespace", () => {
    expect(tokenNames(" \t\r\n model\t\tA\r{\n}\r\n")).toEqual(["Model:model", "Identifier:A", "LBrace:{", "RBrace:}"]);
  });
});

describe("comments", () => {
  it("skips line comments, keeping them with spans", () => {
    const r = parseOk(`// head\nmodel A { // after a brace\n  input x: f32 // trailing\n  output x\n}// at the end`);
    expect(r.ast.models[0]!.body.map((s) => s.kind)).toEqual(["Input", "Output"]);
    expect(r.ast.comments.map((c) => [c.text, loc(c.span)])).toEqual([
      ["// head", "1:1-1:8"],
      ["// after a brace", "2:11-2:27"],
      ["// trailing", "3:16-3:27"],
      ["// at the end", "5:2-5:15"],
    ]);
  });

  it("skips block comments, including multi-line ones and ones between tokens", () => {
    const r = parseOk(`/* a\n   b */ model /* x */ A {\n  y = x /* mid */ -> /**/ relu\n}`);
    const m = r.ast.models[0]!;
    expect(m.name.name).toBe("A");
    expect(loc(m.name.span)).toBe("2:23-2:24");
    expect(r.ast.comments.map((c) => [c.text, loc(c.span)])).toEqual([
      ["/* a\n   b */", "1:1-2:8"],
      ["/* x */", "2:15-2:22"],
      ["/* mid */", "3:9-3:18"],
      ["/**/", "3:22-3:26"],
    ]);
    const p = valueOf(r, "y") as A.Pipeline;
    expect(loc(p.stages[0]!.span)).toBe("3:27-3:31");
  });

  it("ends a block comment at the first `*/` (no nesting)", () => {
    const r = parseOk(`/* /* */ const A = 1`);
    expect(r.ast.consts.map((c) => c.name.name)).toEqual(["A"]);
  });

  it("treats `//` inside a block comment and `/*` inside a line comment as comment text", () => {
    const r = parseOk(`/* // */ const A = 1 // /* not a block\nconst B = 2`);
    expect(r.ast.consts.map((c) => c.name.name)).toEqual(["A", "B"]);
  });

  it("does not read `/` followed by `/` inside an expression as division", () => {
    const r = parseOk(`const A = 6 / 2 // halved\nconst B = A`);
    expect(r.ast.consts.map((c) => c.name.name)).toEqual(["A", "B"]);
  });
});

describe("line breaks", () => {
  it("counts CRLF as one line break", () => {
    const r = parseOk("model A {\r\n  input x: f32[2]\r\n\r\n  output x\r\n}\r\n");
    const [inp, out] = r.ast.models[0]!.body;
    expect(loc(inp!.span)).toBe("2:3-2:18");
    expect(loc(out!.span)).toBe("4:3-4:11");
    expect(loc(r.ast.models[0]!.span)).toBe("1:1-5:2");
    expect(r.source.lineCount).toBe(6);
  });

  it("counts a lone CR as a line break", () => {
    const r = parseOk("model A {\r  input x: f32\r  output x\r}");
    expect(r.ast.models[0]!.body.map((s) => loc(s.span))).toEqual(["2:3-2:15", "3:3-3:11"]);
  });

  it("gives the same lines and columns for LF and CRLF files", () => {
    const lf = "const A = 1\nmodel M {\n  input x: f32[A]\n  y = x\n    -> relu\n  output y\n}\n";
    const a = parseOk(lf);
    const b = parseOk(lf.replace(/\n/g, "\r\n"));
    const strip = (r: typeof a) => JSON.stringify(r.ast, (k, v) => (k === "start" || k === "end" ? undefined : v));
    expect(strip(b)).toBe(strip(a));
  });

  it("spans a multi-line statement across its lines", () => {
    const r = parseOk("model A {\r\n  y = x\r\n    -> dense(4)\r\n    -> relu\r\n}");
    expect(loc(r.ast.models[0]!.body[0]!.span)).toBe("2:3-4:12");
  });
});

describe("byte-order mark", () => {
  it("ignores a leading BOM: positions are as if it were absent", () => {
    const r = parseOk("\uFEFFmodel A {\n  input x: f32\n}");
    expect(r.source.text.startsWith("model")).toBe(true);
    const m = r.ast.models[0]!;
    expect(loc(m.span)).toBe("1:1-3:2");
    expect(m.span.start).toBe(0);
    expect(loc(m.name.span)).toBe("1:7-1:8");
    expect(loc(m.body[0]!.span)).toBe("2:3-2:15");
  });

  it("accepts a BOM followed by a comment", () => {
    const r = parseOk("\uFEFF// c\nconst A = 1");
    expect(loc(r.ast.comments[0]!.span)).toBe("1:1-1:5");
    expect(loc(r.ast.consts[0]!.span)).toBe("2:1-2:12");
  });
});

describe("columns count Unicode code points", () => {
  it("counts a non-BMP character in a block comment as one column", () => {
    // "/* 😀 */ " is 8 code points but 9 UTF-16 units.
    const r = parseOk("/* 😀 */ model A {}");
    const m = r.ast.models[0]!;
    expect(m.span.start).toBe(9); // offsets are UTF-16
    expect(loc(m.span)).toBe("1:9-1:19");
    expect(loc(m.name.span)).toBe("1:15-1:16");
  });

  it("counts non-BMP characters in a line comment before a token on the same line", () => {
    const r = parseOk("model A {\n  /* 𝔸𝔹ℂ 🎉 */ y = x -> relu\n}");
    const b = r.ast.models[0]!.body[0]! as A.BindingDecl;
    expect(textOf(r, b.name.span)).toBe("y");
    expect(loc(b.name.span)).toBe("2:15-2:16");
    expect(loc(b.span)).toBe("2:15-2:28");
    expect(loc(r.ast.comments[0]!.span)).toBe("2:3-2:14");
  });

  it("counts BMP non-ASCII characters (é, —) as one column each", () => {
    const r = parseOk("// é — ü\nconst A = 1 /* — */ const B = 2");
    expect(loc(r.ast.comments[0]!.span)).toBe("1:1-1:9");
    expect(loc(r.ast.consts[1]!.span)).toBe("2:21-2:32");
  });

  it("resets the column count on each line", () => {
    const r = parseOk("// 😀😀😀\nconst A = 1");
    expect(loc(r.ast.comments[0]!.span)).toBe("1:1-1:7");
    expect(loc(r.ast.consts[0]!.name.span)).toBe("2:7-2:8");
  });
});
