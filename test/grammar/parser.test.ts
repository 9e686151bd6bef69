// The parser on every construct of spec §3–§4: AST shapes and spans.
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { parse } from "../../grammar/index.ts";
import type * as A from "../../grammar/ast.ts";
import { expr, loc, parseOk, sexpr, spans, textOf, valueOf } from "./helpers.ts";

describe("declarations (§3)", () => {
  it("parses an import with its names, path and spans", () => {
    const r = parseOk(`import { EncoderLayer, D } from "./lib/other.nn"`);
    expect(r.ast.imports).toHaveLength(1);
    const imp = r.ast.imports[0]!;
    expect(imp.kind).toBe("Import");
    expect(imp.names.map((n) => n.name)).toEqual(["EncoderLayer", "D"]);
    expect(imp.names.map((n) => loc(n.span))).toEqual(["1:10-1:22", "1:24-1:25"]);
    expect(imp.path).toBe("./lib/other.nn");
    expect(loc(imp.pathSpan)).toBe("1:33-1:49");
    expect(textOf(r, imp.pathSpan)).toBe(`"./lib/other.nn"`);
    expect(loc(imp.span)).toBe("1:1-1:49");
  });

  it("parses several imports, each a separate declaration", () => {
    const r = parseOk(`import { A } from "a.nn"\nimport { B, C } from "b.nn"`);
    expect(r.ast.imports.map((i) => [i.path, i.names.map((n) => n.name)])).toEqual([
      ["a.nn", ["A"]],
      ["b.nn", ["B", "C"]],
    ]);
    expect(loc(r.ast.imports[1]!.span)).toBe("2:1-2:28");
  });

  it("parses file-level consts with expressions", () => {
    const r = parseOk(`const N = 4\nconst M = N * 2 + 1\nconst EPS = 1e-3\nconst HALF = 0.5`);
    expect(r.ast.consts.map((c) => [c.name.name, sexpr(c.value)])).toEqual([
      ["N", "4"],
      ["M", "(+ (* N 2) 1)"],
      ["EPS", "0.001"],
      ["HALF", "0.5"],
    ]);
    const m = r.ast.consts[1]!;
    expect(m.kind).toBe("Const");
    expect(loc(m.span)).toBe("2:1-2:20");
    expect(loc(m.name.span)).toBe("2:7-2:8");
    expect(loc(m.value.span)).toBe("2:11-2:20");
  });

  it("parses a model with its name, body and spans", () => {
    const r = parseOk(`model Net {\n  input x: f32[4]\n  output x\n}`);
    expect(r.ast.models).toHaveLength(1);
    const m = r.ast.models[0]!;
    expect(m.kind).toBe("Model");
    expect(m.name.name).toBe("Net");
    expect(loc(m.name.span)).toBe("1:7-1:10");
    expect(loc(m.span)).toBe("1:1-4:2");
    expect(m.body.map((s) => s.kind)).toEqual(["Input", "Output"]);
  });

  it("parses an empty model and several models in one file", () => {
    const r = parseOk(`model A {}\nmodel B { }\nmodel C {\n}`);
    expect(r.ast.models.map((m) => [m.name.name, m.body.length, loc(m.span)])).toEqual([
      ["A", 0, "1:1-1:11"],
      ["B", 0, "2:1-2:12"],
      ["C", 0, "3:1-4:2"],
    ]);
  });

  it("parses a block with parameters, default values and spans", () => {
    const r = parseOk(`block Enc(d, heads = 4, rate = 0.1, causal = false, pad = same, n = -1) {\n  input x: f32[T, d]\n  output y = x\n}`);
    expect(r.ast.blocks).toHaveLength(1);
    const b = r.ast.blocks[0]!;
    expect(b.kind).toBe("Block");
    expect(b.name.name).toBe("Enc");
    expect(loc(b.name.span)).toBe("1:7-1:10");
    expect(b.params.map((p) => [p.name.name, p.default ? sexpr(p.default) : undefined])).toEqual([
      ["d", undefined],
      ["heads", "4"],
      ["rate", "0.1"],
      ["causal", "false"],
      ["pad", "same"],
      ["n", "-1"],
    ]);
    expect(b.params[0]).not.toHaveProperty("default");
    expect(loc(b.params[1]!.name.span)).toBe("1:14-1:19");
    expect(loc(b.params[1]!.default!.span)).toBe("1:22-1:23");
    expect(loc(b.params[5]!.default!.span)).toBe("1:69-1:71");
    expect(loc(b.span)).toBe("1:1-4:2");
    expect(b.body.map((s) => s.kind)).toEqual(["Input", "Output"]);
  });

  it("parses a block without parameters", () => {
    const b = parseOk(`block Id() { input x: f32 output x }`).ast.blocks[0]!;
    expect(b.params).toEqual([]);
    expect(b.name.name).toBe("Id");
  });

  it("keeps declarations of each kind in their own list, in order", () => {
    const r = parseOk(`const A = 1\nmodel M1 {}\nblock B1() {}\nimport { X } from "x.nn"\nconst Z = 2\nmodel M2 {}\nblock B2(p) {}`);
    expect(r.ast.consts.map((c) => c.name.name)).toEqual(["A", "Z"]);
    expect(r.ast.models.map((c) => c.name.name)).toEqual(["M1", "M2"]);
    expect(r.ast.blocks.map((c) => c.name.name)).toEqual(["B1", "B2"]);
    expect(r.ast.imports.map((c) => c.path)).toEqual(["x.nn"]);
  });

  it("accepts an empty file and a file of only comments", () => {
    for (const text of ["", "   \n\t\n", "// nothing here\n/* nor here */\n"]) {
      const r = parseOk(text);
      expect(r.ast.kind).toBe("File");
      expect(r.ast.models).toEqual([]);
      expect(r.ast.blocks).toEqual([]);
      expect(r.ast.consts).toEqual([]);
      expect(r.ast.imports).toEqual([]);
    }
  });

  it("gives the file node a span covering the whole text", () => {
    const r = parseOk("model A {}\n\nmodel B {}\n");
    expect(r.ast.span.start).toBe(0);
    expect(r.ast.span.end).toBe(r.source.text.length);
    expect(loc(r.ast.span)).toBe("1:1-4:1");
  });
});

