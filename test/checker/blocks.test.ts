// Blocks (spec §3, §9): parameters by position and name with defaults,
// instance naming and parameter prefixes, symbols bound per instance, and
// the block diagnostics (NN4004, NN4005, NN2020, NN2021, input mismatches).
import { describe, expect, it } from "vitest";
import { snakeCase } from "../../compiler/check/evaluator.ts";
import { diagnostics, expectDiagnostic, model, outputs, params, single, summary, types } from "./helpers.ts";

const encoder = `block EncoderLayer(d, heads = 4, hidden = d * 2) {
  input x: f32[T, d]
  attended = x + (x -> attention(heads: heads)) -> layernorm
  output y = attended + (attended -> dense(hidden) -> gelu -> dense(d)) -> layernorm
}
`;

describe("block parameters", () => {
  it("by position, by name, and defaults (which may use earlier parameters)", () => {
    const m = model(`${encoder}model M {
  input a: f32[S, 8]
  p = a -> EncoderLayer(8)
  q = a -> EncoderLayer(8, 2, 32)
  r = a -> EncoderLayer(d: 8, hidden: 4)
  output p
}`);
    const p = params(m);
    expect(p["encoder_layer_1.dense_1.kernel"]).toEqual([8, 16]);
    expect(p["encoder_layer_2.dense_1.kernel"]).toEqual([8, 32]);
    expect(p["encoder_layer_3.dense_1.kernel"]).toEqual([8, 4]);
    expect(m.nodes.filter((n) => n.def.name === "attention").map((n) => n.options.heads)).toEqual([4, 2, 4]);
  });

  it("take ints, floats, booleans and enum identifiers", () => {
    const m = model(`block Stack(f, pad = same, act = relu, rate = 0.1, causal = false) {
  input x: f32[T, 8]
  h = x -> conv1d(f, kernel: 3, padding: pad) -> rnn(f, sequences: true, activation: act) -> dropout(rate)
  output y = h -> attention(causal: causal)
}
model M {
  input a: f32[S, 8]
  p = a -> Stack(8)
  q = a -> Stack(8, valid, tanh, 0.5, true)
  output p
}`);
    const opts = Object.fromEntries(m.nodes.map((n) => [n.name, n.options]));
    expect(opts["stack_1.conv1d_1"]).toMatchObject({ padding: "same" });
    expect(opts["stack_1.rnn_1"]).toMatchObject({ activation: "relu" });
    expect(opts["stack_1.dropout_1"]).toEqual({ rate: 0.1 });
    expect(opts["stack_1.attention_1"]).toMatchObject({ causal: false });
    expect(opts["stack_2.conv1d_1"]).toMatchObject({ padding: "valid" });
    expect(opts["stack_2.rnn_1"]).toMatchObject({ activation: "tanh" });
    expect(opts["stack_2.dropout_1"]).toEqual({ rate: 0.5 });
    expect(opts["stack_2.attention_1"]).toMatchObject({ causal: true });
    expect(types(m)["stack_2.attention_1"]).toBe("f32[S - 2, 8]");
  });

  it("a block body sees its file's consts", () => {
    const m = model(`const K = 4
block UsesConst() {
  input x: f32[T, K]
  output y = x -> dense(K)
}
model M {
  input a: f32[S, 4]
  p = a -> UsesConst
  output q = p -> UsesConst()
}`);
    expect(Object.keys(params(m))).toEqual(["uses_const_1.dense_1.kernel", "uses_const_1.dense_1.bias", "uses_const_2.dense_1.kernel", "uses_const_2.dense_1.bias"]);
  });

  it("a missing parameter (NN4004) points at its declaration", () => {
    const src = `block B(n) {
  input x: f32[T, n]
  output y = x -> dense(n)
}
model M {
  input a: f32[S, 8]
  output p = a -> B
}`;
    expectDiagnostic(single(src), src, {
      code: "NN4004",
      message: "block B needs parameter 'n'",
      text: "B",
      line: 7,
      column: 19,
      endColumn: 20,
      related: [{ message: "'n' is declared here", text: "n", line: 1, column: 9, endColumn: 10 }],
    });
  });

  it("too many positional parameters (NN2007)", () => {
    const src = `block B(n) {
  input x: f32[T, n]
  output y = x -> dense(n)
}
model M {
  input a: f32[S, 8]
  output p = a -> B(8, 9)
}`;
    expectDiagnostic(single(src), src, { code: "NN2007", message: "block B takes at most 1 positional option, got 2", text: "9", line: 7, column: 24, endColumn: 25 });
  });

  it("an unknown parameter name (NN2004) suggests the close one, which is not reported missing too", () => {
    const src = `block B(units) {
  input x: f32[T, 8]
  output y = x -> dense(units)
}
model M {
  input a: f32[S, 8]
  output p = a -> B(unit: 3)
}`;
    expectDiagnostic(single(src), src, { code: "NN2004", message: "block B has no option 'unit'", text: "unit", line: 7, column: 21, endColumn: 25, hint: "did you mean 'units'?" });
  });

  it("a parameter given twice (NN2005)", () => {
    const src = `block B(n) {
  input x: f32[T, 8]
  output y = x -> dense(n)
}
model M {
  input a: f32[S, 8]
  output p = a -> B(3, n: 4)
}`;
    expectDiagnostic(single(src), src, { code: "NN2005", message: "block B: option 'n' is given twice", text: "n", line: 7, column: 24, endColumn: 25 });
  });

  it("a tensor as a parameter (NN2014)", () => {
    const src = `block B(n) {
  input x: f32[T, 8]
  output y = x -> dense(n)
}
model M {
  input a: f32[S, 8]
  output p = a -> B(n: a)
}`;
    expectDiagnostic(single(src), src, {
      code: "NN2014",
      message: "option 'n' of block B is a tensor, not a compile-time constant",
      text: "a",
      line: 7,
      column: 24,
      endColumn: 25,
      hint: "tensor inputs are passed by position, before the options",
    });
  });

  it("a bad parameter value is reported inside, at its use, with the instance", () => {
    const src = `block B(n) {
  input x: f32[T, 8]
  output y = x -> dense(n)
}
model M {
  input a: f32[S, 8]
  output p = a -> B(0)
}`;
    expectDiagnostic(single(src), src, {
      code: "NN3009",
      message: "dense's units must be positive, got 0",
      text: "n",
      line: 3,
      column: 25,
      endColumn: 26,
      related: [{ message: "in b_1, an instance of block B", text: "B(0)", line: 7, column: 19, endColumn: 23 }],
    });
  });

  it("a parameter is in the block's namespace (NN2002)", () => {
    const src = `block B(n) {
  input x: f32[T, 8]
  n = x -> relu
  output y = x
}
model M {
  input a: f32[S, 8]
  output p = a -> B(4)
}`;
    expectDiagnostic(single(src), src, {
      code: "NN2002",
      message: "'n' is already defined",
      text: "n",
      line: 3,
      column: 3,
      endColumn: 4,
      related: [
        { message: "'n' is first defined here", text: "n", line: 1, column: 9, endColumn: 10 },
        { message: "in b_1, an instance of block B", text: "B(4)", line: 8, column: 19, endColumn: 23 },
      ],
    });
  });
});

