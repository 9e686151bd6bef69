// Names (spec §3, §9 "Names"): undefined and duplicate names, bindings named
// like layers, the `as` namespace, top-level declarations, naming counters.
import { describe, expect, it } from "vitest";
import { closest, editDistance } from "../../compiler/check/suggest.ts";
import { diagnostics, expectDiagnostic, model, params, single, summary, types } from "./helpers.ts";

describe("undefined names (NN2001)", () => {
  it("suggests a close name in scope", () => {
    const src = `model M {
  input x: f32[T, 4]
  y = xx -> relu
  output y
}`;
    expectDiagnostic(single(src), src, { code: "NN2001", message: "'xx' is not defined", text: "xx", line: 3, column: 7, endColumn: 9, hint: "did you mean 'x'?" });
  });

  it("gives no hint when nothing is close", () => {
    const src = `model M {
  input x: f32[T, 4]
  output y = foo -> relu
}`;
    expectDiagnostic(single(src), src, { code: "NN2001", message: "'foo' is not defined", text: "foo", line: 3, column: 14, endColumn: 17 });
  });

  it("explains a layer name used as a value", () => {
    const src = `model M {
  input x: f32[T, 4]
  output y = relu
}`;
    expectDiagnostic(single(src), src, {
      code: "NN2001",
      message: "'relu' is not defined",
      text: "relu",
      line: 3,
      column: 14,
      endColumn: 18,
      hint: "'relu' is a layer: apply it in a pipeline, e.g. `x -> relu`",
    });
  });

  it("reports an unknown tensor among a call's inputs, not a wrong input count", () => {
    const src = `model M {
  input x: f32[T, 4]
  output y = concat(x, z)
}`;
    expectDiagnostic(single(src), src, { code: "NN2001", message: "'z' is not defined", text: "z", line: 3, column: 24, endColumn: 25, hint: "did you mean 'x'?" });
  });

  it("reports an unknown first input of a call written with its input inside", () => {
    const src = `model M {
  input x: f32[T, 4]
  output y = dense(xx, 3)
}`;
    expectDiagnostic(single(src), src, { code: "NN2001", message: "'xx' is not defined", text: "xx", line: 3, column: 20, endColumn: 22, hint: "did you mean 'x'?" });
  });

  it("reports an unknown key/value tensor of cross-attention once", () => {
    const src = `model M {
  input x: f32[T, 4]
  output y = attention(x, kvv, heads: 2)
}`;
    expectDiagnostic(single(src), src, { code: "NN2001", message: "'kvv' is not defined", text: "kvv", line: 3, column: 27, endColumn: 30 });
  });

  it("reports an unknown operand of an arithmetic expression", () => {
    const src = `model M {
  input x: f32[T, 4]
  c = x -> relu
  output y = c + cc
}`;
    expectDiagnostic(single(src), src, { code: "NN2001", message: "'cc' is not defined", text: "cc", line: 4, column: 18, endColumn: 20, hint: "did you mean 'c'?" });
  });
});

describe("use before definition (NN2012)", () => {
  it("points at the later definition", () => {
    const src = `model M {
  input x: f32[T, 4]
  a = b -> relu
  b = x -> tanh
  output a
}`;
    expectDiagnostic(single(src), src, {
      code: "NN2012",
      message: "'b' is used before its definition",
      text: "b",
      line: 3,
      column: 7,
      endColumn: 8,
      related: [{ message: "'b' is defined here", text: "b", line: 4, column: 3, endColumn: 4 }],
    });
  });
});

