// The formatter's layout rules, one by one.
import { describe, expect, it } from "vitest";
import * as prettier from "prettier";
import * as standalone from "prettier/standalone";
import plugin, { languages, parsers, printers } from "../../compiler/format/plugin.ts";
import { formatNn, meaning, shape } from "./helpers.ts";

/** Formats a model body given as lines (indentation is irrelevant). */
async function body(...lines: string[]): Promise<string> {
  const out = await formatNn(`model M {\n${lines.join("\n")}\n}\n`);
  return out.replace(/^model M \{\n/, "").replace(/\}\n$/, "");
}

describe("layout", () => {
  it("normalises spaces around =, ->, operators, colons and commas", async () => {
    expect(await body("input x:f32[28,28 ,1]", "y=x->conv2d(6,kernel:5,padding:same)->relu", "z = y+y*2", "output  z")).toBe(
      "  input x: f32[28, 28, 1]\n  y = x -> conv2d(6, kernel: 5, padding: same) -> relu\n  z = y + y * 2\n  output z\n",
    );
  });

  it("keeps a short pipeline on one line, even if the source broke it", async () => {
    expect(await body("input x: f32[4]", "y = x", "  -> dense(4)", "  -> relu")).toBe("  input x: f32[4]\n  y = x -> dense(4) -> relu\n");
  });

  it("breaks a long pipeline one stage per line", async () => {
    const out = await body("input image: f32[28, 28, 1]", "logits = image -> conv2d(6, kernel: 5, padding: same) -> relu -> maxpool2d(2) -> flatten -> dense(10)");
    expect(out).toBe(
      [
        "  input image: f32[28, 28, 1]",
        "  logits = image",
        "    -> conv2d(6, kernel: 5, padding: same)",
        "    -> relu",
        "    -> maxpool2d(2)",
        "    -> flatten",
        "    -> dense(10)",
        "",
      ].join("\n"),
    );
  });

  it("respects printWidth", async () => {
    const text = "model M {\n  input x: f32[4]\n  y = x -> dense(4) -> relu -> dense(4)\n}\n";
    expect(await formatNn(text, { printWidth: 30 })).toContain("  y = x\n    -> dense(4)\n    -> relu\n    -> dense(4)\n");
    expect(await formatNn(text, { printWidth: 80 })).toContain("  y = x -> dense(4) -> relu -> dense(4)\n");
  });

  it("breaks a call that does not fit one argument per line, named values aligned", async () => {
    const out = await body("y = x -> conv2d(some_very_long_filter_count, kernel: kernel_size_constant, padding: same, dilation: 2)");
    expect(out).toBe(
      [
        "  y = x",
        "    -> conv2d(",
        "      some_very_long_filter_count,",
        "      kernel:   kernel_size_constant,",
        "      padding:  same,",
        "      dilation: 2",
        "    )",
        "",
      ].join("\n"),
    );
  });

  it("keeps one blank line where the source had one or more, none where it had none", async () => {
    expect(await body("input x: f32[4]", "", "", "", "y = x -> relu", "output y")).toBe("  input x: f32[4]\n\n  y = x -> relu\n  output y\n");
    expect(await formatNn("const A = 1\n\n\n\nconst B = 2\nmodel M {\n  input x: f32[A]\n}\n")).toBe("const A = 1\n\nconst B = 2\nmodel M {\n  input x: f32[A]\n}\n");
  });

  it("drops blank lines at the start and end of a body and of the file", async () => {
    expect(await formatNn("\n\n\nmodel M {\n\n  input x: f32[4]\n\n}\n\n\n")).toBe("model M {\n  input x: f32[4]\n}\n");
  });

  it("prints blocks with parameters and defaults", async () => {
    expect(await formatNn("block   Enc( d,heads=4 , hidden = 2*64 ){\ninput x:f32[T,d]\noutput y=x->attention(heads:heads)\n}")).toBe(
      "block Enc(d, heads = 4, hidden = 2 * 64) {\n  input x: f32[T, d]\n  output y = x -> attention(heads: heads)\n}\n",
    );
  });

  it("prints imports and consts", async () => {
    expect(await formatNn('import{A,B}from "./lib.nn"\nimport {} from "./empty.nn"\nconst N=-2*3')).toBe('import { A, B } from "./lib.nn"\nimport {} from "./empty.nn"\nconst N = -2 * 3\n');
  });

  it("prints tuples, unary minus, booleans, aliases and scalar types", async () => {
    expect(await body("input x:f32", "input v: f32[16,64,64,3]", "y = v -> maxpool3d(( 1,2 , 2 ),padding:(0,1,1)) -> flatten as flat", "z = - y", "w = -(y + z) * -1", "l = x -> dense(4, bias:false)")).toBe(
      [
        "  input x: f32",
        "  input v: f32[16, 64, 64, 3]",
        "  y = v -> maxpool3d((1, 2, 2), padding: (0, 1, 1)) -> flatten as flat",
        "  z = -y",
        "  w = -(y + z) * -1",
        "  l = x -> dense(4, bias: false)",
        "",
      ].join("\n"),
    );
  });

  it("keeps the literal text of numbers", async () => {
    expect(await body("y = x -> dropout(0.50) -> leaky_relu(alpha: 1e-3) -> dense(.5)")).toBe("  y = x -> dropout(0.50) -> leaky_relu(alpha: 1e-3) -> dense(.5)\n");
  });
});