describe("block instances: names and parameters", () => {
  it("snake_case of the block name plus a counter prefixes every parameter", () => {
    const m = model(`${encoder}model M {
  input a: f32[S, 8]
  output p = a -> EncoderLayer(8) -> EncoderLayer(8, heads: 2)
}`);
    const names = Object.keys(params(m));
    expect(names.slice(0, 8)).toEqual([
      "encoder_layer_1.attention_1.query.kernel",
      "encoder_layer_1.attention_1.query.bias",
      "encoder_layer_1.attention_1.key.kernel",
      "encoder_layer_1.attention_1.key.bias",
      "encoder_layer_1.attention_1.value.kernel",
      "encoder_layer_1.attention_1.value.bias",
      "encoder_layer_1.attention_1.output.kernel",
      "encoder_layer_1.attention_1.output.bias",
    ]);
    expect(names).toContain("encoder_layer_2.attention_1.query.kernel");
    expect(names).toContain("encoder_layer_2.layernorm_2.gamma");
    expect(m.instances.map((i) => [i.name, i.block])).toEqual([
      ["encoder_layer_1", "EncoderLayer"],
      ["encoder_layer_2", "EncoderLayer"],
    ]);
  });

  it("layers inside an instance are counted per instance, not in the model's counters", () => {
    const m = model(`block E(n) {
  input x: f32[T, n]
  output y = x -> dense(n) -> relu
}
model M {
  input a: f32[S, 8]
  output p = a -> dense(8) -> E(8) -> E(8) -> dense(2)
}`);
    expect(Object.keys(types(m))).toEqual(["dense_1", "e_1.dense_1", "e_1.relu_1", "e_2.dense_1", "e_2.relu_1", "dense_2"]);
  });

  it("nested instances and `as` on an instance", () => {
    const m = model(`block Inner(n) {
  input x: f32[T, n]
  output y = x -> attention(heads: 2)
}
block Outer(n) {
  input x: f32[T, n]
  h = x -> Inner(n) -> Inner(n)
  output y = h -> dense(n)
}
model M {
  input a: f32[S, 8]
  output p = a -> Outer(8) -> Outer(8) as second
}`);
    expect(Object.keys(types(m))).toEqual([
      "outer_1.inner_1.attention_1",
      "outer_1.inner_2.attention_1",
      "outer_1.dense_1",
      "second.inner_1.attention_1",
      "second.inner_2.attention_1",
      "second.dense_1",
    ]);
    expect(params(m)["second.inner_2.attention_1.output.bias"]).toEqual([8]);
    expect(m.instances.map((i) => [i.name, i.instancePath])).toEqual([
      ["outer_1", []],
      ["outer_1.inner_1", ["outer_1"]],
      ["outer_1.inner_2", ["outer_1"]],
      ["second", []],
      ["second.inner_1", ["second"]],
      ["second.inner_2", ["second"]],
    ]);
  });

  it("snake-cases block names", () => {
    expect(snakeCase("EncoderLayer")).toBe("encoder_layer");
    expect(snakeCase("HTTPServer")).toBe("http_server");
    expect(snakeCase("Conv2DBlock")).toBe("conv2_d_block");
    expect(snakeCase("mlp")).toBe("mlp");
  });

  it("a repeated instance name (NN2011) is reported once", () => {
    const src = `block B(n) {
  input x: f32[T, n]
  output y = x -> dense(n)
}
model M {
  input a: f32[S, 4]
  p = a -> B(4) as enc
  q = a -> B(4) as enc
  output p
}`;
    expectDiagnostic(single(src), src, {
      code: "NN2011",
      message: "layer name 'enc' is already used in this model",
      text: "enc",
      line: 8,
      column: 20,
      endColumn: 23,
      related: [{ message: "first used here", text: "enc", line: 7, column: 20, endColumn: 23 }],
    });
  });
});

