// Shape inference and parameter layouts for the layers of spec §5 other
// than convolution and pooling (see conv.test.ts), and their diagnostics.
import { describe, expect, it } from "vitest";
import { diagnostics, expectDiagnostic, model, outputs, params, single, summary, through, types } from "./helpers.ts";

describe("dense", () => {
  it("maps the last axis: [T, n] → [T, units]", () => {
    expect(through("f32[T, 8]", "dense(3)")).toBe("f32[T, 3]");
    expect(through("f32[8]", "dense(3)")).toBe("f32[3]");
    expect(through("f32[28, 28, 1]", "dense(4)")).toBe("f32[28, 28, 4]");
  });

  it("parameters are kernel [n, units] and bias [units]", () => {
    const m = model(`model M {
  input x: f32[T, 8]
  output y = x -> dense(3)
}`);
    expect(params(m)).toEqual({ "dense_1.kernel": [8, 3], "dense_1.bias": [3] });
  });

  it("rejects i32 input with a hint towards embedding (NN3003)", () => {
    const src = `model M {
  input x: i32[T]
  output y = x -> dense(3)
}`;
    expectDiagnostic(single(src), src, {
      code: "NN3003",
      message: "dense expects f32 values, got i32[T]",
      text: "x",
      line: 3,
      column: 14,
      endColumn: 15,
      hint: "integer indices become vectors with `embedding(vocab, dim)`",
    });
  });

  it("rejects a scalar per example (NN3002)", () => {
    const src = `model M {
  input x: f32
  output y = x -> dense(3)
}`;
    expectDiagnostic(single(src), src, { code: "NN3002", message: "dense expects [..., n], got f32[]", text: "x", line: 3, column: 14, endColumn: 15 });
  });

  it("needs a static last axis (NN3004), pointing at where the symbol was declared", () => {
    const src = `model M {
  input x: f32[T, d]
  output y = x -> dense(3)
}`;
    expectDiagnostic(single(src), src, {
      code: "NN3004",
      message: "dense needs a static last axis, got the symbolic size d",
      text: "x",
      line: 3,
      column: 14,
      endColumn: 15,
      related: [{ message: "symbol d is declared here", text: "d", line: 2, column: 19, endColumn: 20 }],
    });
  });
});

describe("flatten and reshape", () => {
  it("flatten multiplies the dims", () => {
    expect(through("f32[28, 28, 1]", "flatten")).toBe("f32[784]");
    expect(through("f32[T, 8]", "flatten")).toBe("f32[T·8]");
    expect(through("f32", "flatten")).toBe("f32[1]");
    expect(through("i32[4, 5]", "flatten")).toBe("i32[20]");
  });

  it("reshape to given dims, with at most one -1 inferred", () => {
    expect(through("f32[28, 28, 1]", "reshape(14, 56)")).toBe("f32[14, 56]");
    expect(through("f32[28, 28, 1]", "reshape(-1, 4)")).toBe("f32[196, 4]");
    expect(through("f32[T, 8]", "reshape(-1, 4)")).toBe("f32[T·2, 4]");
    expect(through("f32[T, 8]", "reshape(-1)")).toBe("f32[T·8]");
    expect(through("f32[28, 28, 1]", "reshape((7, 112))")).toBe("f32[7, 112]");
    expect(through("i32[6]", "reshape(2, 3)")).toBe("i32[2, 3]");
  });

  it("reshape to a different size (NN3011)", () => {
    const src = `model M {
  input x: f32[28, 28, 1]
  output y = x -> reshape(5, 5)
}`;
    expectDiagnostic(single(src), src, { code: "NN3011", message: "reshape cannot turn [28, 28, 1] into [5, 5]: the sizes differ", text: "reshape(5, 5)", line: 3, column: 19, endColumn: 32 });
  });

  it("reshape with -1 that does not divide (NN3011)", () => {
    const src = `model M {
  input x: f32[T, 8]
  output y = x -> reshape(-1, 3)
}`;
    expectDiagnostic(single(src), src, { code: "NN3011", message: "reshape cannot turn [T, 8] into (-1, 3): the sizes differ", text: "reshape(-1, 3)", line: 3, column: 19, endColumn: 33 });
  });

  it("reshape of a symbolic size to static dims (NN3011)", () => {
    const src = `model M {
  input x: f32[T, 8]
  output y = x -> reshape(8, 4)
}`;
    expect(summary(diagnostics(src))).toEqual(["NN3011 3:19 reshape cannot turn [T, 8] into [8, 4]: the sizes differ"]);
  });
});

