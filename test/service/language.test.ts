// The language service (compiler/service/), in Node: what the playground's
// editor and `nnc lsp` show for hover, completion, definition and
// diagnostics, computed from check().
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyze } from "../../compiler/service/analysis.ts";
import { complete, openCall } from "../../compiler/service/completion.ts";
import { definition } from "../../compiler/service/definition.ts";
import { markers, problems } from "../../compiler/service/diagnostics.ts";
import { hover } from "../../compiler/service/hover.ts";

const example = (name: string) => readFileSync(`examples/${name}`, "utf8");
/** Analysis of `source` and the offset of `needle`'s first occurrence (plus `delta`). */
function at(source: string, needle: string, delta = 1) {
  const offset = source.indexOf(needle);
  if (offset < 0) throw new Error(`'${needle}' is not in the source`);
  return offset + delta;
}

describe("hover", () => {
  const lenet = example("lenet.nn");
  const a = analyze(lenet, "lenet.nn");

  it("shows a binding's inferred type, per example and batched", () => {
    const h = hover(a, at(lenet, "logits ="))!;
    expect(lenet.slice(h.start, h.end)).toBe("logits");
    expect(h.contents).toEqual(["**logits** — binding", "`f32[10]` per example (batched: `[batch, 10]`)"]);
  });

  it("shows an input's type where it is used", () => {
    const h = hover(a, at(lenet, "image\n    ->"))!;
    expect(h.contents[1]).toBe("`f32[28, 28, 1]` per example (batched: `[batch, 28, 28, 1]`)");
  });

  it("shows a layer call's output type, parameter count and cost", () => {
    const h = hover(a, at(lenet, "conv2d(16"))!;
    expect(lenet.slice(h.start, h.end)).toBe("conv2d(16, kernel: 5)");
    expect(h.contents[1]).toBe("`conv2d_2` → `f32[10, 10, 16]` per example (batched: `[batch, 10, 10, 16]`) · 2,416 parameters · 240,000 MACs per example");
  });

  it("shows a cost that grows with a symbolic size as a formula of it", () => {
    const tagger = example("tagger.nn");
    const h = hover(analyze(tagger, "tagger.nn"), at(tagger, "lstm("))!;
    expect(h.contents[1]).toMatch(/· 24,832 parameters · T·24576 MACs per example$/);
  });

  it("shows a symbolic dim's model and the inputs that use it", () => {
    const tagger = example("tagger.nn");
    const h = hover(analyze(tagger, "tagger.nn"), at(tagger, "T]"))!;
    expect(h.contents[0]).toBe("**T** — symbolic size of model `Tagger`");
    expect(h.contents[2]).toBe("Used by `words: i32[T]`, `tags: i32[T]`.");
  });

  it("shows one type per block instance inside a block, and an instance's totals at its call", () => {
    const src = example("transformer.nn");
    const t = analyze(src, "transformer.nn");
    expect(hover(t, at(src, "attended +"))!.contents.slice(1)).toEqual([
      "in `encoder_layer_1`: `f32[T, 64]` per example (batched: `[batch, T, 64]`)",
      "in `encoder_layer_2`: `f32[T, 64]` per example (batched: `[batch, T, 64]`)",
    ]);
    const call = hover(t, at(src, "EncoderLayer(D, heads"))!;
    expect(call.contents).toEqual(["**EncoderLayer** — block instance", "`encoder_layer_2` → `f32[T, 64]` per example (batched: `[batch, T, 64]`) · 33,472 parameters in 8 layers · T²·128 + T·32768 MACs per example"]);
  });

  it("says so when a binding has no type because of an error", () => {
    const broken = lenet.replace("kernel: 5)", "kernel: 50)");
    expect(hover(analyze(broken, "lenet.nn"), at(broken, "logits ="))!.contents[1]).toBe("no type (it has an error)");
  });

  it("shows a several-input block's inputs as declared", () => {
    const src = "block Mix() {\n  input a: f32[T, 4]\n  input b: f32[T, 4]\n  output y = a + b\n}\nmodel M {\n  input x: f32[T, 4]\n  output y = Mix(x, x)\n}\n";
    expect(hover(analyze(src, "m.nn"), at(src, "a + b"))!.contents).toEqual(["**a** — input", "in `mix_1`: declared `f32[T, 4]`"]);
  });

  it("shows a const's definition", () => {
    const src = example("transformer.nn");
    expect(hover(analyze(src, "t.nn"), at(src, "D)\n"))!.contents).toEqual(["**D** — const", "`const D = 64`"]);
  });

  it("is empty outside any model", () => {
    expect(hover(a, 2)).toBeUndefined();
  });
});