describe("block inputs and symbols", () => {
  it("symbols bind per instance", () => {
    const m = model(`${encoder}model M {
  input a: f32[S, 8]
  input b: f32[U, 8]
  input c: f32[16, 8]
  p = a -> EncoderLayer(8)
  q = b -> EncoderLayer(8)
  r = c -> EncoderLayer(8)
  output p
  output q
  output r
}`);
    expect(outputs(m)).toEqual({ p: "f32[S, 8]", q: "f32[U, 8]", r: "f32[16, 8]" });
  });

  it("a block with two inputs, by position or piped", () => {
    const m = model(`block Cross(n) {
  input x: f32[T, n]
  input m: f32[S, n]
  output z = attention(x, m)
}
model M {
  input a: f32[A, 8]
  input b: f32[B, 8]
  p = Cross(a, b, 8)
  q = b -> Cross(a, 8)
  output p
  output q
}`);
    expect(outputs(m)).toEqual({ p: "f32[A, 8]", q: "f32[B, 8]" });
  });

  it("the wrong rank (NN3002) points at the declaration and the instance", () => {
    const src = `block B(n) {
  input x: f32[T, n]
  output y = x -> dense(n)
}
model M {
  input c: f32[S, 8, 2]
  output p = c -> B(8)
}`;
    expectDiagnostic(single(src), src, {
      code: "NN3002",
      message: "block B expects f32[S, 8] for input 'x', got f32[S, 8, 2]",
      text: "c",
      line: 7,
      column: 14,
      endColumn: 15,
      related: [
        { message: "'x' is declared here", text: "input x: f32[T, n]", line: 2, column: 3, endColumn: 21 },
        { message: "in b_1, an instance of block B", text: "B(8)", line: 7, column: 19, endColumn: 23 },
      ],
    });
  });

  it("a static dim that does not match (NN3002)", () => {
    const src = `block B(n) {
  input x: f32[T, n]
  output y = x -> dense(n)
}
model M {
  input a: f32[S, 8]
  output p = a -> B(4)
}`;
    expect(summary(diagnostics(src))).toEqual(["NN3002 7:14 block B expects f32[S, 4] for input 'x', got f32[S, 8]"]);
  });

  it("the wrong dtype (NN3002)", () => {
    const src = `block B(n) {
  input x: f32[T, n]
  output y = x -> dense(n)
}
model M {
  input i: i32[S, 8]
  output p = i -> B(8)
}`;
    expect(summary(diagnostics(src))).toEqual(["NN3002 7:14 block B expects f32[S, 8] for input 'x', got i32[S, 8]"]);
  });

  it("one block symbol bound to two different dims (NN3013)", () => {
    const src = `block Same() {
  input x: f32[T, 4]
  input y: f32[T, 4]
  output z = x + y
}
model M {
  input c: f32[B, 4]
  input d: f32[C, 4]
  output r = Same(c, d)
}`;
    expectDiagnostic(single(src), src, {
      code: "NN3013",
      message: "symbol T is bound to B and to C",
      text: "d",
      line: 9,
      column: 22,
      endColumn: 23,
      related: [
        { message: "'y' is declared here", text: "input y: f32[T, 4]", line: 3, column: 3, endColumn: 21 },
        { message: "symbol B is declared here", text: "B", line: 7, column: 16, endColumn: 17 },
        { message: "symbol C is declared here", text: "C", line: 8, column: 16, endColumn: 17 },
        { message: "in same_1, an instance of block Same", text: "Same(c, d)", line: 9, column: 14, endColumn: 24 },
      ],
    });
  });

  it("a block symbol bound to a literal and then to another literal (NN3013)", () => {
    const src = `block Same() {
  input x: f32[T, 4]
  input y: f32[T, 4]
  output z = x + y
}
model M {
  input c: f32[3, 4]
  input d: f32[5, 4]
  output r = Same(c, d)
}`;
    expect(summary(diagnostics(src))).toEqual(["NN3013 9:22 symbol T is bound to 3 and to 5"]);
  });

  it("the same symbol twice is fine", () => {
    const m = model(`block Same() {
  input x: f32[T, 4]
  input y: f32[T, 4]
  output z = x + y
}
model M {
  input c: f32[B, 4]
  output r = Same(c, c)
}`);
    expect(outputs(m)).toEqual({ r: "f32[B, 4]" });
  });

  it("block and model symbols of the same name are independent", () => {
    const m = model(`block Swap() {
  input x: f32[T, S]
  output y = x -> flatten
}
model M {
  input a: f32[S, T]
  output r = a -> Swap
}`);
    expect(outputs(m)).toEqual({ r: "f32[S·T]" });
  });

  it("the wrong number of inputs (NN2008) points at the block", () => {
    const src = `block Two(n) {
  input x: f32[T, n]
  input y: f32[S, n]
  output z = attention(x, y)
}
model M {
  input a: f32[A, 8]
  output q = a -> Two(8)
}`;
    expectDiagnostic(single(src), src, {
      code: "NN2008",
      message: "block Two takes 2 inputs, got 1",
      text: "Two(8)",
      line: 8,
      column: 19,
      endColumn: 25,
      related: [{ message: "block Two is declared here", text: "Two", line: 1, column: 7, endColumn: 10 }],
    });
  });

  it("an unknown input name in a block call is undefined (NN2001), not an enum parameter", () => {
    const src = `block B(n) {
  input x: f32[T, n]
  output y = x -> dense(n)
}
model M {
  input x: f32[T, 4]
  output a = B(xx, 4)
}`;
    expectDiagnostic(single(src), src, { code: "NN2001", message: "'xx' is not defined", text: "xx", line: 7, column: 16, endColumn: 18, hint: "did you mean 'x'?" });
  });
});