describe("activations, softmax, dropout", () => {
  it("keep the shape", () => {
    const m = model(`model M {
  input x: f32[T, 8]
  output y = x -> relu -> tanh -> sigmoid -> gelu -> softmax -> leaky_relu(alpha: 0.2) -> dropout(0.5)
}`);
    expect(Object.values(types(m))).toEqual(Array(7).fill("f32[T, 8]"));
    expect(params(m)).toEqual({});
  });

  it("softmax takes an axis", () => {
    expect(through("f32[T, 8]", "softmax(axis: 0)")).toBe("f32[T, 8]");
    expect(through("f32[T, 8]", "softmax(0)")).toBe("f32[T, 8]");
  });

  it("softmax with an axis out of range (NN3007)", () => {
    const src = `model M {
  input x: f32[3]
  output y = x -> softmax(axis: -2)
}`;
    expectDiagnostic(single(src), src, { code: "NN3007", message: "softmax: axis -2 is out of range for a rank-1 input", text: "-2", line: 3, column: 33, endColumn: 35 });
  });

  it("activations reject i32 (NN3003)", () => {
    const src = `model M {
  input x: i32[T]
  output y = x -> relu
}`;
    expectDiagnostic(single(src), src, { code: "NN3003", message: "relu expects f32 values, got i32[T]", text: "x", line: 3, column: 14, endColumn: 15 });
  });
});

describe("embedding", () => {
  it("appends dim: i32[…] → […, dim], table [vocab, dim]", () => {
    expect(through("i32[T]", "embedding(100, 16)")).toBe("f32[T, 16]");
    expect(through("i32[4, 5]", "embedding(10, 3)")).toBe("f32[4, 5, 3]");
    expect(through("i32", "embedding(10, 3)")).toBe("f32[3]");
    const m = model(`model M {
  input x: i32[T]
  output y = x -> embedding(100, 16)
}`);
    expect(params(m)).toEqual({ "embedding_1.table": [100, 16] });
  });

  it("rejects f32 input (NN3003)", () => {
    const src = `model M {
  input x: f32[T, 4]
  output y = x -> embedding(3, 4)
}`;
    expectDiagnostic(single(src), src, { code: "NN3003", message: "embedding expects i32 values, got f32[T, 4]", text: "x", line: 3, column: 14, endColumn: 15 });
  });

  it("rejects f32 from an earlier stage, pointing at that stage", () => {
    const src = `model M {
  input x: i32[T]
  output y = x -> embedding(10, 4) -> embedding(10, 4)
}`;
    expectDiagnostic(single(src), src, { code: "NN3003", message: "embedding expects i32 values, got f32[T, 4]", text: "embedding(10, 4)", line: 3, column: 19, endColumn: 35 });
  });
});

describe("layernorm", () => {
  it("keeps the shape; gamma and beta [n]", () => {
    const m = model(`model M {
  input x: f32[T, 8]
  output y = x -> layernorm
}`);
    expect(outputs(m)).toEqual({ y: "f32[T, 8]" });
    expect(params(m)).toEqual({ "layernorm_1.gamma": [8], "layernorm_1.beta": [8] });
  });

  it("accepts axis: -1 and its positive spelling", () => {
    expect(through("f32[T, 8]", "layernorm(axis: -1)")).toBe("f32[T, 8]");
    expect(through("f32[T, 8]", "layernorm(axis: 1)")).toBe("f32[T, 8]");
  });

  it("needs a static last axis (NN3004)", () => {
    const src = `model M {
  input x: f32[T, C]
  output y = x -> layernorm
}`;
    expectDiagnostic(single(src), src, {
      code: "NN3004",
      message: "layernorm needs a static last axis, got the symbolic size C",
      text: "x",
      line: 3,
      column: 14,
      endColumn: 15,
      related: [{ message: "symbol C is declared here", text: "C", line: 2, column: 19, endColumn: 20 }],
    });
  });

  it("rejects a scalar (NN3002)", () => {
    const src = `model M {
  input x: f32
  output y = x -> layernorm
}`;
    expectDiagnostic(single(src), src, { code: "NN3002", message: "layernorm expects [..., n], got f32[]", text: "x", line: 3, column: 14, endColumn: 15 });
  });
});

