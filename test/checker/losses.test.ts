// Losses (spec §3, §6, §9 "Losses"): label and target shapes and dtypes,
// one loss per model, losses only in `loss` statements.
import { describe, expect, it } from "vitest";
import { typeToString } from "../../compiler/types.ts";
import { diagnostics, expectDiagnostic, model, single, summary } from "./helpers.ts";

describe("cross_entropy", () => {
  it("takes i32 labels shaped like the logits minus the class axis", () => {
    const m = model(`model M {
  input x: f32[T, 8]
  target t: i32[T]
  output y = x -> dense(3)
  loss cross_entropy(y, t)
}`);
    expect(m.loss?.def.name).toBe("cross_entropy");
    expect(typeToString(m.loss!.output)).toBe("f32[]");
    expect(m.loss!.inputs).toEqual([{ kind: "node", id: 0 }, { kind: "input", name: "t" }]);
    expect(m.inputs.map((i) => [i.name, i.role])).toEqual([["x", "input"], ["t", "target"]]);
  });

  it("a scalar label per example for [classes] logits", () => {
    const m = model(`model M {
  input x: f32[8]
  target t: i32
  output y = x -> dense(4)
  loss cross_entropy(y, t)
}`);
    expect(m.loss).toBeDefined();
  });

  it("a model without a loss has none", () => {
    expect(model(`model M {
  input x: f32[8]
  output y = x -> dense(4)
}`).loss).toBeUndefined();
  });

  it("a label with the class axis kept does not fit (NN3010)", () => {
    const src = `model M {
  input x: f32[T, 8]
  target t: i32[T, 3]
  output y = x -> dense(3)
  loss cross_entropy(y, t)
}`;
    expectDiagnostic(single(src), src, {
      code: "NN3010",
      message: "cross_entropy expects labels of shape i32[T] (the logits [T, 3] minus the class axis), got i32[T, 3]",
      text: "t",
      line: 5,
      column: 25,
      endColumn: 26,
    });
  });

  it("a label of another length does not fit (NN3010)", () => {
    const src = `model M {
  input x: f32[8]
  target t: i32[3]
  output y = x -> dense(3)
  loss cross_entropy(y, t)
}`;
    expect(summary(diagnostics(src))).toEqual(["NN3010 5:25 cross_entropy expects labels of shape i32[] (the logits [3] minus the class axis), got i32[3]"]);
  });

  it("f32 labels (NN3003)", () => {
    const src = `model M {
  input x: f32[T, 8]
  target t: f32[T]
  output y = x -> dense(3)
  loss cross_entropy(y, t)
}`;
    expectDiagnostic(single(src), src, { code: "NN3003", message: "cross_entropy expects i32 values, got f32[T]", text: "t", line: 5, column: 25, endColumn: 26 });
  });

  it("i32 logits (NN3003)", () => {
    const src = `model M {
  input x: i32[T]
  target t: i32[T]
  output x
  loss cross_entropy(x, t)
}`;
    expectDiagnostic(single(src), src, { code: "NN3003", message: "cross_entropy expects f32 values, got i32[T]", text: "x", line: 5, column: 22, endColumn: 23 });
  });

  it("scalar logits (NN3002)", () => {
    const src = `model M {
  input x: f32
  target t: i32
  output x
  loss cross_entropy(x, t)
}`;
    expectDiagnostic(single(src), src, { code: "NN3002", message: "cross_entropy expects logits [..., classes], got f32[]", text: "x", line: 5, column: 22, endColumn: 23 });
  });

  it("a misspelt label is an undefined name", () => {
    const src = `model M {
  input x: f32[T, 8]
  target label: i32[T]
  output y = x -> dense(3)
  loss cross_entropy(y, lable)
}`;
    expectDiagnostic(single(src), src, { code: "NN2001", message: "'lable' is not defined", text: "lable", line: 5, column: 25, endColumn: 30, hint: "did you mean 'label'?" });
  });
});

describe("binary_cross_entropy and mse", () => {
  it("take f32 targets of the prediction's exact shape", () => {
    for (const loss of ["binary_cross_entropy", "mse"]) {
      const m = model(`model M {
  input x: f32[T, 8]
  target t: f32[T, 1]
  output y = x -> dense(1)
  loss ${loss}(y, t)
}`);
      expect(m.loss?.def.name).toBe(loss);
      expect(typeToString(m.loss!.output)).toBe("f32[]");
    }
  });

  it("a target of another shape (NN3010)", () => {
    const src = `model M {
  input x: f32[T, 8]
  target t: f32[T, 4]
  output y = x -> dense(3)
  loss mse(y, t)
}`;
    expectDiagnostic(single(src), src, {
      code: "NN3010",
      message: "mse expects labels of shape f32[T, 3] (the prediction's shape), got f32[T, 4]",
      text: "t",
      line: 5,
      column: 15,
      endColumn: 16,
    });
  });

  it("no broadcasting of targets (NN3010)", () => {
    const src = `model M {
  input x: f32[8]
  target t: f32
  output y = x -> dense(1)
  loss binary_cross_entropy(y, t)
}`;
    expect(summary(diagnostics(src))).toEqual(["NN3010 5:32 binary_cross_entropy expects labels of shape f32[1] (the prediction's shape), got f32[]"]);
  });

  it("i32 targets (NN3003)", () => {
    const src = `model M {
  input x: f32[T, 8]
  target t: i32[T, 3]
  output y = x -> dense(3)
  loss binary_cross_entropy(y, t)
}`;
    expectDiagnostic(single(src), src, { code: "NN3003", message: "binary_cross_entropy expects f32 values, got i32[T, 3]", text: "t", line: 5, column: 32, endColumn: 33 });
  });
});