describe("errors inside a block", () => {
  it("are reported at the block's text with the instance as related span, once", () => {
    const src = `block Bad(n) {
  input x: f32[T, n]
  output y = x -> dense(n) -> conv2d(3, kernel: 2)
}
model M {
  input a: f32[S, 4]
  p = a -> Bad(4)
  q = a -> Bad(4)
  output a
}`;
    expectDiagnostic(single(src), src, {
      code: "NN3002",
      message: "conv2d expects [H, W, C], got f32[S, 4]",
      text: "dense(n)",
      line: 3,
      column: 19,
      endColumn: 27,
      related: [{ message: "in bad_1, an instance of block Bad", text: "Bad(4)", line: 7, column: 12, endColumn: 18 }],
    });
  });

  it("nested instances list the whole trail, innermost first", () => {
    const src = `block Inner(n) {
  input x: f32[T, n]
  output y = x -> attention(heads: 3)
}
block Outer(n) {
  input x: f32[T, n]
  output y = x -> Inner(n)
}
model M {
  input a: f32[S, 8]
  output p = a -> Outer(8)
}`;
    expectDiagnostic(single(src), src, {
      code: "NN3006",
      message: "attention: heads (3) must divide the width d = 8",
      text: "3",
      line: 3,
      column: 36,
      endColumn: 37,
      related: [
        { message: "in outer_1.inner_1, an instance of block Inner", text: "Inner(n)", line: 7, column: 19, endColumn: 27 },
        { message: "in outer_1, an instance of block Outer", text: "Outer(8)", line: 11, column: 19, endColumn: 27 },
      ],
    });
  });
});