describe("statements (§3)", () => {
  const body = (text: string): A.Statement[] => parseOk(`model M {\n${text}\n}`).ast.models[0]!.body;

  it("parses input with a dtype, dims and spans", () => {
    const r = parseOk(`model M {\n  input image: f32[28, 28, 1]\n}`);
    const s = r.ast.models[0]!.body[0] as A.InputDecl;
    expect(s.kind).toBe("Input");
    expect(s.role).toBe("input");
    expect(s.name.name).toBe("image");
    expect(loc(s.name.span)).toBe("2:9-2:14");
    expect(s.type.dtype).toBe("f32");
    expect(s.type.dims.map(sexpr)).toEqual(["28", "28", "1"]);
    expect(s.type.dims.map((d) => loc(d.span))).toEqual(["2:20-2:22", "2:24-2:26", "2:28-2:29"]);
    expect(loc(s.type.span)).toBe("2:16-2:30");
    expect(loc(s.span)).toBe("2:3-2:30");
    expect(textOf(r, s.span)).toBe("input image: f32[28, 28, 1]");
  });

  it("parses target with i32 and f32", () => {
    const [a, b] = body(`  target label: i32[T]\n  target score: f32[2]`) as A.InputDecl[];
    expect([a!.role, a!.name.name, a!.type.dtype, a!.type.dims.map(sexpr)]).toEqual(["target", "label", "i32", ["T"]]);
    expect([b!.role, b!.name.name, b!.type.dtype, b!.type.dims.map(sexpr)]).toEqual(["target", "score", "f32", ["2"]]);
  });

  it("parses a scalar per example: a dtype without brackets", () => {
    const r = parseOk(`model M {\n  input x: f32\n  target y: i32\n}`);
    const [x, y] = r.ast.models[0]!.body as A.InputDecl[];
    expect(x!.type).toMatchObject({ dtype: "f32", dims: [] });
    expect(loc(x!.type.span)).toBe("2:12-2:15");
    expect(loc(x!.span)).toBe("2:3-2:15");
    expect(y!.type).toMatchObject({ dtype: "i32", dims: [] });
  });

  it("parses symbolic dims and const expressions as dims", () => {
    const [s] = body(`  input x: i32[T, S, N * 2, 3, -1]`) as A.InputDecl[];
    expect(s!.type.dims.map(sexpr)).toEqual(["T", "S", "(* N 2)", "3", "-1"]);
    expect(s!.type.dims.map((d) => d.kind)).toEqual(["Name", "Name", "Binary", "Number", "Number"]);
  });

  it("parses bindings", () => {
    const r = parseOk(`model M {\n  h = x -> relu\n  k = h\n}`);
    const [h, k] = r.ast.models[0]!.body as A.BindingDecl[];
    expect(h!.kind).toBe("Binding");
    expect(h!.name.name).toBe("h");
    expect(loc(h!.name.span)).toBe("2:3-2:4");
    expect(sexpr(h!.value)).toBe("(-> x relu)");
    expect(loc(h!.span)).toBe("2:3-2:16");
    expect(k!.value).toMatchObject({ kind: "Name", name: "h" });
    expect(loc(k!.value.span)).toBe("3:7-3:8");
  });

  it("parses `output x` without a value", () => {
    const r = parseOk(`model M {\n  output logits\n}`);
    const o = r.ast.models[0]!.body[0] as A.OutputDecl;
    expect(o.kind).toBe("Output");
    expect(o.name.name).toBe("logits");
    expect(o).not.toHaveProperty("value");
    expect(loc(o.name.span)).toBe("2:10-2:16");
    expect(loc(o.span)).toBe("2:3-2:16");
  });

  it("parses `output x = expr`", () => {
    const r = parseOk(`model M {\n  output y = x -> dense(2)\n}`);
    const o = r.ast.models[0]!.body[0] as A.OutputDecl;
    expect(o.name.name).toBe("y");
    expect(sexpr(o.value!)).toBe("(-> x dense(2))");
    expect(loc(o.value!.span)).toBe("2:14-2:27");
    expect(loc(o.span)).toBe("2:3-2:27");
  });

  it("parses several outputs", () => {
    const outs = body(`  output a\n  output b = a\n  output c`);
    expect(outs.map((o) => [o.kind, (o as A.OutputDecl).name.name])).toEqual([
      ["Output", "a"],
      ["Output", "b"],
      ["Output", "c"],
    ]);
  });

  it("parses a loss statement", () => {
    const r = parseOk(`model M {\n  loss cross_entropy(logits, label)\n}`);
    const l = r.ast.models[0]!.body[0] as A.LossDecl;
    expect(l.kind).toBe("Loss");
    expect(sexpr(l.call)).toBe("cross_entropy(logits, label)");
    expect(l.call.kind).toBe("Call");
    expect(loc(l.call.span)).toBe("2:8-2:36");
    expect(loc(l.span)).toBe("2:3-2:36");
  });

  it("parses a model-level const", () => {
    const [c] = body(`  const H = 2 * 8`) as A.ConstDecl[];
    expect(c!.kind).toBe("Const");
    expect(c!.name.name).toBe("H");
    expect(sexpr(c!.value)).toBe("(* 2 8)");
  });

  it("needs no separators: statements may share a line", () => {
    const stmts = body(`  input x: f32[2] target t: f32[2] y = x output y loss mse(y, t)`);
    expect(stmts.map((s) => s.kind)).toEqual(["Input", "Input", "Binding", "Output", "Loss"]);
  });

  it("treats newlines as insignificant inside a statement", () => {
    const [s] = body(`  y\n  =\n  x\n  ->\n  dense(\n    10\n  )\n  as\n  head`) as A.BindingDecl[];
    expect(sexpr(s!.value)).toBe("(-> x dense(10) as head)");
    expect(loc(s!.span)).toBe("2:3-10:7");
  });
});