describe("duplicate bindings (NN2002)", () => {
  it("reports the second binding with the first as related span", () => {
    const src = `model M {
  input x: f32[T, 4]
  a = x -> relu
  a = x -> tanh
  output a
}`;
    expectDiagnostic(single(src), src, {
      code: "NN2002",
      message: "'a' is already defined",
      text: "a",
      line: 4,
      column: 3,
      endColumn: 4,
      related: [{ message: "'a' is first defined here", text: "a", line: 3, column: 3, endColumn: 4 }],
    });
  });

  it("shares one namespace with file-level consts (no shadowing)", () => {
    const src = `const D = 4
model M {
  input x: f32[T, D]
  D = x -> relu
  output x
}`;
    expectDiagnostic(single(src), src, {
      code: "NN2002",
      message: "'D' is already defined",
      text: "D",
      line: 4,
      column: 3,
      endColumn: 4,
      related: [{ message: "'D' is first defined here", text: "D", line: 1, column: 7, endColumn: 8 }],
    });
  });

  it("shares one namespace between inputs and targets", () => {
    const src = `model M {
  input x: f32[T, 4]
  target x: i32[T]
  output x
}`;
    expectDiagnostic(single(src), src, {
      code: "NN2002",
      message: "'x' is already defined",
      text: "x",
      line: 3,
      column: 10,
      endColumn: 11,
      related: [{ message: "'x' is first defined here", text: "x", line: 2, column: 9, endColumn: 10 }],
    });
  });

  it("counts `output name = …` as a binding", () => {
    const src = `model M {
  input x: f32[T, 4]
  output x = x -> relu
}`;
    expectDiagnostic(single(src), src, {
      code: "NN2002",
      message: "'x' is already defined",
      text: "x",
      line: 3,
      column: 10,
      endColumn: 11,
      related: [{ message: "'x' is first defined here", text: "x", line: 2, column: 9, endColumn: 10 }],
    });
  });

  it("counts a model-level const", () => {
    const src = `model M {
  input x: f32[T, 4]
  const k = 3
  k = x -> relu
  output x
}`;
    expectDiagnostic(single(src), src, {
      code: "NN2002",
      message: "'k' is already defined",
      text: "k",
      line: 4,
      column: 3,
      endColumn: 4,
      related: [{ message: "'k' is first defined here", text: "k", line: 3, column: 9, endColumn: 10 }],
    });
  });

  it("allows the same name in two models", () => {
    model(`model A {
  input x: f32[4]
  output y = x -> relu
}
model B {
  input x: f32[4]
  output y = x -> tanh
}`, "B");
  });
});

describe("a binding named like a layer (NN2010)", () => {
  it("is an error at the name, and its uses are not reported again", () => {
    const src = `model M {
  input x: f32[T, 4]
  relu = x -> tanh
  output relu
}`;
    expectDiagnostic(single(src), src, { code: "NN2010", message: "'relu' is a layer name and cannot be used as a binding", text: "relu", line: 3, column: 3, endColumn: 7 });
  });

  it("applies to inputs, consts and losses' names too", () => {
    const src = `model M {
  input dense: f32[T, 4]
  const mse = 3
  output y = dense -> tanh
}`;
    expect(summary(diagnostics(src))).toEqual([
      "NN2010 2:9 'dense' is a layer name and cannot be used as a binding",
      "NN2010 3:9 'mse' is a layer name and cannot be used as a binding",
    ]);
  });
});

describe("not a tensor (NN2013) and not a constant (NN2014)", () => {
  it("an output that names a constant", () => {
    const src = `model M {
  input x: f32[T, 4]
  c = 3
  output c
}`;
    expectDiagnostic(single(src), src, { code: "NN2013", message: "output 'c' is the integer 3, not a tensor", text: "c", line: 4, column: 10, endColumn: 11 });
  });

  it("a pipeline that starts from a number", () => {
    const src = `model M {
  input x: f32[T, 4]
  y = 2 -> relu
  output x
}`;
    expectDiagnostic(single(src), src, { code: "NN2013", message: "the start of a pipeline is the integer 2, not a tensor", text: "2", line: 3, column: 7, endColumn: 8 });
  });

  it("unary minus on a boolean", () => {
    const src = `model M {
  input x: f32[T, 4]
  y = -true
  output x
}`;
    expectDiagnostic(single(src), src, { code: "NN2013", message: "the operand of '-' is the boolean true, not a tensor", text: "true", line: 3, column: 8, endColumn: 12 });
  });

  it("a model-level const bound to a tensor", () => {
    const src = `model M {
  input x: f32[T, 4]
  const k = x
  output x
}`;
    expectDiagnostic(single(src), src, { code: "NN2014", message: "const 'k' is a tensor, not a compile-time constant", text: "x", line: 3, column: 13, endColumn: 14 });
  });

  it("a tensor passed as a named option", () => {
    const src = `model M {
  input x: f32[T, 4]
  y = x -> dense(3, bias: x)
  output x
}`;
    expectDiagnostic(single(src), src, {
      code: "NN2014",
      message: "option 'bias' of dense is a tensor, not a compile-time constant",
      text: "x",
      line: 3,
      column: 27,
      endColumn: 28,
      hint: "tensor inputs are passed by position, before the options",
    });
  });

  it("a tensor inside a tuple option", () => {
    const src = `model M {
  input x: f32[T, 4]
  y = x -> conv1d(3, kernel: (x, 2))
  output x
}`;
    expectDiagnostic(single(src), src, { code: "NN2014", message: "a tuple item is a tensor, not a compile-time constant", text: "x", line: 3, column: 31, endColumn: 32 });
  });

  it("a tensor after an option", () => {
    const src = `model M {
  input x: f32[T, 4]
  y = x -> dense(3, x)
  output x
}`;
    expectDiagnostic(single(src), src, {
      code: "NN2014",
      message: "argument 3 of dense is a tensor, not a compile-time constant",
      text: "x",
      line: 3,
      column: 21,
      endColumn: 22,
      hint: "tensor inputs come first, before the options",
    });
  });

  it("a tensor used as a dimension", () => {
    const src = `model M {
  input x: f32[4]
  input y: f32[x]
  output y
}`;
    expectDiagnostic(single(src), src, { code: "NN2014", message: "'x' is a tensor, not a compile-time constant", text: "x", line: 3, column: 16, endColumn: 17 });
  });
});

