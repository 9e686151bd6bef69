// What an editor draws from the service besides hovers: inlay hints with
// inferred types, the outline (document symbols), semantic tokens and
// signature help.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyze } from "../../compiler/service/analysis.ts";
import { inlayHints } from "../../compiler/service/inlay-hints.ts";
import { semanticTokens } from "../../compiler/service/semantic-tokens.ts";
import { signatureHelp } from "../../compiler/service/signature-help.ts";
import { documentSymbols, type DocumentSymbol } from "../../compiler/service/symbols.ts";

const example = (name: string) => readFileSync(`examples/${name}`, "utf8");
const at = (source: string, needle: string, delta = 1) => {
  const offset = source.indexOf(needle);
  if (offset < 0) throw new Error(`'${needle}' is not in the source`);
  return offset + delta;
};
const lenet = example("lenet.nn");
const lenetAnalysis = analyze(lenet, "lenet.nn");

describe("inlay hints", () => {
  it("show each binding's type after its value, and each line's type in a multi-line pipeline", () => {
    const hints = inlayHints(lenetAnalysis).map((h) => `${lenet.slice(lenet.lastIndexOf("\n", h.offset - 1) + 1, h.offset).trim()}  ${h.label}`);
    expect(hints).toEqual([
      "-> conv2d(6, kernel: 5, padding: same) -> relu  : f32[28, 28, 6]",
      "-> maxpool2d(2)  : f32[14, 14, 6]",
      "-> conv2d(16, kernel: 5) -> relu  : f32[10, 10, 16]",
      "-> maxpool2d(2)  : f32[5, 5, 16]",
      "-> flatten  : f32[400]",
      "-> dense(120) -> relu  : f32[120]",
      "-> dense(84) -> relu  : f32[84]",
      "-> dense(10) as head  : f32[10]",
    ]);
  });

  it("show a block body's types over its instances, and only within the range asked for", () => {
    const src = "block Up(n) {\n  input x: f32[4]\n  output y = x -> dense(n)\n}\nmodel M {\n  input x: f32[4]\n  a = x -> Up(8)\n  b = x -> Up(16)\n  output c = a\n}\n";
    const a = analyze(src, "m.nn");
    expect(inlayHints(a).map((h) => h.label)).toEqual([": f32[8] | f32[16]", ": f32[8]", ": f32[16]", ": f32[8]"]);
    const line7 = at(src, "a = x", 0);
    expect(inlayHints(a, line7, line7 + 16).map((h) => h.label)).toEqual([": f32[8]"]);
  });

  it("leave out a binding without a type", () => {
    const broken = lenet.replace("kernel: 5)", "kernel: 50)");
    expect(inlayHints(analyze(broken, "lenet.nn")).length).toBeLessThan(inlayHints(lenetAnalysis).length);
  });
});

describe("document symbols", () => {
  const outline = (symbols: DocumentSymbol[], depth = 0): string[] => symbols.flatMap((s) => [`${"  ".repeat(depth)}${s.kind} ${s.name}: ${s.detail}`, ...outline(s.children, depth + 1)]);

  it("list a model's inputs, bindings and the layers each binding writes", () => {
    const lines = outline(documentSymbols(lenetAnalysis));
    expect(lines.slice(0, 6)).toEqual(["model LeNet5: model", "  input image: f32[28, 28, 1]", "  target label: i32", "  binding logits: f32[10]", "    layer conv2d_1: conv2d → f32[28, 28, 6]", "    layer relu_1: relu → f32[28, 28, 6]"]);
    expect(lines.slice(-3)).toEqual(["    layer head: dense → f32[10]", "  output logits: output", "  loss loss: cross_entropy(logits, label)"]);
  });

  it("list consts, blocks with their parameters, and block instances under the binding that calls them", () => {
    const src = example("transformer.nn");
    const lines = outline(documentSymbols(analyze(src, "t.nn")));
    expect(lines).toEqual(expect.arrayContaining(["const VOCAB: 16", "block EncoderLayer: block(d, heads, hidden)", "  input x: f32[T, d]", "  binding attended: f32[T, 64]", "    layer attention_1: attention → f32[T, 64]", "    instance encoder_layer_1: EncoderLayer"]));
  });
});

describe("semantic tokens", () => {
  it("tell layers from blocks, bindings from consts, options from enum values, symbolic sizes from names", () => {
    const src = example("transformer.nn");
    const tokens = semanticTokens(analyze(src, "t.nn"));
    const kind = (needle: string, delta = 0) => {
      const t = tokens.find((x) => x.start === at(src, needle, delta))!;
      return `${t.type}${t.modifiers.map((m) => `.${m}`).join("")}`;
    };
    expect(kind("block EncoderLayer", 6)).toBe("class.declaration");
    expect(kind("-> EncoderLayer(D)", 3)).toBe("class");
    expect(kind("attention(heads", 0)).toBe("function.defaultLibrary");
    expect(kind("heads: heads", 0)).toBe("property");
    expect(kind("heads: heads", 7)).toBe("parameter");
    expect(kind("T, d]", 0)).toBe("typeParameter");
    expect(kind("VOCAB, D)", 0)).toBe("variable.readonly");
    expect(kind("kind: learned", 6)).toBe("enumMember");
    expect(kind("encoded = tokens", 0)).toBe("variable.declaration");
    expect(kind("model Trans", 0)).toBe("keyword");
    expect(kind("i32[T]", 0)).toBe("type");
    expect(kind("// transformer", 0)).toBe("comment");
    expect(kind("64)", 0)).toBe("number");
    expect(kind("-> mean", 0)).toBe("operator");
    // In source order, none overlapping.
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]!.start).toBeGreaterThanOrEqual(tokens[i - 1]!.end);
  });
});

describe("signature help", () => {
  it("shows a layer's options with types and defaults, the next positional one active", () => {
    const help = signatureHelp(lenetAnalysis, at(lenet, "conv2d(16, ", 11))!;
    expect(help.label).toBe("conv2d(filters: int, kernel: int | (int, …), stride: int | (int, …) = 1, padding: valid | same | int | (int, …) = valid, dilation: int | (int, …) = 1, bias: bool = true)");
    const active = help.parameters[help.active]!.label;
    expect(help.label.slice(...active)).toBe("kernel: int | (int, …)");
  });

  it("makes the option being typed by name active", () => {
    const help = signatureHelp(lenetAnalysis, at(lenet, "padding: same", 9))!;
    expect(help.label.slice(...help.parameters[help.active]!.label)).toBe("padding: valid | same | int | (int, …) = valid");
  });

  it("shows a block's parameters with their defaults", () => {
    const src = example("transformer.nn");
    const help = signatureHelp(analyze(src, "t.nn"), at(src, "EncoderLayer(D, heads", 16))!;
    expect(help.label).toBe("EncoderLayer(d, heads = 4, hidden = 128)");
    expect(help.label.slice(...help.parameters[help.active]!.label)).toBe("heads = 4");
  });

  it("is absent outside a call", () => {
    expect(signatureHelp(lenetAnalysis, at(lenet, "logits ="))).toBeUndefined();
  });
});