describe("mean, max, last", () => {
  it("mean and max drop the axis, given by name or position", () => {
    expect(through("f32[T, 8]", "mean(axis: 0)")).toBe("f32[8]");
    expect(through("f32[T, 8]", "mean(axis: -1)")).toBe("f32[T]");
    expect(through("f32[28, 28, 1]", "max(1)")).toBe("f32[28, 1]");
    expect(through("f32[T, 8]", "max(axis: 0)")).toBe("f32[8]");
  });

  it("last takes the final step of [T, n]", () => {
    expect(through("f32[T, 8]", "last")).toBe("f32[8]");
  });

  it("an axis out of range (NN3007)", () => {
    const src = `model M {
  input x: f32[T, 8]
  output y = x -> mean(axis: -3)
}`;
    expectDiagnostic(single(src), src, { code: "NN3007", message: "mean: axis -3 is out of range for a rank-2 input", text: "-3", line: 3, column: 30, endColumn: 32 });
  });

  it("mean of a scalar (NN3002)", () => {
    const src = `model M {
  input x: f32
  output y = x -> mean(axis: 0)
}`;
    expectDiagnostic(single(src), src, { code: "NN3002", message: "mean expects a tensor of rank ≥ 1, got f32[]", text: "x", line: 3, column: 14, endColumn: 15 });
  });

  it("last of an image (NN3002)", () => {
    const src = `model M {
  input x: f32[28, 28, 1]
  output y = x -> last
}`;
    expectDiagnostic(single(src), src, { code: "NN3002", message: "last expects [T, n], got f32[28, 28, 1]", text: "x", line: 3, column: 14, endColumn: 15 });
  });
});

describe("rnn, lstm, gru", () => {
  it("return the last state, or every step with `sequences: true`", () => {
    expect(through("f32[T, 8]", "rnn(5)")).toBe("f32[5]");
    expect(through("f32[T, 8]", "rnn(5, sequences: true)")).toBe("f32[T, 5]");
    expect(through("f32[T, 8]", "lstm(5)")).toBe("f32[5]");
    expect(through("f32[T, 8]", "lstm(5, sequences: true)")).toBe("f32[T, 5]");
    expect(through("f32[T, 8]", "gru(5)")).toBe("f32[5]");
    expect(through("f32[12, 8]", "gru(5, sequences: true)")).toBe("f32[12, 5]");
    expect(through("f32[T, 8]", "rnn(5, sequences: true, activation: relu)")).toBe("f32[T, 5]");
  });

  it("parameters: kernel [n, g·u], recurrent [u, g·u], bias [g·u] with 1, 4 and 3 gates", () => {
    const m = model(`model M {
  input x: f32[T, 8]
  a = x -> rnn(5)
  b = x -> lstm(5)
  c = x -> gru(5)
  output y = concat(a, b, c)
}`);
    expect(params(m)).toEqual({
      "rnn_1.kernel": [8, 5],
      "rnn_1.recurrent": [5, 5],
      "rnn_1.bias": [5],
      "lstm_1.kernel": [8, 20],
      "lstm_1.recurrent": [5, 20],
      "lstm_1.bias": [20],
      "gru_1.kernel": [8, 15],
      "gru_1.recurrent": [5, 15],
      "gru_1.bias": [15],
    });
    expect(outputs(m)).toEqual({ y: "f32[15]" });
  });

  it("need [T, n] (NN3002)", () => {
    const src = `model M {
  input x: f32[28, 28, 1]
  output y = x -> lstm(3)
}`;
    expectDiagnostic(single(src), src, { code: "NN3002", message: "lstm expects [T, n], got f32[28, 28, 1]", text: "x", line: 3, column: 14, endColumn: 15 });
  });

  it("need a static feature axis (NN3004)", () => {
    const src = `model M {
  input x: f32[T, C]
  output y = x -> gru(3)
}`;
    expectDiagnostic(single(src), src, {
      code: "NN3004",
      message: "gru needs a static feature axis, got the symbolic size C",
      text: "x",
      line: 3,
      column: 14,
      endColumn: 15,
      related: [{ message: "symbol C is declared here", text: "C", line: 2, column: 19, endColumn: 20 }],
    });
  });
});