describe("outputs (NN2019, NN2026)", () => {
  it("a model without an output", () => {
    const src = `model M {
  input x: f32[T, 4]
}`;
    expectDiagnostic(single(src), src, { code: "NN2019", message: "model M has no output", text: "M", line: 1, column: 7, endColumn: 8, hint: "mark a value with `output name`" });
  });

  it("an output marked twice", () => {
    const src = `model M {
  input x: f32[T, 4]
  output x
  output x
}`;
    expectDiagnostic(single(src), src, {
      code: "NN2026",
      message: "'x' is already marked as an output",
      text: "x",
      line: 4,
      column: 10,
      endColumn: 11,
      related: [{ message: "'x' is first marked here", text: "x", line: 3, column: 10, endColumn: 11 }],
    });
  });

  it("several different outputs are fine", () => {
    const m = model(`model M {
  input x: f32[T, 4]
  output a = x -> relu
  output b = x -> dense(2)
  output x
}`);
    expect(m.outputs.map((o) => o.name)).toEqual(["a", "b", "x"]);
  });

  it("a failed output is not reported again as missing", () => {
    const src = `model M {
  input x: f32[T, 4]
  output y = x -> dense(3, kernal: 3)
}`;
    expect(summary(diagnostics(src))).toEqual(["NN2004 3:28 dense has no option 'kernal'"]);
  });
});

describe("failed bindings do not cascade", () => {
  it("a binding whose value failed is silent at its uses", () => {
    const src = `model M {
  input x: f32[T, 6]
  z = x -> attention(heads: 4)
  w = z -> dense(3)
  output w
}`;
    expect(summary(diagnostics(src))).toEqual(["NN3006 3:29 attention: heads (4) must divide the width d = 6"]);
  });
});

describe("`as` names (NN2011, NN2022)", () => {
  it("names the layer and its parameters", () => {
    const m = model(`model M {
  input x: f32[T, 4]
  output y = x -> dense(3) as head
}`);
    expect(params(m)).toEqual({ "head.kernel": [4, 3], "head.bias": [3] });
  });

  it("are a namespace apart from bindings", () => {
    const m = model(`model M {
  input x: f32[T, 4]
  h = x -> dense(3) as h
  output h
}`);
    expect(Object.keys(types(m))).toEqual(["h"]);
  });

  it("a repeated `as` name is an error with the first as related span", () => {
    const src = `model M {
  input x: f32[T, 4]
  y = x -> dense(3) as head -> dense(2) as head
  output y
}`;
    expectDiagnostic(single(src), src, {
      code: "NN2011",
      message: "layer name 'head' is already used in this model",
      text: "head",
      line: 3,
      column: 44,
      endColumn: 48,
      related: [{ message: "first used here", text: "head", line: 3, column: 24, endColumn: 28 }],
    });
  });

  it("a repeated `as` name across statements is an error too", () => {
    const src = `model M {
  input x: f32[T, 4]
  a = x -> dense(3) as proj
  b = x -> dense(3) as proj
  output a
}`;
    expect(summary(diagnostics(src))).toEqual(["NN2011 4:24 layer name 'proj' is already used in this model"]);
  });

  it("an `as` name may not take a generated name", () => {
    const src = `model M {
  input x: f32[T, 4]
  y = x -> dense(3) -> dense(2) as dense_1
  output y
}`;
    expectDiagnostic(single(src), src, {
      code: "NN2011",
      message: "layer name 'dense_1' is already used in this model",
      text: "dense_1",
      line: 3,
      column: 36,
      endColumn: 43,
      related: [{ message: "first used here", text: "dense(3)", line: 3, column: 12, endColumn: 20 }],
    });
  });

  it("may be reused in another model", () => {
    const src = `model A {
  input x: f32[4]
  output y = x -> dense(3) as head
}
model B {
  input x: f32[4]
  output y = x -> dense(3) as head
}`;
    expect(diagnostics(src)).toEqual([]);
  });

  it("`as` on a value that is not a layer call (NN2022)", () => {
    const src = `model M {
  input x: f32[T, 4]
  y = x as features
  output x
}`;
    expectDiagnostic(single(src), src, {
      code: "NN2022",
      message: "'as' names a layer call; this is not one",
      text: "x",
      line: 3,
      column: 7,
      endColumn: 8,
      hint: "`as` follows a layer or block call, as in `x -> dense(10) as head`",
    });
  });
});

