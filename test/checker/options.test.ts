// Calls and options (spec §4): positional and named options, defaults,
// unknown, duplicate, missing and extra options, option values, input counts.
import { describe, expect, it } from "vitest";
import { diagnostics, expectDiagnostic, model, params, single, summary } from "./helpers.ts";

/** A model whose only statement applies `stage` to x: f32[T, 4]; the stage starts at line 3, column 12. */
const on = (stage: string, input = "f32[T, 4]") => `model M {\n  input x: ${input}\n  y = x -> ${stage}\n  output x\n}`;

describe("unknown options (NN2004)", () => {
  it("a misspelt `kernal:` suggests kernel, and kernel is not reported missing as well", () => {
    const src = on("conv1d(8, kernal: 3)");
    expectDiagnostic(single(src), src, { code: "NN2004", message: "conv1d has no option 'kernal'", text: "kernal", line: 3, column: 22, endColumn: 28, hint: "did you mean 'kernel'?" });
  });

  it("lists the options when nothing is close", () => {
    const src = on("dense(3, kernal: 3)");
    expectDiagnostic(single(src), src, { code: "NN2004", message: "dense has no option 'kernal'", text: "kernal", line: 3, column: 21, endColumn: 27, hint: "its options are units, bias" });
  });

  it("a layer without options gives no hint", () => {
    const src = on("relu(foo: 1)");
    expectDiagnostic(single(src), src, { code: "NN2004", message: "relu has no option 'foo'", text: "foo", line: 3, column: 17, endColumn: 20 });
  });

  it("an unrelated unknown option leaves a required one missing", () => {
    const src = on("conv1d(3, size: 3)");
    const ds = diagnostics(src);
    expect(summary(ds)).toEqual(["NN2004 3:22 conv1d has no option 'size'", "NN2006 3:12 conv1d needs option 'kernel'"]);
    expect(ds[0]!.hint).toBe("its options are filters, kernel, stride, padding, dilation, bias");
  });

  it("losses take no options", () => {
    const src = `model M {
  input x: f32[8]
  target t: f32[8]
  output x
  loss mse(x, t, axis: 1)
}`;
    expectDiagnostic(single(src), src, { code: "NN2004", message: "mse has no option 'axis'", text: "axis", line: 5, column: 18, endColumn: 22 });
  });
});

describe("duplicate options (NN2005)", () => {
  it("an option given by position and by name", () => {
    const src = on("dense(3, units: 4)");
    expectDiagnostic(single(src), src, { code: "NN2005", message: "dense: option 'units' is given twice", text: "units", line: 3, column: 21, endColumn: 26 });
  });

  it("an option named twice is reported at the second", () => {
    const src = on("dense(3, bias: true, bias: false)");
    expectDiagnostic(single(src), src, { code: "NN2005", message: "dense: option 'bias' is given twice", text: "bias", line: 3, column: 33, endColumn: 37 });
  });
});

describe("missing options (NN2006)", () => {
  it("a bare layer that needs an option", () => {
    const src = on("dense");
    expectDiagnostic(single(src), src, { code: "NN2006", message: "dense needs option 'units'", text: "dense", line: 3, column: 12, endColumn: 17 });
  });

  it("is reported at the call", () => {
    const src = on("conv1d(3)");
    expectDiagnostic(single(src), src, { code: "NN2006", message: "conv1d needs option 'kernel'", text: "conv1d(3)", line: 3, column: 12, endColumn: 21 });
  });

  it("mean and max need their axis", () => {
    const src = on("mean");
    expectDiagnostic(single(src), src, { code: "NN2006", message: "mean needs option 'axis'", text: "mean", line: 3, column: 12, endColumn: 16 });
  });

  it("an option whose value failed is not also reported missing", () => {
    const src = on("dense(4 / 0)");
    expectDiagnostic(single(src), src, { code: "NN3012", message: "division by zero in a constant expression", text: "4 / 0", line: 3, column: 18, endColumn: 23 });
  });
});

