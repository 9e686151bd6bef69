// Symbolic dims (spec §3, §9 "Symbolic dims"): symbols flow through layers as
// expressions, never unify with another symbol or a literal, are rejected
// where a static size is needed; dimension expressions over consts; the Dim
// algebra itself.
import { describe, expect, it } from "vitest";
import { Dim, dimsToString, product } from "../../compiler/shapes/dim.ts";
import { diagnostics, expectDiagnostic, model, outputs, single, summary, through } from "./helpers.ts";

describe("symbols flow through layers", () => {
  it("conv1d with stride 2 and `same` gives [ceil(T/2), F]", () => {
    expect(through("f32[T, 8]", "conv1d(16, kernel: 3, stride: 2, padding: same)")).toBe("f32[ceil(T/2), 16]");
  });

  it("two paths that compute the same expression agree", () => {
    const m = model(`model M {
  input x: f32[T, 8]
  a = x -> conv1d(4, kernel: 3, stride: 2, padding: same)
  b = x -> conv1d(4, kernel: 5, stride: 2, padding: same)
  output z = a + b
}`);
    expect(outputs(m)).toEqual({ z: "f32[ceil(T/2), 4]" });
  });

  it("the same symbol in two inputs unifies", () => {
    const m = model(`model M {
  input x: f32[T, 4]
  input y: f32[T, 4]
  output z = x * y
}`);
    expect(outputs(m)).toEqual({ z: "f32[T, 4]" });
  });

  it("a size-1 dim stretches to a symbol", () => {
    expect(outputs(model(`model M {
  input x: f32[T, 4]
  input y: f32[1, 4]
  output z = x + y
}`))).toEqual({ z: "f32[T, 4]" });
  });

  it("records each symbol where it first appears", () => {
    const m = model(`model M {
  input words: i32[T]
  input chars: i32[T, C]
  output y = words -> embedding(10, 4)
}`);
    expect([...m.symbols.keys()]).toEqual(["T", "C"]);
    expect(m.symbols.get("T")).toMatchObject({ line: 2, column: 20, endColumn: 21 });
    expect(m.symbols.get("C")).toMatchObject({ line: 3, column: 23, endColumn: 24 });
  });

  it("dims may be expressions over symbols and consts", () => {
    const m = model(`const D = 4
model M {
  input x: f32[2 * T, D + 1]
  output y = x -> flatten
}`);
    expect(m.inputs[0]!.type.shape.map(String)).toEqual(["T·2", "5"]);
    expect(outputs(m)).toEqual({ y: "f32[T·10]" });
  });

  it("model-level consts serve as dims and options", () => {
    const m = model(`model M {
  const K = 3
  input a: f32[T, K * 2]
  output y = a -> dense(K)
}`);
    expect(outputs(m)).toEqual({ y: "f32[T, 3]" });
  });

  it("a const shadowing a would-be symbol is a static dim", () => {
    expect(outputs(model(`const T = 12
model M {
  input x: f32[T, 4]
  output y = x -> flatten
}`))).toEqual({ y: "f32[48]" });
  });
});