describe("recursion (NN4005)", () => {
  it("a block that instantiates itself", () => {
    const src = `block R(n) {
  input x: f32[T, n]
  output y = x -> R(n)
}
model M {
  input a: f32[S, 8]
  output p = a -> R(8)
}`;
    expectDiagnostic(single(src), src, {
      code: "NN4005",
      message: "block R instantiates itself",
      text: "R",
      line: 3,
      column: 19,
      endColumn: 20,
      related: [{ message: "in r_1, an instance of block R", text: "R(8)", line: 7, column: 19, endColumn: 23 }],
    });
  });

  it("mutual recursion", () => {
    const src = `block P(n) {
  input x: f32[T, n]
  output y = x -> Q(n)
}
block Q(n) {
  input x: f32[T, n]
  output y = x -> P(n)
}
model M {
  input a: f32[S, 8]
  output p = a -> P(8)
}`;
    expectDiagnostic(single(src), src, {
      code: "NN4005",
      message: "block P instantiates itself",
      text: "P",
      line: 7,
      column: 19,
      endColumn: 20,
      related: [
        { message: "in p_1.q_1, an instance of block Q", text: "Q(n)", line: 3, column: 19, endColumn: 23 },
        { message: "in p_1, an instance of block P", text: "P(8)", line: 11, column: 19, endColumn: 23 },
      ],
    });
  });
});

describe("block structure (NN2020, NN2021)", () => {
  it("exactly one output", () => {
    const src = `block Two(n) {
  input x: f32[T, 4]
  output a = x -> dense(n)
  output b = x -> dense(n)
}
block None(n) {
  input x: f32[T, 4]
  a = x -> dense(n)
}
model M {
  input x: f32[4]
  output x
}`;
    const ds = diagnostics(src);
    expect(summary(ds)).toEqual(["NN2020 1:7 block Two must have exactly one output, has 2", "NN2020 6:7 block None must have exactly one output, has 0"]);
    expectDiagnostic(ds[0]!, src, { code: "NN2020", message: "block Two must have exactly one output, has 2", text: "Two", line: 1, column: 7, endColumn: 10 });
  });

  it("no target and no loss, in an instantiated block", () => {
    const src = `block D(n) {
  input x: f32[4]
  target y: f32[4]
  loss mse(x, y)
  output x
}
model M {
  input a: f32[4]
  output p = a -> D(1)
}`;
    const ds = diagnostics(src);
    expect(summary(ds)).toEqual(["NN2021 3:3 a block cannot declare a loss or a target", "NN2021 4:3 a block cannot declare a loss or a target"]);
    expectDiagnostic(ds[0]!, src, {
      code: "NN2021",
      message: "a block cannot declare a loss or a target",
      text: "target y: f32[4]",
      line: 3,
      column: 3,
      endColumn: 19,
      related: [{ message: "in d_1, an instance of block D", text: "D(1)", line: 9, column: 19, endColumn: 23 }],
    });
    expectDiagnostic(ds[1]!, src, { code: "NN2021", message: "a block cannot declare a loss or a target", text: "loss mse(x, y)", line: 4, column: 3, endColumn: 17 });
  });

  it("no target and no loss, in a block that no model uses", () => {
    const src = `block D(n) {
  input x: f32[4]
  target y: f32[4]
  loss mse(x, y)
  output x
}`;
    expect(summary(diagnostics(src))).toEqual(["NN2021 3:3 a block cannot declare a loss or a target", "NN2021 4:3 a block cannot declare a loss or a target"]);
  });
});