describe("recurrent initial state (initial:)", () => {
  it("takes [units] per example from another value", () => {
    const src = `model M {
  input x: f32[T, 8]
  input z: f32[4]
  h0 = z -> dense(5)
  output y = x -> gru(5, sequences: true, initial: h0)
}`;
    expect(diagnostics(src)).toEqual([]);
  });

  it("a state of the wrong width is NN3002 at the option", () => {
    const src = `model M {
  input x: f32[T, 8]
  input z: f32[4]
  output y = x -> lstm(5, initial: z)
}`;
    expectDiagnostic(single(src), src, { code: "NN3002", message: "lstm expects an initial state [5] (its units), got f32[4]", text: "z", line: 4, column: 36, endColumn: 37 });
  });

  it("an i32 state is NN3002; a bidirectional layer takes none", () => {
    const ints = `model M {
  input x: f32[T, 8]
  input z: i32[5]
  output y = x -> rnn(5, initial: z)
}`;
    expectDiagnostic(single(ints), ints, { code: "NN3002", message: "rnn expects f32 values for 'initial', got i32[5]", text: "z", line: 4, column: 35, endColumn: 36 });
    const both = `model M {
  input x: f32[T, 8]
  input z: f32[5]
  output y = x -> rnn(5, bidirectional: true, initial: z)
}`;
    expect(single(both).message).toBe("rnn: option 'initial' expects a layer that runs one way, got bidirectional: true");
  });

  it("an unknown name is reported as one", () => {
    const src = `model M {
  input x: f32[T, 8]
  output y = x -> rnn(5, initial: h0)
}`;
    expect(single(src).code).toBe("NN2001");
  });
});

describe("attention", () => {
  it("self-attention keeps [T, d]; four projections of [d, d] and [d]", () => {
    const m = model(`model M {
  input x: f32[T, 8]
  output y = x -> attention(heads: 2, causal: true)
}`);
    expect(outputs(m)).toEqual({ y: "f32[T, 8]" });
    expect(params(m)).toEqual({
      "attention_1.query.kernel": [8, 8],
      "attention_1.query.bias": [8],
      "attention_1.key.kernel": [8, 8],
      "attention_1.key.bias": [8],
      "attention_1.value.kernel": [8, 8],
      "attention_1.value.bias": [8],
      "attention_1.output.kernel": [8, 8],
      "attention_1.output.bias": [8],
    });
  });

  it("cross-attention `attention(q, kv)` gives the query's length", () => {
    const m = model(`model M {
  input q: f32[T, 8]
  input kv: f32[S, 8]
  output y = attention(q, kv, heads: 4) as cross
}`);
    expect(outputs(m)).toEqual({ y: "f32[T, 8]" });
    expect(Object.keys(params(m))).toEqual([
      "cross.query.kernel", "cross.query.bias", "cross.key.kernel", "cross.key.bias",
      "cross.value.kernel", "cross.value.bias", "cross.output.kernel", "cross.output.bias",
    ]);
  });

  it("heads must divide d (NN3006)", () => {
    const src = `model M {
  input x: f32[T, 6]
  output y = x -> attention(heads: 4)
}`;
    expectDiagnostic(single(src), src, { code: "NN3006", message: "attention: heads (4) must divide the width d = 6", text: "4", line: 3, column: 36, endColumn: 37 });
  });

  it("cross-attention with a different width (NN3002)", () => {
    const src = `model M {
  input q: f32[T, 8]
  input kv: f32[S, 6]
  output y = attention(q, kv)
}`;
    expectDiagnostic(single(src), src, {
      code: "NN3002",
      message: "attention expects keys and values of width d = 8 like the query, got f32[S, 6]",
      text: "kv",
      line: 4,
      column: 27,
      endColumn: 29,
    });
  });

  it("causal cross-attention (NN3018)", () => {
    const src = `model M {
  input q: f32[T, 8]
  input kv: f32[S, 8]
  output y = attention(q, kv, causal: true)
}`;
    expectDiagnostic(single(src), src, {
      code: "NN3018",
      message: "attention: causal masking applies to self-attention only, not to cross-attention",
      text: "true",
      line: 4,
      column: 39,
      endColumn: 43,
    });
  });

  it("needs [T, d] (NN3002) with a static d (NN3004)", () => {
    const src = `model M {
  input img: f32[28, 28, 1]
  input x: f32[T, C]
  a = img -> attention
  b = x -> attention
  output img
}`;
    expect(summary(diagnostics(src))).toEqual([
      "NN3002 4:7 attention expects [T, d], got f32[28, 28, 1]",
      "NN3004 5:7 attention needs a static width d, got the symbolic size C",
    ]);
  });
});