describe("expressions (§4)", () => {
  describe("pipelines", () => {
    it("parses a pipeline of bare stages and calls", () => {
      const e = expr("image -> conv2d(6, kernel: 5, padding: same) -> relu -> maxpool2d(2) -> flatten");
      expect(sexpr(e)).toBe("(-> image conv2d(6, kernel: 5, padding: same) relu maxpool2d(2) flatten)");
      const p = e as A.Pipeline;
      expect(p.kind).toBe("Pipeline");
      expect(p.stages.map((s) => [s.callee.name, s.bare])).toEqual([
        ["conv2d", false],
        ["relu", true],
        ["maxpool2d", false],
        ["flatten", true],
      ]);
    });

    it("gives a pipeline and its stages exact spans", () => {
      const r = parseOk(`model M {\n  y = x -> dense(10) -> relu\n}`);
      const p = valueOf(r, "y") as A.Pipeline;
      expect(loc(p.span)).toBe("2:7-2:29");
      expect(loc(p.head.span)).toBe("2:7-2:8");
      expect(p.stages.map((s) => loc(s.span))).toEqual(["2:12-2:21", "2:25-2:29"]);
      expect(p.stages.map((s) => textOf(r, s.span))).toEqual(["dense(10)", "relu"]);
      expect(loc(p.stages[0]!.callee.span)).toBe("2:12-2:17");
    });

    it("distinguishes `f()` (a call with no arguments) from bare `f`", () => {
      const p = expr("x -> relu() -> relu") as A.Pipeline;
      expect(p.stages.map((s) => [s.bare, s.args.length])).toEqual([
        [false, 0],
        [true, 0],
      ]);
    });

    it("is a flat list of stages, not a nested tree", () => {
      const p = expr("x -> a -> b -> c -> d") as A.Pipeline;
      expect(p.head).toMatchObject({ kind: "Name", name: "x" });
      expect(p.stages.map((s) => s.callee.name)).toEqual(["a", "b", "c", "d"]);
    });

    it("accepts a call as the head", () => {
      expect(sexpr(expr("concat(a, b, axis: -1) -> dense(2)"))).toBe("(-> concat(a, b, axis: -1) dense(2))");
    });

    it("parses a block call as a stage", () => {
      expect(sexpr(expr("tokens -> embedding(100, D) -> EncoderLayer(D) -> EncoderLayer(D, heads: 8)"))).toBe(
        "(-> tokens embedding(100, D) EncoderLayer(D) EncoderLayer(D, heads: 8))",
      );
    });
  });

  describe("`as` aliases", () => {
    it("names a call stage", () => {
      const r = parseOk(`model M {\n  y = x -> dense(10) as head -> relu\n}`);
      const p = valueOf(r, "y") as A.Pipeline;
      expect(p.stages[0]!.alias?.name).toBe("head");
      expect(loc(p.stages[0]!.alias!.span)).toBe("2:25-2:29");
      expect(loc(p.stages[0]!.span)).toBe("2:12-2:29");
      expect(p.stages[1]).not.toHaveProperty("alias");
    });

    it("names a bare stage", () => {
      const p = expr("x -> flatten as flat") as A.Pipeline;
      expect(p.stages[0]).toMatchObject({ bare: true, callee: { name: "flatten" }, alias: { name: "flat" } });
    });

    it("names a call outside a pipeline", () => {
      const e = expr("attention(q, kv, heads: 3) as cross");
      expect(e.kind).toBe("Call");
      expect((e as A.Call).alias?.name).toBe("cross");
    });

    it("turns an aliased bare name into a call, not a name reference", () => {
      const e = expr("relu as r");
      expect(e).toMatchObject({ kind: "Call", bare: true, callee: { name: "relu" }, alias: { name: "r" } });
    });
  });

  describe("calls and arguments", () => {
    it("parses positional then named arguments with spans", () => {
      const r = parseOk(`model M {\n  y = conv1d(16, kernel: 3, padding: same)\n}`);
      const c = valueOf(r, "y") as A.Call;
      expect(c.kind).toBe("Call");
      expect(c.bare).toBe(false);
      expect(c.callee.name).toBe("conv1d");
      expect(c.args.map((a) => [a.key?.name, sexpr(a.value)])).toEqual([
        [undefined, "16"],
        ["kernel", "3"],
        ["padding", "same"],
      ]);
      expect(c.args[0]).not.toHaveProperty("key");
      expect(c.args.map((a) => loc(a.span))).toEqual(["2:14-2:16", "2:18-2:27", "2:29-2:42"]);
      expect(loc(c.args[1]!.key!.span)).toBe("2:18-2:24");
      expect(loc(c.args[1]!.value.span)).toBe("2:26-2:27");
      expect(loc(c.span)).toBe("2:7-2:43");
    });

    it("keeps a named argument before a positional one in source order (the checker rejects it)", () => {
      expect(sexpr(expr("dense(units: 4, x)"))).toBe("dense(units: 4, x)");
    });

    it("accepts every kind of argument value", () => {
      expect(sexpr(expr("f(1, 0.5, 1e-3, -1, true, false, same, N * 2, (2, 1), x -> relu, g(1))"))).toBe(
        "f(1, 0.5, 0.001, -1, true, false, same, (* N 2), (tuple 2 1), (-> x relu), g(1))",
      );
    });

    it("parses named arguments whose values are tuples, negatives and booleans", () => {
      const c = expr("maxpool3d((1, 2, 2), stride: (1, 2, 2), padding: valid, axis: -1, causal: true)") as A.Call;
      expect(c.args.map((a) => [a.key?.name ?? null, a.value.kind])).toEqual([
        [null, "Tuple"],
        ["stride", "Tuple"],
        ["padding", "Name"],
        ["axis", "Number"],
        ["causal", "Bool"],
      ]);
    });

    it("parses tensor inputs as leading positional arguments", () => {
      expect(sexpr(expr("attention(q, kv, heads: 3)"))).toBe("attention(q, kv, heads: 3)");
      expect(sexpr(expr("dense(x, 10)"))).toBe("dense(x, 10)");
    });

    it("treats keyword-like prefixes as identifiers (longest match)", () => {
      expect(sexpr(expr("inputs -> models -> as_is -> f32x -> truthy"))).toBe("(-> inputs models as_is f32x truthy)");
    });
  });

  describe("tuples and parenthesised groups", () => {
    it("makes `(a, b)` a tuple with the parentheses in its span", () => {
      const r = parseOk(`model M {\n  t = (2, 1)\n}`);
      const t = valueOf(r, "t") as A.Tuple;
      expect(t.kind).toBe("Tuple");
      expect(t.items.map(sexpr)).toEqual(["2", "1"]);
      expect(loc(t.span)).toBe("2:7-2:13");
      expect(textOf(r, t.span)).toBe("(2, 1)");
    });

    it("makes `(e)` a group: the inner expression, not a tuple", () => {
      const r = parseOk(`model M {\n  g = (1)\n  h = (x -> relu)\n}`);
      expect(valueOf(r, "g")).toMatchObject({ kind: "Number", value: 1 });
      expect(loc(valueOf(r, "g").span)).toBe("2:8-2:9");
      expect(sexpr(valueOf(r, "h"))).toBe("(-> x relu)");
    });

    it("parses tuples of three and nested tuples", () => {
      expect(sexpr(expr("(1, 2, 3)"))).toBe("(tuple 1 2 3)");
      expect(sexpr(expr("((1, 2), (3))"))).toBe("(tuple (tuple 1 2) 3)");
    });

    it("overrides precedence with parentheses", () => {
      expect(sexpr(expr("(a + b) * c"))).toBe("(* (+ a b) c)");
      expect(sexpr(expr("a * (b + c)"))).toBe("(* a (+ b c))");
      expect(sexpr(expr("x + (x -> attention(heads: 4))"))).toBe("(+ x (-> x attention(heads: 4)))");
    });

    it("includes the parentheses of a grouped operand in a binary expression's span", () => {
      const r = parseOk(`model M {\n  a = (x -> relu) + y\n  b = y + (x)\n  c = (x) * (y)\n}`);
      expect(textOf(r, valueOf(r, "a").span)).toBe("(x -> relu) + y");
      expect(textOf(r, valueOf(r, "b").span)).toBe("y + (x)");
      expect(textOf(r, valueOf(r, "c").span)).toBe("(x) * (y)");
    });
  });

  describe("precedence: `->` < `+ -` < `*` < unary `-`", () => {
    it.each([
      ["x + a -> layernorm", "(-> (+ x a) layernorm)"],
      ["x - a -> relu -> dense(2)", "(-> (- x a) relu dense(2))"],
      ["a * b -> relu", "(-> (* a b) relu)"],
      ["a + b * c", "(+ a (* b c))"],
      ["a * b + c", "(+ (* a b) c)"],
      ["a - b - c", "(- (- a b) c)"],
      ["a + b - c + d", "(+ (- (+ a b) c) d)"],
      ["a * b * c", "(* (* a b) c)"],
      ["a / b * c", "(* (/ a b) c)"],
      ["-a * b", "(* (neg a) b)"],
      ["a * -b", "(* a (neg b))"],
      ["-a + -b", "(+ (neg a) (neg b))"],
      ["a - -b", "(- a (neg b))"],
      ["- - a", "(neg (neg a))"],
      ["-a -> relu", "(-> (neg a) relu)"],
      ["x + (x -> attention(heads: 4)) -> layernorm", "(-> (+ x (-> x attention(heads: 4))) layernorm)"],
      ["attended + (attended -> dense(hidden) -> gelu -> dense(d)) -> layernorm", "(-> (+ attended (-> attended dense(hidden) gelu dense(d))) layernorm)"],
    ])("%s  ⇒  %s", (source, tree) => {
      expect(sexpr(expr(source))).toBe(tree);
    });

    it("gives binary and unary nodes exact spans", () => {
      const r = parseOk(`model M {\n  y = -a * b + c\n}`);
      const add = valueOf(r, "y") as A.Binary;
      expect(loc(add.span)).toBe("2:7-2:17");
      const mul = add.left as A.Binary;
      expect(loc(mul.span)).toBe("2:7-2:13");
      const neg = mul.left as A.Unary;
      expect(neg).toMatchObject({ kind: "Unary", op: "-" });
      expect(loc(neg.span)).toBe("2:7-2:9");
      expect(loc(neg.operand.span)).toBe("2:8-2:9");
      expect(loc(add.right.span)).toBe("2:16-2:17");
    });

    it("includes a parenthesised operand's closing parenthesis in a unary span", () => {
      const r = parseOk(`model M {\n  y = -(a + b)\n  z = -(3)\n}`);
      expect(textOf(r, valueOf(r, "y").span)).toBe("-(a + b)");
      expect(sexpr(valueOf(r, "y"))).toBe("(neg (+ a b))");
      expect(textOf(r, valueOf(r, "z").span)).toBe("-(3)");
    });
  });

  describe("literals", () => {
    it("parses integers, decimals and exponents", () => {
      const nums = ["12", "0.5", "1e-3", "2E+2", ".25", "3.", "0"].map((s) => expr(s) as A.NumberLit);
      expect(nums.map((n) => [n.kind, n.value, n.isInteger])).toEqual([
        ["Number", 12, true],
        ["Number", 0.5, false],
        ["Number", 0.001, false],
        ["Number", 200, false],
        ["Number", 0.25, false],
        ["Number", 3, false],
        ["Number", 0, true],
      ]);
    });

    it("folds a minus before a number into a negative literal spanning both", () => {
      const r = parseOk(`model M {\n  a = -1\n  b = - 2.5\n  c = --3\n}`);
      expect(valueOf(r, "a")).toMatchObject({ kind: "Number", value: -1, isInteger: true });
      expect(loc(valueOf(r, "a").span)).toBe("2:7-2:9");
      expect(valueOf(r, "b")).toMatchObject({ kind: "Number", value: -2.5, isInteger: false });
      expect(textOf(r, valueOf(r, "b").span)).toBe("- 2.5");
      expect(valueOf(r, "c")).toMatchObject({ kind: "Number", value: 3 });
      expect(textOf(r, valueOf(r, "c").span)).toBe("--3");
    });

    it("parses `a - 1` as subtraction, not `a` followed by `-1`", () => {
      expect(sexpr(expr("a - 1"))).toBe("(- a 1)");
      expect(sexpr(expr("a-1"))).toBe("(- a 1)");
      expect(sexpr(expr("f(axis: -1)"))).toBe("f(axis: -1)");
    });

    it("parses booleans", () => {
      expect(expr("true")).toMatchObject({ kind: "Bool", value: true });
      expect(expr("false")).toMatchObject({ kind: "Bool", value: false });
    });

    it("parses a bare identifier as a name reference", () => {
      expect(expr("same")).toMatchObject({ kind: "Name", name: "same" });
      expect(expr("_x9")).toMatchObject({ kind: "Name", name: "_x9" });
    });
  });
});