describe("symbols never unify with another symbol or a literal", () => {
  it("[T, 4] + [S, 4] names both operands and where T and S were declared", () => {
    const src = `model M {
  input x: f32[T, 4]
  input y: f32[S, 4]
  output z = x + y
}`;
    expectDiagnostic(single(src), src, {
      code: "NN3001",
      message: "'+' needs shapes that broadcast: f32[T, 4] and f32[S, 4] do not match",
      text: "x + y",
      line: 4,
      column: 14,
      endColumn: 19,
      related: [
        { message: "the left side is f32[T, 4]", text: "x", line: 4, column: 14, endColumn: 15 },
        { message: "the right side is f32[S, 4]", text: "y", line: 4, column: 18, endColumn: 19 },
        { message: "symbol T is declared here", text: "T", line: 2, column: 16, endColumn: 17 },
        { message: "symbol S is declared here", text: "S", line: 3, column: 16, endColumn: 17 },
      ],
    });
  });

  it("[T, 4] + [4, 4] is an error too", () => {
    const src = `model M {
  input x: f32[T, 4]
  input y: f32[4, 4]
  output z = x + y
}`;
    expectDiagnostic(single(src), src, {
      code: "NN3001",
      message: "'+' needs shapes that broadcast: f32[T, 4] and f32[4, 4] do not match",
      text: "x + y",
      line: 4,
      column: 14,
      endColumn: 19,
      related: [
        { message: "the left side is f32[T, 4]", text: "x", line: 4, column: 14, endColumn: 15 },
        { message: "the right side is f32[4, 4]", text: "y", line: 4, column: 18, endColumn: 19 },
        { message: "symbol T is declared here", text: "T", line: 2, column: 16, endColumn: 17 },
      ],
    });
  });

  it("ceil(T/2) does not unify with T", () => {
    const src = `model M {
  input x: f32[T, 4]
  a = x -> maxpool1d(2, padding: same)
  output z = a - x
}`;
    expect(summary(diagnostics(src))).toEqual(["NN3001 4:14 '-' needs shapes that broadcast: f32[ceil(T/2), 4] and f32[T, 4] do not match"]);
  });

  it("a loss label with another symbol does not fit", () => {
    const src = `model M {
  input x: f32[T, 8]
  target t: i32[S]
  output y = x -> dense(3)
  loss cross_entropy(y, t)
}`;
    expect(summary(diagnostics(src))).toEqual(["NN3010 5:25 cross_entropy expects labels of shape i32[T] (the logits [T, 3] minus the class axis), got i32[S]"]);
  });
});

describe("a symbolic dim where a static one is needed (NN3004)", () => {
  const cases: [string, string, string, string][] = [
    ["f32[T, C]", "conv1d(4, kernel: 3)", "conv1d needs a static channel axis, got the symbolic size C", "C"],
    ["f32[T, d]", "dense(3)", "dense needs a static last axis, got the symbolic size d", "d"],
    ["f32[T, d]", "attention", "attention needs a static width d, got the symbolic size d", "d"],
    ["f32[T, d]", "lstm(3)", "lstm needs a static feature axis, got the symbolic size d", "d"],
    ["f32[T, d]", "layernorm", "layernorm needs a static last axis, got the symbolic size d", "d"],
  ];
  for (const [type, stage, message, symbol] of cases) {
    it(stage, () => {
      const src = `model M {\n  input x: ${type}\n  output y = x -> ${stage}\n}`;
      const symbolColumn = 12 + type.indexOf(symbol);
      expectDiagnostic(single(src), src, {
        code: "NN3004",
        message,
        text: "x",
        line: 3,
        column: 14,
        endColumn: 15,
        related: [{ message: `symbol ${symbol} is declared here`, text: symbol, line: 2, column: symbolColumn, endColumn: symbolColumn + 1 }],
      });
    });
  }

  it("a symbol made by flatten is still symbolic", () => {
    const src = `model M {
  input x: f32[T, 4]
  output y = x -> flatten -> dense(2)
}`;
    expectDiagnostic(single(src), src, {
      code: "NN3004",
      message: "dense needs a static last axis, got the symbolic size T·4",
      text: "flatten",
      line: 3,
      column: 19,
      endColumn: 26,
      related: [{ message: "symbol T is declared here", text: "T", line: 2, column: 16, endColumn: 17 }],
    });
  });

  it("mean over the symbolic axis makes the rest static again", () => {
    expect(through("f32[T, 8]", "mean(axis: 0) -> dense(2)")).toBe("f32[2]");
  });
});