describe("concat", () => {
  it("joins along the last axis by default, or along any axis", () => {
    const m = model(`model M {
  input a: f32[T, 8]
  input b: f32[T, 4]
  input c: f32[S, 8]
  x = concat(a, b)
  y = concat(a, a, a, axis: 0)
  z = concat(a, c, axis: 0)
  w = concat(a, b, axis: 1)
  output x
}`);
    expect(types(m)).toEqual({ concat_1: "f32[T, 12]", concat_2: "f32[T·3, 8]", concat_3: "f32[S + T, 8]", concat_4: "f32[T, 12]" });
  });

  it("joins i32 tensors into i32", () => {
    expect(through("i32[T]", "concat(x, axis: 0)")).toBe("i32[T·2]");
  });

  it("other dims must agree (NN3001), naming where the symbols come from", () => {
    const src = `model M {
  input a: f32[T, 8]
  input b: f32[S, 8]
  output y = concat(a, b)
}`;
    expectDiagnostic(single(src), src, {
      code: "NN3001",
      message: "concat along axis 1: f32[T, 8] and f32[S, 8] do not match",
      text: "b",
      line: 4,
      column: 24,
      endColumn: 25,
      related: [
        { message: "symbol T is declared here", text: "T", line: 2, column: 16, endColumn: 17 },
        { message: "symbol S is declared here", text: "S", line: 3, column: 16, endColumn: 17 },
      ],
    });
  });

  it("ranks and dtypes must agree (NN3001)", () => {
    const src = `model M {
  input a: f32[4]
  input b: f32[2, 2]
  input c: i32[4]
  x = concat(a, b)
  y = concat(a, c)
  output a
}`;
    expect(summary(diagnostics(src))).toEqual([
      "NN3001 5:17 concat along axis 0: f32[4] and f32[2, 2] do not match",
      "NN3001 6:17 concat along axis 0: f32[4] and i32[4] do not match",
    ]);
  });

  it("an axis out of range (NN3007)", () => {
    const src = `model M {
  input a: f32[4, 8]
  output y = concat(a, a, axis: 5)
}`;
    expectDiagnostic(single(src), src, { code: "NN3007", message: "concat: axis 5 is out of range for a rank-2 input", text: "5", line: 3, column: 33, endColumn: 34 });
  });
});