describe("unknown layers (NN2003) and models as stages (NN4007)", () => {
  it("a misspelt `dense2` suggests dense", () => {
    const src = `model M {
  input x: f32[T, 4]
  output y = x -> dense2(3)
}`;
    expectDiagnostic(single(src), src, { code: "NN2003", message: "unknown layer or block 'dense2'", text: "dense2", line: 3, column: 19, endColumn: 25, hint: "did you mean 'dense'?" });
  });

  it("a misspelt `conv2` suggests conv2d", () => {
    const src = `model M {
  input x: f32[H, W, 3]
  output y = x -> conv2(3, kernel: 3)
}`;
    expectDiagnostic(single(src), src, { code: "NN2003", message: "unknown layer or block 'conv2'", text: "conv2", line: 3, column: 19, endColumn: 24, hint: "did you mean 'conv2d'?" });
  });

  it("a misspelt block name suggests the block", () => {
    const src = `block Encoder(d) {
  input x: f32[T, d]
  output y = x -> dense(d)
}
model M {
  input x: f32[T, 4]
  output y = x -> Encodr(4)
}`;
    expectDiagnostic(single(src), src, { code: "NN2003", message: "unknown layer or block 'Encodr'", text: "Encodr", line: 7, column: 19, endColumn: 25, hint: "did you mean 'Encoder'?" });
  });

  it("a name far from every layer has no hint", () => {
    const src = `model M {
  input x: f32[T, 4]
  output y = x -> frobnicate
}`;
    expectDiagnostic(single(src), src, { code: "NN2003", message: "unknown layer or block 'frobnicate'", text: "frobnicate", line: 3, column: 19, endColumn: 29 });
  });

  it("a model used as a stage", () => {
    const src = `model Other {
  input x: f32[4]
  output x
}
model M {
  input x: f32[4]
  output y = x -> Other
}`;
    expectDiagnostic(single(src), src, { code: "NN4007", message: "'Other' is a model; only blocks can be used as stages", text: "Other", line: 7, column: 19, endColumn: 24 });
  });
});

describe("top-level declarations (NN2023)", () => {
  it("a second model of one name", () => {
    const src = `model M {
  input x: f32[4]
  output x
}
model M {
  input x: f32[4]
  output x
}`;
    expectDiagnostic(single(src), src, {
      code: "NN2023",
      message: "model 'M' is already declared in this file",
      text: "M",
      line: 5,
      column: 7,
      endColumn: 8,
      related: [{ message: "first declared here", text: "M", line: 1, column: 7, endColumn: 8 }],
    });
  });

  it("the first declaration in source order wins, whatever its kind", () => {
    const src = `const N = 1
block N(x) {
  input x: f32[4]
  output x
}
model N {
  input x: f32[4]
  output x
}`;
    const ds = diagnostics(src);
    expect(summary(ds)).toEqual(["NN2023 2:7 block 'N' is already declared in this file", "NN2023 6:7 model 'N' is already declared in this file"]);
    for (const d of ds) expectDiagnostic(d, src, { ...d.span, code: d.code, message: d.message, text: "N", related: [{ message: "first declared here", text: "N", line: 1, column: 7, endColumn: 8 }] });
  });

  it("a const declared twice", () => {
    const src = `const K = 2
const K = 3
model M {
  input x: f32[K]
  output x
}`;
    expectDiagnostic(single(src), src, {
      code: "NN2023",
      message: "const 'K' is already declared in this file",
      text: "K",
      line: 2,
      column: 7,
      endColumn: 8,
      related: [{ message: "first declared here", text: "K", line: 1, column: 7, endColumn: 8 }],
    });
  });
});