describe("too many positional options (NN2007)", () => {
  it("names the options that go by name", () => {
    const src = on("dense(3, 4)");
    expectDiagnostic(single(src), src, { code: "NN2007", message: "dense takes at most 1 positional option, got 2", text: "4", line: 3, column: 21, endColumn: 22, hint: "pass bias: by name" });
  });

  it("conv takes filters and kernel by position", () => {
    const src = on("conv1d(3, 2, 1)");
    expectDiagnostic(single(src), src, {
      code: "NN2007",
      message: "conv1d takes at most 2 positional options, got 3",
      text: "1",
      line: 3,
      column: 25,
      endColumn: 26,
      hint: "pass stride:, padding:, dilation:, bias: by name",
    });
  });

  it("a layer without options", () => {
    const src = on("relu(3)");
    expectDiagnostic(single(src), src, { code: "NN2007", message: "relu takes no positional options, got 1", text: "3", line: 3, column: 17, endColumn: 18 });
  });

  it("no hint when every option is positional", () => {
    const src = on("dropout(0.1, 0.2)");
    expectDiagnostic(single(src), src, { code: "NN2007", message: "dropout takes at most 1 positional option, got 2", text: "0.2", line: 3, column: 25, endColumn: 28 });
  });
});

describe("input counts (NN2008)", () => {
  it("a layer call without its input", () => {
    const src = `model M {
  input x: f32[T, 4]
  y = dense(10)
  output x
}`;
    expectDiagnostic(single(src), src, {
      code: "NN2008",
      message: "dense takes 1 input, got 0",
      text: "dense(10)",
      line: 3,
      column: 7,
      endColumn: 16,
      hint: "pass the input first, as in `x -> dense(…)`",
    });
  });

  it("concat of one tensor", () => {
    const src = `model M {
  input x: f32[T, 4]
  y = concat(x)
  output x
}`;
    expectDiagnostic(single(src), src, { code: "NN2008", message: "concat takes 2 or more inputs, got 1", text: "concat(x)", line: 3, column: 7, endColumn: 16 });
  });

  it("attention of three tensors", () => {
    const src = `model M {
  input x: f32[T, 4]
  y = attention(x, x, x)
  output x
}`;
    expectDiagnostic(single(src), src, { code: "NN2008", message: "attention takes 1 to 2 inputs, got 3", text: "attention(x, x, x)", line: 3, column: 7, endColumn: 25 });
  });

  it("a piped input plus one inside the call", () => {
    const src = on("relu(x)");
    expectDiagnostic(single(src), src, { code: "NN2008", message: "relu takes 1 input, got 2", text: "relu(x)", line: 3, column: 12, endColumn: 19 });
  });

  it("`dense(x, 10)` means `x -> dense(10)`", () => {
    const m = model(`model M {
  input x: f32[T, 4]
  output y = dense(x, 10)
}`);
    expect(params(m)).toEqual({ "dense_1.kernel": [4, 10], "dense_1.bias": [10] });
  });

  it("a piped input joins the inputs written in the call", () => {
    const m = model(`model M {
  input x: f32[T, 4]
  input z: f32[T, 2]
  output y = x -> concat(z)
}`);
    expect(m.outputs[0]!.type.shape.map(String)).toEqual(["T", "6"]);
  });
});

describe("positional after named (NN2015)", () => {
  it("is reported at the positional argument", () => {
    const src = on("dense(units: 3, true)");
    expectDiagnostic(single(src), src, { code: "NN2015", message: "positional arguments must come before named ones", text: "true", line: 3, column: 28, endColumn: 32 });
  });

  it("applies to tensors too", () => {
    const src = `model M {
  input x: f32[T, 4]
  y = concat(x, axis: 0, x)
  output x
}`;
    expectDiagnostic(single(src), src, { code: "NN2015", message: "positional arguments must come before named ones", text: "x", line: 3, column: 26, endColumn: 27 });
  });
});