describe("dimension expressions (NN3008, NN3012, NN3016)", () => {
  it("a const that is not an integer, at its use", () => {
    const src = `const H = 7 / 2
model M {
  input a: f32[T, H]
  output a
}`;
    expectDiagnostic(single(src), src, { code: "NN3008", message: "'H' used as a dimension must be an integer, got 3.5", text: "H", line: 3, column: 19, endColumn: 20 });
  });

  it("a division that leaves a remainder", () => {
    const src = `const N = 7
model M {
  input a: f32[T, N / 2]
  output a
}`;
    expectDiagnostic(single(src), src, { code: "NN3008", message: "a dimension must be an integer, got 7 / 2", text: "N / 2", line: 3, column: 19, endColumn: 24 });
  });

  it("a symbol divided", () => {
    const src = `model M {
  input a: f32[T / 2, 4]
  output a
}`;
    expectDiagnostic(single(src), src, { code: "NN3008", message: "a dimension must be an integer, got T / 2", text: "T / 2", line: 2, column: 16, endColumn: 21 });
  });

  it("a fractional literal", () => {
    const src = `model M {
  input a: f32[T, 2.5]
  output a
}`;
    expectDiagnostic(single(src), src, { code: "NN3008", message: "a dimension must be an integer, got 2.5", text: "2.5", line: 2, column: 19, endColumn: 22 });
  });

  it("division by zero in a dim, a file-level const and a model-level expression", () => {
    const src = `const Z = 3 / 0
model M {
  input a: f32[T, 4 / 0]
  input b: f32[T, 4]
  output y = b -> dense(8 / (2 - 2))
}`;
    const ds = diagnostics(src);
    expect(summary(ds)).toEqual([
      "NN3012 1:11 division by zero in a constant expression",
      "NN3012 3:19 division by zero in a constant expression",
      "NN3012 5:25 division by zero in a constant expression",
    ]);
    expectDiagnostic(ds[0]!, src, { code: "NN3012", message: "division by zero in a constant expression", text: "3 / 0", line: 1, column: 11, endColumn: 16 });
    expectDiagnostic(ds[1]!, src, { code: "NN3012", message: "division by zero in a constant expression", text: "4 / 0", line: 3, column: 19, endColumn: 24 });
  });

  it("zero, negative and non-numeric dims (NN3016)", () => {
    const src = `const N = 7
const B = true
model M {
  input a: f32[T, 2 * N - 14]
  input b: f32[T, N - 8]
  input c: f32[T, B]
  input d: f32[T, 0]
  output d
}`;
    const ds = diagnostics(src);
    expect(summary(ds)).toEqual([
      "NN3016 4:19 a dimension must be a positive integer, got 0",
      "NN3016 5:19 a dimension must be a positive integer, got -1",
      "NN3016 6:19 a dimension must be a positive integer, got the boolean true",
      "NN3016 7:19 a dimension must be a positive integer, got 0",
    ]);
    expectDiagnostic(ds[0]!, src, { code: "NN3016", message: "a dimension must be a positive integer, got 0", text: "2 * N - 14", line: 4, column: 19, endColumn: 29 });
  });

  it("a dim that names a later binding (NN2012)", () => {
    const src = `model M {
  input x: f32[K, 4]
  K = x -> relu
  output K
}`;
    expect(summary(diagnostics(src))).toEqual(["NN2012 2:16 'K' is used before its definition"]);
  });
});