describe("loss statements (NN2016, NN2017, NN2018, NN2008)", () => {
  it("at most one loss per model, the first as related span", () => {
    const src = `model M {
  input x: f32[T, 4]
  target t: i32[T]
  output a = x -> dense(3)
  loss cross_entropy(a, t)
  loss mse(a, a)
}`;
    expectDiagnostic(single(src), src, {
      code: "NN2016",
      message: "a model has at most one loss",
      text: "loss mse(a, a)",
      line: 6,
      column: 3,
      endColumn: 17,
      related: [{ message: "the first loss is here", text: "loss cross_entropy(a, t)", line: 5, column: 3, endColumn: 27 }],
    });
  });

  it("a layer call is not a loss", () => {
    const src = `model M {
  input x: f32[T, 4]
  output a = x -> dense(3)
  loss dense(a, 3)
}`;
    expectDiagnostic(single(src), src, {
      code: "NN2017",
      message: "'dense' is not a loss; losses are cross_entropy, binary_cross_entropy and mse",
      text: "dense",
      line: 4,
      column: 8,
      endColumn: 13,
    });
  });

  it("a tensor is not a loss", () => {
    const src = `model M {
  input x: f32[T, 4]
  output a = x -> dense(3)
  loss a
}`;
    expectDiagnostic(single(src), src, {
      code: "NN2017",
      message: "'a' is not a loss; losses are cross_entropy, binary_cross_entropy and mse",
      text: "a",
      line: 4,
      column: 8,
      endColumn: 9,
    });
  });

  it("a bare loss name lacks its inputs", () => {
    const src = `model M {
  input x: f32[T, 4]
  output a = x -> dense(3)
  loss cross_entropy
}`;
    expectDiagnostic(single(src), src, {
      code: "NN2008",
      message: "cross_entropy takes 2 inputs, got 0",
      text: "cross_entropy",
      line: 4,
      column: 8,
      endColumn: 21,
      hint: "write `loss cross_entropy(prediction, target)`",
    });
  });

  it("a loss with one input", () => {
    const src = `model M {
  input x: f32[8]
  target t: i32
  output a = x -> dense(4)
  loss cross_entropy(a)
}`;
    expectDiagnostic(single(src), src, { code: "NN2008", message: "cross_entropy takes 2 inputs, got 1", text: "cross_entropy(a)", line: 5, column: 8, endColumn: 24 });
  });

  it("a pipeline into a loss feeds its first input", () => {
    const m = model(`model M {
  input x: f32[T, 8]
  target t: i32[T]
  output y = x -> dense(3)
  loss y -> cross_entropy(t)
}`);
    expect(m.loss?.def.name).toBe("cross_entropy");
    expect(m.loss!.inputs).toEqual([{ kind: "node", id: 0 }, { kind: "input", name: "t" }]);
  });

  it("a loss used outside a loss statement (NN2018)", () => {
    const src = `model M {
  input x: f32[T, 4]
  target y: i32[T]
  a = x -> dense(3)
  b = cross_entropy(a, y)
  c = a -> mse(a)
  output a
}`;
    const ds = diagnostics(src);
    expect(summary(ds)).toEqual([
      "NN2018 5:7 the loss 'cross_entropy' may only be used in a 'loss' statement",
      "NN2018 6:12 the loss 'mse' may only be used in a 'loss' statement",
    ]);
    expectDiagnostic(ds[0]!, src, { code: "NN2018", message: "the loss 'cross_entropy' may only be used in a 'loss' statement", text: "cross_entropy", line: 5, column: 7, endColumn: 20 });
  });

  it("an unknown loss", () => {
    const src = `model M {
  input x: f32[T, 8]
  target t: i32[T]
  output y = x -> dense(3)
  loss cross_entrpy(y, t)
}`;
    expectDiagnostic(single(src), src, { code: "NN2003", message: "unknown layer or block 'cross_entrpy'", text: "cross_entrpy", line: 5, column: 8, endColumn: 20, hint: "did you mean 'cross_entropy'?" });
  });
});