describe("option values (NN2009, NN3008, NN3009, NN3017)", () => {
  const cases: [string, string, string, string, number][] = [
    // stage, code, message, offending text, its column
    ["dense(true)", "NN2009", "dense: option 'units' expects a positive integer, got the boolean true", "true", 18],
    ["dense(3.5)", "NN3008", "dense's units must be an integer, got 3.5", "3.5", 18],
    ["dense(0)", "NN3009", "dense's units must be positive, got 0", "0", 18],
    ["dense(-2)", "NN3009", "dense's units must be positive, got -2", "-2", 18],
    ["dropout(1)", "NN2009", "dropout: option 'rate' expects a number in [0, 1), got 1", "1", 20],
    ["dropout(-0.5)", "NN2009", "dropout: option 'rate' expects a number in [0, 1), got -0.5", "-0.5", 20],
    ["dropout(true)", "NN2009", "dropout: option 'rate' expects a number, got the boolean true", "true", 20],
    ["leaky_relu(alpha: -1)", "NN2009", "leaky_relu: option 'alpha' expects a number in [0, ∞], got -1", "-1", 30],
    ["conv1d(3, kernel: 3, padding: full)", "NN2009", "conv1d: option 'padding' expects valid, same, a non-negative integer or a tuple of them, got 'full'", "full", 42],
    ["conv1d(3, kernel: 3, padding: -1)", "NN2009", "conv1d: option 'padding' expects valid, same, a non-negative integer or a tuple of them, got the integer -1", "-1", 42],
    ["conv1d(3, kernel: 3, padding: true)", "NN2009", "conv1d: option 'padding' expects valid, same, a non-negative integer or a tuple of them, got the boolean true", "true", 42],
    ["conv1d(3, kernel: 3, stride: 0)", "NN3009", "conv1d's stride must be positive, got 0", "0", 41],
    ["conv1d(3, kernel: (2, 0))", "NN3009", "conv1d's kernel must be positive, got 0", "0", 34],
    ["conv1d(0, kernel: 3)", "NN3009", "conv1d's filters must be positive, got 0", "0", 19],
    ["rnn(3, activation: sigmoid)", "NN2009", "rnn: option 'activation' expects one of tanh, relu, got 'sigmoid'", "sigmoid", 31],
    ["rnn(3, sequences: 1)", "NN2009", "rnn: option 'sequences' expects true or false, got the integer 1", "1", 30],
    ["attention(causal: 1)", "NN2009", "attention: option 'causal' expects true or false, got the integer 1", "1", 30],
    ["attention(heads: 0)", "NN3009", "attention's heads must be positive, got 0", "0", 29],
    ["softmax(axis: 0.5)", "NN3008", "softmax's axis must be an integer, got 0.5", "0.5", 26],
    ["embedding(0, 4)", "NN3009", "embedding's vocab must be positive, got 0", "0", 22],
    ["reshape(0, 4)", "NN2009", "reshape: option 'shape' expects positive dims with at most one -1, got (0, 4)", "0, 4", 20],
    ["reshape(-1, -1)", "NN2009", "reshape: option 'shape' expects positive dims with at most one -1, got (-1, -1)", "-1, -1", 20],
    ["reshape(2, true)", "NN2009", "reshape: option 'shape' expects an integer or a tuple of integers, got the tuple (2, true)", "2, true", 20],
    ["layernorm(axis: 0)", "NN2009", "layernorm: option 'axis' expects the last axis (-1), got 0", "0", 28],
  ];
  for (const [stage, code, message, text, column] of cases) {
    it(`${stage}: ${code}`, () => {
      const input = stage.startsWith("embedding") ? "i32[T]" : "f32[T, 4]";
      const src = on(stage, input);
      expectDiagnostic(single(src), src, { code, message, text, line: 3, column, endColumn: column + [...text].length });
    });
  }

  it("an enum value close to a valid one is suggested", () => {
    const src = on("conv1d(3, kernel: 3, padding: sme)");
    expectDiagnostic(single(src), src, {
      code: "NN2009",
      message: "conv1d: option 'padding' expects valid, same, a non-negative integer or a tuple of them, got 'sme'",
      text: "sme",
      line: 3,
      column: 42,
      endColumn: 45,
      hint: "did you mean 'same'?",
    });
  });

  it("an identifier where a number is expected is an undefined name", () => {
    const src = on("dense(3, bias: true) -> dropout(rate)");
    expectDiagnostic(single(src), src, { code: "NN2001", message: "'rate' is not defined", text: "rate", line: 3, column: 44, endColumn: 48 });
  });

  it("a tuple of the wrong length (NN3017)", () => {
    const cases2: [string, string, string, string, number][] = [
      ["conv2d(3, kernel: (3, 3, 3))", "f32[8, 8, 3]", "conv2d: option 'kernel' needs 2 values (one per spatial axis), got 3", "(3, 3, 3)", 30],
      ["conv2d(3, kernel: 3, stride: (1, 2, 3))", "f32[8, 8, 3]", "conv2d: option 'stride' needs 2 values (one per spatial axis), got 3", "(1, 2, 3)", 41],
      ["conv1d(3, kernel: 3, padding: (1, 2))", "f32[T, 4]", "conv1d: option 'padding' needs 1 value (one per spatial axis), got 2", "(1, 2)", 42],
      ["conv3d(3, kernel: 3, dilation: (1, 2))", "f32[8, 8, 8, 3]", "conv3d: option 'dilation' needs 3 values (one per spatial axis), got 2", "(1, 2)", 43],
      ["maxpool2d((2, 2, 2))", "f32[8, 8, 3]", "maxpool2d: option 'size' needs 2 values (one per spatial axis), got 3", "(2, 2, 2)", 22],
    ];
    for (const [stage, input, message, text, column] of cases2) {
      const src = on(stage, input);
      expectDiagnostic(single(src), src, { code: "NN3017", message, text, line: 3, column, endColumn: column + text.length });
    }
  });
});