describe("layer naming (spec §4, §9)", () => {
  it("counts unnamed layers from 1 per kind, in order of appearance", () => {
    const m = model(`model M {
  input x: f32[28, 28, 1]
  output y = x
    -> conv2d(6, kernel: 5, padding: same) -> relu
    -> maxpool2d(2)
    -> conv2d(16, kernel: 5) -> relu
    -> maxpool2d(2)
    -> flatten
    -> dense(120) -> relu
    -> dense(84) -> relu
    -> dense(10) as head
}`);
    expect(Object.keys(types(m))).toEqual([
      "conv2d_1", "relu_1", "maxpool2d_1", "conv2d_2", "relu_2", "maxpool2d_2", "flatten_1",
      "dense_1", "relu_3", "dense_2", "relu_4", "head",
    ]);
    expect(params(m)).toEqual({
      "conv2d_1.kernel": [5, 5, 1, 6],
      "conv2d_1.bias": [6],
      "conv2d_2.kernel": [5, 5, 6, 16],
      "conv2d_2.bias": [16],
      "dense_1.kernel": [400, 120],
      "dense_1.bias": [120],
      "dense_2.kernel": [120, 84],
      "dense_2.bias": [84],
      "head.kernel": [84, 10],
      "head.bias": [10],
    });
  });

  it("counts across statements of one model, and restarts in the next model", () => {
    const src = `model A {
  input x: f32[4]
  a = x -> dense(3)
  b = x -> dense(5)
  output c = concat(a, b) -> dense(2)
}
model B {
  input x: f32[4]
  output y = x -> dense(3)
}`;
    const a = model(src, "A");
    expect(Object.keys(types(a))).toEqual(["dense_1", "dense_2", "concat_1", "dense_3"]);
    expect(Object.keys(types(model(src, "B")))).toEqual(["dense_1"]);
  });

  it("an aliased layer still takes its place in its kind's count", () => {
    // Adding `as` to one layer does not rename the parameters of the others.
    const m = model(`model M {
  input x: f32[4]
  output y = x -> dense(8) as first -> dense(4)
}`);
    expect(Object.keys(types(m))).toEqual(["first", "dense_2"]);
  });

  it("names the loss layer like any other", () => {
    const m = model(`model M {
  input x: f32[4]
  target t: i32
  output y = x -> dense(3)
  loss cross_entropy(y, t)
}`);
    expect(m.loss?.name).toBe("cross_entropy_1");
    expect(m.loss?.def.name).toBe("cross_entropy");
  });
});

describe("suggestions", () => {
  it("count a swap of adjacent letters as one edit", () => {
    expect(editDistance("lable", "label")).toBe(1);
    expect(editDistance("kernal", "kernel")).toBe(1);
    expect(editDistance("dense", "dense")).toBe(0);
    expect(editDistance("abc", "")).toBe(3);
    expect(closest("lable", ["label", "logits"])).toBe("label");
    expect(closest("frobnicate", ["dense", "conv2d"])).toBeUndefined();
  });
});

describe("spans", () => {
  it("count columns in code points, after a BOM, with CRLF line breaks", () => {
    const src = "\uFEFFmodel M {\r\n  input x: f32[T, 4]\r\n  output y = /* ñ😀 */ x -> dense2(3)\r\n}\r\n";
    const d = single(src);
    expect(d.span).toMatchObject({ file: "main.nn", line: 3, column: 28, endLine: 3, endColumn: 34 });
    expect(src.slice(1).slice(d.span.start, d.span.end)).toBe("dense2");
  });

  it("treat a lone CR as a line break", () => {
    const d = single("model M {\r  input x: f32[4]\r  output y = x -> dense2(3)\r}");
    expect(d.span).toMatchObject({ line: 3, column: 19, endColumn: 25 });
  });
});