describe("element-wise arithmetic", () => {
  it("broadcasts NumPy-style: trailing dims aligned, size-1 or missing dims stretch", () => {
    const m = model(`model M {
  input x: f32[T, 8]
  input w: f32[8]
  input v: f32[1, 8]
  input col: f32[T, 1]
  a = x + w
  b = x * v
  c = col - x
  d = v + col
  e = x + x
  output a
}`);
    expect(types(m)).toEqual({ add_1: "f32[T, 8]", mul_1: "f32[T, 8]", sub_1: "f32[T, 8]", add_2: "f32[T, 8]", add_3: "f32[T, 8]" });
  });

  it("unary minus keeps the shape; precedence is `->` < `+ -` < `*` < unary `-`", () => {
    const m = model(`model M {
  input x: f32[T, 8]
  output y = -x * x + x -> relu
}`);
    expect(m.nodes.map((n) => n.def.name)).toEqual(["neg", "mul", "add", "relu"]);
    expect(outputs(m)).toEqual({ y: "f32[T, 8]" });
  });

  it("a residual written `x + (x -> layer)`", () => {
    const m = model(`model M {
  input x: f32[T, 8]
  output y = x + (x -> attention(heads: 2)) -> layernorm
}`);
    expect(m.nodes.map((n) => n.name)).toEqual(["attention_1", "add_1", "layernorm_1"]);
  });

  it("i32 + i32 stays i32", () => {
    expect(outputs(model(`model M {
  input a: i32[T]
  output y = a + a
}`))).toEqual({ y: "i32[T]" });
  });

  it("shapes that do not broadcast (NN3001), with both operands as related spans", () => {
    const src = `model M {
  input x: f32[4, 8]
  input v: f32[3]
  output y = x + v
}`;
    expectDiagnostic(single(src), src, {
      code: "NN3001",
      message: "'+' needs shapes that broadcast: f32[4, 8] and f32[3] do not match",
      text: "x + v",
      line: 4,
      column: 14,
      endColumn: 19,
      related: [
        { message: "the left side is f32[4, 8]", text: "x", line: 4, column: 14, endColumn: 15 },
        { message: "the right side is f32[3]", text: "v", line: 4, column: 18, endColumn: 19 },
      ],
    });
  });

  it("mixing f32 and i32 (NN3019)", () => {
    const src = `model M {
  input a: i32[4]
  input b: f32[4]
  output y = a + b
}`;
    expectDiagnostic(single(src), src, {
      code: "NN3019",
      message: "'+': dtypes i32 and f32 differ",
      text: "a + b",
      line: 4,
      column: 14,
      endColumn: 19,
      related: [
        { message: "the left side is i32[4]", text: "a", line: 4, column: 14, endColumn: 15 },
        { message: "the right side is f32[4]", text: "b", line: 4, column: 18, endColumn: 19 },
      ],
    });
  });

  it("a tensor and a number (NN3015)", () => {
    const src = `model M {
  input x: f32[T, 8]
  a = x * 2
  b = 2 - x
  output x
}`;
    const ds = diagnostics(src);
    expect(summary(ds)).toEqual([
      "NN3015 3:7 arithmetic between a tensor and a number is not supported; use a layer",
      "NN3015 4:7 arithmetic between a tensor and a number is not supported; use a layer",
    ]);
    expectDiagnostic(ds[0]!, src, { code: "NN3015", message: "arithmetic between a tensor and a number is not supported; use a layer", text: "x * 2", line: 3, column: 7, endColumn: 12 });
  });

  it("operands that cannot combine (NN3020)", () => {
    const src = `model M {
  input x: f32[T, 8]
  a = x / x
  b = true + 1
  c = x - true
  output x
}`;
    expect(summary(diagnostics(src))).toEqual([
      "NN3020 3:7 '/' cannot combine a tensor f32[T, 8] and a tensor f32[T, 8]",
      "NN3020 4:7 '+' cannot combine the boolean true and the integer 1",
      "NN3020 5:7 '-' cannot combine a tensor f32[T, 8] and the boolean true",
    ]);
  });

  it("numbers combine into constants usable as options", () => {
    const m = model(`model M {
  input x: f32[T, 8]
  n = 2 * 3 + 1
  output y = x -> dense(n)
}`);
    expect(outputs(m)).toEqual({ y: "f32[T, 7]" });
  });
});