describe("whole files", () => {
  const dir = new URL("../../examples/", import.meta.url);
  const examples = readdirSync(dir).filter((f) => f.endsWith(".nn"));

  it("finds the examples", () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
  });

  it.each(examples)("parses examples/%s without diagnostics, with nested, in-bounds spans", (file) => {
    const text = readFileSync(new URL(file, dir), "utf8");
    const r = parseOk(text, file);
    expect(r.ast.models.length + r.ast.blocks.length).toBeGreaterThan(0);
    for (const s of spans(r.ast)) {
      expect(s.file).toBe(file);
      expect(0 <= s.start && s.start <= s.end && s.end <= r.source.text.length).toBe(true);
      expect(s.line).toBeGreaterThanOrEqual(1);
      expect(s.column).toBeGreaterThanOrEqual(1);
      expect(s.endLine).toBeGreaterThanOrEqual(s.line);
    }
    // Every statement lies inside its model or block.
    for (const decl of [...r.ast.models, ...r.ast.blocks]) {
      for (const st of decl.body) {
        expect(st.span.start).toBeGreaterThanOrEqual(decl.span.start);
        expect(st.span.end).toBeLessThanOrEqual(decl.span.end);
      }
    }
  });

  it("parses the LeNet example of §1 into the expected tree", () => {
    const r = parseOk(readFileSync(new URL("lenet.nn", dir), "utf8"));
    const m = r.ast.models[0]!;
    expect(m.name.name).toBe("LeNet5");
    expect(m.body.map((s) => s.kind)).toEqual(["Input", "Input", "Binding", "Output", "Loss"]);
    expect(sexpr(valueOf(r, "logits"))).toBe(
      "(-> image conv2d(6, kernel: 5, padding: same) relu maxpool2d(2) conv2d(16, kernel: 5) relu maxpool2d(2) flatten dense(120) relu dense(84) relu dense(10) as head)",
    );
    // The comment after the input declaration is kept with its span.
    expect(r.ast.comments[0]!.text).toBe("// lenet.nn — LeNet-5 on 28x28 grey digits");
    expect(loc(r.ast.comments[0]!.span)).toBe("1:1-1:43");
  });

  it("reports the file name it was given in every span", () => {
    const r = parse("model A { input x: f32 output x }", "dir/a.nn");
    expect([...spans(r.ast)].every((s) => s.file === "dir/a.nn")).toBe(true);
    expect(r.source.name).toBe("dir/a.nn");
  });

  it("uses a default file name", () => {
    expect(parse("model A {}").source.name).toBe("<input>");
  });
});