describe("completion", () => {
  it("offers a layer's remaining options with their types and defaults inside its call (positional ones given count)", () => {
    const src = "model M {\n  input x: f32[8, 8, 1]\n  y = x -> conv2d(4, kernel: 3, )\n  output y\n}\n";
    const items = complete(analyze(src, "m.nn"), at(src, "3, )", 3));
    const options = items.filter((i) => i.kind === "option").map((i) => `${i.label}: ${i.detail}`);
    expect(options).toEqual(["stride: int | (int, …) = 1", "padding: valid | same | int | (int, …) = valid", "dilation: int | (int, …) = 1", "bias: bool = true"]);
    expect(items.find((i) => i.label === "x")?.kind).toBe("name");
  });

  it("offers layers and blocks after `->`, not tensors, consts or losses", () => {
    const src = example("transformer.nn");
    const labels = complete(analyze(src, "t.nn"), at(src, "-> mean", 3)).map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(["dense", "lstm", "EncoderLayer"]));
    for (const absent of ["tokens", "D", "cross_entropy", "input"]) expect(labels).not.toContain(absent);
  });

  it("offers the names defined above the cursor, layers and blocks in an expression", () => {
    const src = example("transformer.nn");
    const labels = complete(analyze(src, "t.nn"), at(src, "logits = ", 9)).map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(["tokens", "encoded", "D", "EncoderLayer", "dense"]));
    expect(labels).not.toContain("logits"); // being defined
    expect(labels).not.toContain("input"); // not at a statement's start
  });

  it("offers the losses after `loss`", () => {
    const src = "model M {\n  input x: f32[4]\n  target t: f32[4]\n  y = x -> dense(4)\n  loss \n}\n";
    expect(complete(analyze(src, "m.nn"), at(src, "loss ", 5)).map((i) => i.label)).toEqual(["cross_entropy", "binary_cross_entropy", "mse"]);
  });

  it("offers an imported block's remaining parameters inside its call", () => {
    const files = { "lib.nn": "block Scale(n, bias = true) {\n  input x: f32[4]\n  output y = x -> dense(n, bias: bias)\n}\n" };
    const src = 'import { Scale } from "./lib.nn"\nmodel M {\n  input x: f32[4]\n  output y = x -> Scale(3, )\n}\n';
    const items = complete(analyze(src, "main.nn", files), at(src, "3, )", 3)).filter((i) => i.kind === "option");
    expect(items.map((i) => `${i.label} ${i.detail}`)).toEqual(["bias = true"]);
  });

  it("offers keywords at the start of a statement", () => {
    const src = "model M {\n  inp\n}\n";
    expect(complete(analyze(src, "m.nn"), at(src, "inp", 3)).map((i) => i.label)).toContain("input");
  });

  it("finds the open call around the cursor, skipping closed ones", () => {
    expect(openCall("x -> dense(relu(a), units: 3, ", 30)).toEqual({ callee: "dense", given: ["units"], positional: ["relu(a)"], current: "" });
    expect(openCall("x -> dense(3) -> ", 17)).toBeUndefined();
  });
});

describe("go to definition", () => {
  it("goes from a use to the binding, input or block it names", () => {
    const src = example("transformer.nn");
    const t = analyze(src, "t.nn");
    const span = (needle: string, delta = 1) => {
      const s = definition(t, at(src, needle, delta))!;
      return [s.line, src.slice(s.start, s.end)];
    };
    expect(span("encoded -> mean")).toEqual([22, "encoded"]);
    expect(span("EncoderLayer(D)")).toEqual([12, "EncoderLayer"]);
    expect(span("tokens\n")).toEqual([19, "tokens"]);
    expect(span("(x -> attention", 1)).toEqual([13, "x"]);
  });
});

describe("diagnostics as markers", () => {
  it("carries the code, the message with its hint, and the offsets of the problem", () => {
    const src = "model M {\n  input x: f32[4]\n  y = x -> dense(10, kernal: 3)\n  output y\n}\n";
    const [m] = markers(analyze(src, "m.nn"));
    expect(m).toMatchObject({ severity: "error", code: "NN2004", line: 3, column: 22 });
    expect(src.slice(m!.start, m!.end)).toBe("kernal");
    expect(m!.message).toBe("dense has no option 'kernal'\nhint: its options are units, bias");
  });

  it("shows a problem in an imported file at the import", () => {
    const files = { "lib.nn": "block B(n) {\n  input x: f32[4]\n  output y = x -> dense(n, nope: 1)\n}\n" };
    const src = 'import { B } from "./lib.nn"\nmodel M {\n  input x: f32[4]\n  output y = x -> B(3)\n}\n';
    const ms = markers(analyze(src, "main.nn", files));
    expect(ms.length).toBeGreaterThan(0);
    expect(src.slice(ms[0]!.start, ms[0]!.end)).toBe('"./lib.nn"');
    expect(ms[0]!.message).toMatch(/^lib\.nn:3:28: dense has no option 'nope'/);
  });

  it("places a problem of a file imported through another at the import that leads to it, with its own place kept", () => {
    const files = {
      "deep.nn": "block D() {\n  input x: f32[4]\n  output y = x -> dense(2, nope: 1)\n}\n",
      "mid.nn": 'import { D } from "./deep.nn"\nblock B() {\n  input x: f32[4]\n  output y = x -> D()\n}\n',
      "other.nn": "const K = 2\n",
    };
    const src = 'import { K } from "./other.nn"\nimport { B } from "./mid.nn"\nmodel M {\n  input x: f32[4]\n  output y = x -> B()\n}\n';
    const [p] = problems(analyze(src, "main.nn", files));
    expect(src.slice(p!.span.start, p!.span.end)).toBe('"./mid.nn"');
    expect(p!.origin).toMatchObject({ file: "deep.nn", line: 3, column: 28 });
    expect(p!.message).toBe("deep.nn:3:28: dense has no option 'nope'");
  });

  it("keeps related places as data ('T' is declared here)", () => {
    const src = "model M {\n  input a: f32[T, 4]\n  input b: f32[S, 4]\n  output y = a + b\n}\n";
    const [p] = problems(analyze(src, "m.nn"));
    expect(p!.code).toBe("NN3001");
    expect(p!.related.map((r) => `${r.span.line}: ${r.message}`)).toEqual(expect.arrayContaining([expect.stringMatching(/^2: .*T/), expect.stringMatching(/^3: .*S/)]));
  });
});