describe("parentheses", () => {
  const cases: [string, string][] = [
    ["y = x + (x -> attention(heads: 4))", "y = x + (x -> attention(heads: 4))"],
    ["y = (a + b) * c", "y = (a + b) * c"],
    ["y = a - (b - c)", "y = a - (b - c)"],
    ["y = a - (b + c)", "y = a - (b + c)"],
    ["y = a + (b + c)", "y = a + (b + c)"],
    ["y = a / (b * c)", "y = a / (b * c)"],
    ["y = (a * b) + c", "y = a * b + c"],
    ["y = ((a)) + (b * c)", "y = a + b * c"],
    ["y = (x -> relu) -> dense(4)", "y = (x -> relu) -> dense(4)"],
    ["y = (x + a) -> layernorm", "y = x + a -> layernorm"],
    ["y = -(-x)", "y = -(-x)"],
    ["y = - - x", "y = -(-x)"],
    ["y = -(x -> relu)", "y = -(x -> relu)"],
    ["y = dense((x -> relu), 4)", "y = dense(x -> relu, 4)"],
    ["input x: f32[(N + 1) * 2, N - (M - 1)]", "input x: f32[(N + 1) * 2, N - (M - 1)]"],
    ["y = x -> reshape((2, 3))", "y = x -> reshape((2, 3))"],
  ];
  it.each(cases)("%s", async (source, expected) => {
    const out = await body(source);
    expect(out).toBe(`  ${expected}\n`);
    expect(shape(out)).toEqual(shape(source));
  });
});