describe("option values from consts and defaults", () => {
  it("accepts const expressions, tuple consts and enum identifiers", () => {
    const m = model(`const F = 8
const K = 3
const PAD = (1, 2)
model M {
  input x: f32[16, 16, 3]
  output y = x -> conv2d(F * 2, kernel: (K, K + 2), padding: PAD) -> dense(F / 2)
}`);
    expect(m.nodes[0]!.options).toEqual({ filters: 16, kernel: [3, 5], stride: 1, padding: [1, 2], dilation: 1, bias: true });
    expect(m.nodes[1]!.options).toEqual({ units: 4, bias: true });
  });

  it("fills in the defaults of spec §5", () => {
    const m = model(`model M {
  input x: f32[T, 8]
  a = x -> conv1d(4, kernel: 3)
  b = x -> maxpool1d(2)
  c = x -> softmax
  d = x -> leaky_relu
  e = x -> rnn(3)
  f = x -> lstm(3)
  g = x -> attention
  h = x -> layernorm
  i = concat(x, x)
  output x
}`);
    const options = Object.fromEntries(m.nodes.map((n) => [n.name, n.options]));
    expect(options).toEqual({
      conv1d_1: { filters: 4, kernel: 3, stride: 1, padding: "valid", dilation: 1, bias: true },
      maxpool1d_1: { size: 2, padding: "valid" },
      softmax_1: { axis: -1 },
      leaky_relu_1: { alpha: 0.01 },
      rnn_1: { units: 3, sequences: false, reverse: false, bidirectional: false, activation: "tanh" },
      lstm_1: { units: 3, sequences: false, reverse: false, bidirectional: false },
      attention_1: { heads: 1, causal: false },
      layernorm_1: { axis: -1 },
      concat_1: { axis: -1 },
    });
  });

  it("`bias: false` leaves out the bias parameter", () => {
    const m = model(`model M {
  input x: f32[8, 8, 3]
  output y = x -> conv2d(4, kernel: 3, bias: false) -> flatten -> dense(2, bias: false)
}`);
    expect(params(m)).toEqual({ "conv2d_1.kernel": [3, 3, 3, 4], "dense_1.kernel": [144, 2] });
  });

  it("a const that is not an integer where an int is needed", () => {
    const src = `const N = 7
model M {
  input x: f32[T, 4]
  y = x -> dense(N / 2)
  output x
}`;
    expectDiagnostic(single(src), src, { code: "NN3008", message: "dense's units must be an integer, got 3.5", text: "N / 2", line: 4, column: 18, endColumn: 23 });
  });
});