describe("file-level const expressions", () => {
  it("combine numbers and earlier consts", () => {
    const m = model(`const A = 3
const B = A * 2 + 1
const C = -A + 10
const D = B / 7
model M {
  input x: f32[A, B, C, D]
  output x
}`);
    expect(dimsToString(m.inputs[0]!.type.shape)).toBe("[3, 7, 7, 1]");
  });

  it("a later const is used before its definition (NN2012)", () => {
    const src = `const C = D + 1
const D = 2
model M {
  input x: f32[4]
  output x
}`;
    expectDiagnostic(single(src), src, { code: "NN2012", message: "'D' is used before its definition", text: "D", line: 1, column: 11, endColumn: 12 });
  });

  it("an unknown name in arithmetic is undefined (NN2001)", () => {
    const src = `const A = 3
const B = AA * 2
model M {
  input x: f32[4]
  output x
}`;
    expectDiagnostic(single(src), src, { code: "NN2001", message: "'AA' is not defined", text: "AA", line: 2, column: 11, endColumn: 13, hint: "did you mean 'A'?" });
  });

  it("operands that cannot combine (NN3020)", () => {
    const src = `const A = 3
const B = A + true
const C = (1, 2) * 2
model M {
  input x: f32[4]
  output x
}`;
    expect(summary(diagnostics(src))).toEqual([
      "NN3020 2:11 '+' cannot combine the integer 3 and the boolean true",
      "NN3020 3:11 '*' cannot combine the tuple (1, 2) and the integer 2",
    ]);
  });

  it("a const in error is reported once, not again at its uses", () => {
    const src = `const Z = 1 / 0
const Y = Z + 1
model M {
  input x: f32[T, Z]
  input w: f32[T, 4]
  output y = w -> dense(Y)
}`;
    expect(summary(diagnostics(src))).toEqual(["NN3012 1:11 division by zero in a constant expression"]);
  });

  it("a layer call is not a constant (NN2014)", () => {
    const src = `const F = dense(3)
model M {
  input x: f32[4]
  output x
}`;
    expectDiagnostic(single(src), src, { code: "NN2014", message: "a layer call is a tensor, not a compile-time constant", text: "dense(3)", line: 1, column: 11, endColumn: 19 });
  });
});

describe("the Dim algebra", () => {
  const T = Dim.symbol("T");
  const S = Dim.symbol("S");

  it("prints canonically: highest degree first, then alphabetical, constant last", () => {
    expect(T.mul(8).toString()).toBe("T·8");
    expect(T.add(S).toString()).toBe("S + T");
    expect(T.sub(4).toString()).toBe("T - 4");
    expect(T.mul(T).mul(64).add(T).toString()).toBe("T²·64 + T");
    expect(Dim.const(0).toString()).toBe("0");
    expect(T.scale(-1).toString()).toBe("-T");
    expect(dimsToString([T, Dim.const(3)])).toBe("[T, 3]");
  });

  it("equality is structural after simplification", () => {
    expect(T.add(S).equals(S.add(T))).toBe(true);
    expect(T.add(1).sub(1).equals(T)).toBe(true);
    expect(T.equals(S)).toBe(false);
    expect(T.equals(Dim.const(4))).toBe(false);
    expect(product([T, Dim.const(2), Dim.const(3)]).equals(T.mul(6))).toBe(true);
  });

  it("divides exactly where it can, else keeps a floor/ceil atom", () => {
    expect(T.mul(8).floorDiv(4).toString()).toBe("T·2");
    expect(T.mul(4).add(6).floorDiv(4).toString()).toBe("T + 1");
    expect(T.ceilDiv(2).toString()).toBe("ceil(T/2)");
    expect(T.sub(3).floorDiv(2).toString()).toBe("floor((T - 3)/2)");
    expect(Dim.const(7).floorDiv(2).value).toBe(3);
    expect(Dim.const(7).ceilDiv(2).value).toBe(4);
  });

  it("evaluates under an assignment and substitutes symbols", () => {
    const d = T.sub(3).floorDiv(2).add(1);
    expect(d.evaluate({ T: 10 })).toBe(4);
    expect(d.evaluate({})).toBeUndefined();
    expect(T.ceilDiv(2).evaluate({ T: 9 })).toBe(5);
    expect(d.substitute(new Map([["T", Dim.const(11)]])).value).toBe(5);
    expect(T.add(1).substitute(new Map([["T", S.mul(2)]])).toString()).toBe("S·2 + 1");
  });

  it("lists the symbols a dim depends on, through quotients", () => {
    expect([...T.add(S).ceilDiv(2).symbols()].sort()).toEqual(["S", "T"]);
    expect(Dim.const(3).symbols().size).toBe(0);
    expect(T.sub(T).value).toBe(0);
  });
});