describe("comments", () => {
  it("keeps end-of-line comments at the end of their line, with one space", async () => {
    expect(await body("input x: f32[4]      // the input", "y = x -> relu // rectified")).toBe("  input x: f32[4] // the input\n  y = x -> relu // rectified\n");
  });

  it("keeps comments on their own line before what follows, and blank lines around them", async () => {
    expect(await body("input x: f32[4]", "", "   // a comment", "// another", "", "y = x -> relu")).toBe("  input x: f32[4]\n\n  // a comment\n  // another\n\n  y = x -> relu\n");
  });

  it("keeps a comment between pipeline stages, which breaks the pipeline", async () => {
    expect(await body("y = x", "  -> dense(4) // first", "  -> relu")).toBe("  y = x\n    -> dense(4) // first\n    -> relu\n");
    expect(await body("y = x", "  // a stage follows", "  -> relu")).toBe("  y = x\n    // a stage follows\n    -> relu\n");
  });

  it("keeps block comments inline and multi-line block comments verbatim", async () => {
    expect(await body("y = x -> dense(/* units */ 4) /* after */")).toBe("  y = x -> dense(/* units */ 4) /* after */\n");
    expect(await formatNn("/* header\n   second line\n */\nmodel M {\n  input x: f32[4]\n}\n")).toBe("/* header\n   second line\n */\nmodel M {\n  input x: f32[4]\n}\n");
  });

  it("keeps comments in empty bodies, argument lists and files", async () => {
    expect(await formatNn("model M { // nothing yet\n}")).toBe("model M {\n  // nothing yet\n}\n");
    expect(await formatNn("model M {\n  y = x -> f(/* none */)\n}")).toBe("model M {\n  y = x -> f(/* none */)\n}\n");
    expect(await formatNn("// only a comment\n\n/* and another */\n")).toBe("// only a comment\n/* and another */\n");
    expect(await formatNn("")).toBe("");
  });

  it("keeps a comment after the opening brace of a model on that line", async () => {
    expect(await formatNn("model M { // the model\n  input x: f32[4]\n}\n")).toBe("model M { // the model\n  input x: f32[4]\n}\n");
  });

  it("keeps the comments of the spec's LeNet example in place", async () => {
    const text = `// lenet.nn
model LeNet5 {
  input image: f32[28, 28, 1]      // per-example shape
  target label: i32                // a class index

  logits = image
    -> conv2d(6, kernel: 5, padding: same) -> relu // first block
    -> flatten
    -> dense(10) as head

  output logits
  loss cross_entropy(logits, label)
}
`;
    const out = await formatNn(text);
    expect(out).toContain("  input image: f32[28, 28, 1] // per-example shape\n");
    expect(out).toContain("    -> conv2d(6, kernel: 5, padding: same)\n    -> relu // first block\n    -> flatten\n");
    expect(meaning(out)).toEqual(meaning(text));
  });
});

describe("errors", () => {
  it("refuses a file with a syntax error, naming the place", async () => {
    const error = (await formatNn("model M {\n  input x: f32[4\n  y = x -> relu\n}\n").then(
      () => undefined,
      (e: unknown) => e,
    )) as SyntaxError & { loc: { start: { line: number; column: number } } };
    expect(error).toBeInstanceOf(SyntaxError);
    expect(error.loc.start).toEqual({ line: 2, column: 15 });
    expect(error.message).toMatch(/never closed.*\(2:15\)/);
  });

  it("refuses a lexical error and an unclosed comment", async () => {
    await expect(formatNn("model M { input x: f32[4] @ }")).rejects.toThrow(SyntaxError);
    await expect(formatNn("/* open\nmodel M {}")).rejects.toThrow(/\(1:1\)/);
  });
});

describe("the plugin", () => {
  it("exposes languages, parsers and printers in Prettier's shape", () => {
    expect(languages[0]!.extensions).toEqual([".nn"]);
    expect(parsers.nn!.astFormat).toBe("nn-ast");
    expect(Object.keys(printers)).toEqual(["nn-ast"]);
  });

  it("works with Prettier's Node entry and its standalone (browser) build alike", async () => {
    const text = "model M{input x:f32[4]\noutput y=x->relu}";
    const viaNode = await prettier.format(text, { parser: "nn", plugins: [plugin] });
    const viaStandalone = await standalone.format(text, { parser: "nn", plugins: [plugin] });
    expect(viaNode).toBe("model M {\n  input x: f32[4]\n  output y = x -> relu\n}\n");
    expect(viaStandalone).toBe(viaNode);
  });

  it("is chosen for .nn files by file name", async () => {
    expect(await prettier.format("const A=1", { filepath: "net.nn", plugins: [plugin] })).toBe("const A = 1\n");
  });

  it("uses no Node-only API", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const dir = new URL("../../compiler/format/", import.meta.url);
    for (const f of readdirSync(dir)) {
      const code = readFileSync(new URL(f, dir), "utf8");
      expect(code, f).not.toMatch(/from "node:|\b(process|Buffer|require|__dirname)\b/);
      // Types only from "prettier"; values from "prettier/doc" or "prettier/standalone".
      expect(code, f).not.toMatch(/^import (?!type )[^;]*from "prettier";/m);
    }
  });
});
