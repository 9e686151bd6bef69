// Convolution and pooling shapes (spec §5): output length per axis for
// valid, same and int/tuple padding, stride and dilation; parameter layouts;
// windows larger than their input (NN3005); rank errors.
import { describe, expect, it } from "vitest";
import { expectDiagnostic, model, params, single, through } from "./helpers.ts";

/** Spec §5: the output length of a window of k, stride s, dilation d along L. */
function expected(L: number, k: number, s: number, d: number, p: "valid" | "same" | number): number {
  if (p === "same") return Math.ceil(L / s);
  const pad = p === "valid" ? 0 : p;
  return Math.floor((L + 2 * pad - d * (k - 1) - 1) / s) + 1;
}

describe("conv1d on [T, C]", () => {
  it("valid padding shrinks by k - 1", () => {
    expect(through("f32[20, 8]", "conv1d(16, kernel: 5)")).toBe("f32[16, 16]");
    expect(through("f32[T, 8]", "conv1d(16, kernel: 5)")).toBe("f32[T - 4, 16]");
  });

  it("same padding with stride 2 gives ceil(T/2)", () => {
    expect(through("f32[T, 8]", "conv1d(16, kernel: 3, stride: 2, padding: same)")).toBe("f32[ceil(T/2), 16]");
    expect(through("f32[9, 8]", "conv1d(16, kernel: 3, stride: 2, padding: same)")).toBe("f32[5, 16]");
  });

  it("same padding with stride 1 keeps the length", () => {
    expect(through("f32[T, 8]", "conv1d(4, kernel: 7, padding: same)")).toBe("f32[T, 4]");
  });

  it("valid padding with a stride on a symbolic length", () => {
    expect(through("f32[T, 8]", "conv1d(4, kernel: 3, stride: 2)")).toBe("f32[floor((T - 3)/2) + 1, 4]");
  });

  it("int padding and dilation follow the formula", () => {
    expect(through("f32[T, 8]", "conv1d(4, kernel: 3, dilation: 2, padding: 1)")).toBe("f32[T - 2, 4]");
    expect(through("f32[T, 8]", "conv1d(16, kernel: 5, padding: 2)")).toBe("f32[T, 16]");
    expect(through("f32[10, 8]", "conv1d(4, kernel: 3, stride: 3, dilation: 2, padding: 1)")).toBe(`f32[${expected(10, 3, 3, 2, 1)}, 4]`);
  });

  it("parameters are kernel [k, C, filters] and bias [filters]", () => {
    const m = model(`model M {
  input x: f32[T, 8]
  output y = x -> conv1d(16, kernel: 5)
}`);
    expect(params(m)).toEqual({ "conv1d_1.kernel": [5, 8, 16], "conv1d_1.bias": [16] });
  });

  it("matches the formula over a grid of static sizes", () => {
    for (const L of [5, 8, 13])
      for (const k of [1, 2, 3])
        for (const s of [1, 2, 3])
          for (const d of [1, 2])
            for (const p of ["valid", "same", 0, 1, 2] as const) {
              if (p !== "same" && L + 2 * (p === "valid" ? 0 : p) < d * (k - 1) + 1) continue;
              const stage = `conv1d(2, kernel: ${k}, stride: ${s}, dilation: ${d}, padding: ${p})`;
              expect(through(`f32[${L}, 3]`, stage), stage).toBe(`f32[${expected(L, k, s, d, p)}, 2]`);
            }
  });
});

describe("conv2d on [H, W, C]", () => {
  it("LeNet's first layers", () => {
    expect(through("f32[28, 28, 1]", "conv2d(6, kernel: 5, padding: same)")).toBe("f32[28, 28, 6]");
    expect(through("f32[28, 28, 1]", "conv2d(6, kernel: 5)")).toBe("f32[24, 24, 6]");
  });

  it("takes a pair per option", () => {
    expect(through("f32[28, 28, 1]", "conv2d(6, kernel: (3, 5), stride: (1, 2))")).toBe("f32[26, 12, 6]");
    expect(through("f32[28, 28, 1]", "conv2d(6, kernel: 3, padding: (1, 2), dilation: (2, 1))")).toBe("f32[26, 30, 6]");
    expect(through("f32[28, 28, 1]", "conv2d(6, kernel: 3, stride: 2, padding: 1)")).toBe("f32[14, 14, 6]");
  });

  it("works on symbolic height and width", () => {
    expect(through("f32[H, W, 3]", "conv2d(4, kernel: 3, stride: 2, padding: same)")).toBe("f32[ceil(H/2), ceil(W/2), 4]");
    expect(through("f32[H, W, 3]", "conv2d(4, kernel: 3)")).toBe("f32[H - 2, W - 2, 4]");
    expect(through("f32[H, W, 3]", "conv2d(4, kernel: 3, stride: 2)")).toBe("f32[floor((H - 3)/2) + 1, floor((W - 3)/2) + 1, 4]");
  });

  it("parameters are kernel [kh, kw, C, filters] and bias", () => {
    const m = model(`model M {
  input x: f32[28, 28, 1]
  output y = x -> conv2d(6, kernel: 5) -> conv2d(16, kernel: (3, 5))
}`);
    expect(params(m)).toEqual({ "conv2d_1.kernel": [5, 5, 1, 6], "conv2d_1.bias": [6], "conv2d_2.kernel": [3, 5, 6, 16], "conv2d_2.bias": [16] });
  });
});

describe("conv3d on [D, H, W, C]", () => {
  it("shapes and parameters", () => {
    const m = model(`model M {
  input x: f32[16, 64, 64, 3]
  a = x -> conv3d(8, kernel: 3, stride: (1, 2, 2), padding: same)
  output y = x -> conv3d(8, kernel: (3, 5, 5))
}`);
    expect(m.nodes.map((n) => `${n.name} ${n.output.dtype}[${n.output.shape.join(", ")}]`)).toEqual(["conv3d_1 f32[16, 32, 32, 8]", "conv3d_2 f32[14, 60, 60, 8]"]);
    expect(params(m)).toEqual({
      "conv3d_1.kernel": [3, 3, 3, 3, 8],
      "conv3d_1.bias": [8],
      "conv3d_2.kernel": [3, 5, 5, 3, 8],
      "conv3d_2.bias": [8],
    });
  });
});

describe("pooling", () => {
  it("the stride defaults to the window size", () => {
    expect(through("f32[28, 28, 6]", "maxpool2d(2)")).toBe("f32[14, 14, 6]");
    expect(through("f32[28, 28, 6]", "avgpool2d((2, 4))")).toBe("f32[14, 7, 6]");
    expect(through("f32[16, 64, 64, 3]", "maxpool3d((1, 2, 2))")).toBe("f32[16, 32, 32, 3]");
    expect(through("f32[9, 4]", "maxpool1d(2)")).toBe("f32[4, 4]");
  });

  it("an explicit stride", () => {
    expect(through("f32[28, 28, 1]", "maxpool2d(3, stride: 2)")).toBe("f32[13, 13, 1]");
    expect(through("f32[16, 64, 64, 3]", "maxpool3d(2, stride: (2, 1, 1))")).toBe("f32[8, 63, 63, 3]");
  });

  it("same padding gives ceil(L / stride)", () => {
    expect(through("f32[28, 28, 1]", "maxpool2d(3, padding: same)")).toBe("f32[10, 10, 1]");
    expect(through("f32[T, 8]", "avgpool1d(3, stride: 1, padding: same)")).toBe("f32[T, 8]");
    expect(through("f32[T, 8]", "maxpool1d(2, padding: same)")).toBe("f32[ceil(T/2), 8]");
  });

  it("symbolic lengths keep the formula", () => {
    expect(through("f32[T, 8]", "maxpool1d(2)")).toBe("f32[floor((T - 2)/2) + 1, 8]");
  });

  it("keeps the channels and has no parameters", () => {
    const m = model(`model M {
  input x: f32[8, 8, 5]
  output y = x -> maxpool2d(2) -> avgpool2d(2)
}`);
    expect(params(m)).toEqual({});
    expect(m.outputs[0]!.type.shape.map(String)).toEqual(["2", "2", "5"]);
  });

  it("keeps the dtype of its input (i32 is rejected like other f32 layers)", () => {
    const src = `model M {
  input x: i32[8, 4]
  output y = x -> maxpool1d(2)
}`;
    expectDiagnostic(single(src), src, { code: "NN3003", message: "maxpool1d expects f32 values, got i32[8, 4]", text: "x", line: 3, column: 14, endColumn: 15 });
  });
});

describe("windows larger than the input (NN3005)", () => {
  it("a conv kernel bigger than its input", () => {
    const src = `model M {
  input x: f32[3, 8]
  output y = x -> conv1d(4, kernel: 5)
}`;
    expectDiagnostic(single(src), src, {
      code: "NN3005",
      message: "conv1d: the window (5) is larger than the input along axis 0 (3, after padding)",
      text: "5",
      line: 3,
      column: 37,
      endColumn: 38,
    });
  });

  it("a pooling window bigger than its input", () => {
    const src = `model M {
  input x: f32[28, 28, 1]
  output y = x -> maxpool2d(30)
}`;
    expectDiagnostic(single(src), src, {
      code: "NN3005",
      message: "maxpool2d: the window (30) is larger than the input along axis 0 (28, after padding)",
      text: "30",
      line: 3,
      column: 29,
      endColumn: 31,
    });
  });

  it("counts dilation", () => {
    const src = `model M {
  input x: f32[28, 28, 1]
  output y = x -> conv2d(3, kernel: 15, dilation: 2)
}`;
    expectDiagnostic(single(src), src, {
      code: "NN3005",
      message: "conv2d: the window (15 dilated by 2 = 29) is larger than the input along axis 0 (28, after padding)",
      text: "15",
      line: 3,
      column: 37,
      endColumn: 39,
    });
  });

  it("names the axis that is too small", () => {
    const src = `model M {
  input x: f32[28, 4, 1]
  output y = x -> conv2d(3, kernel: (3, 5))
}`;
    expectDiagnostic(single(src), src, {
      code: "NN3005",
      message: "conv2d: the window (5) is larger than the input along axis 1 (4, after padding)",
      text: "(3, 5)",
      line: 3,
      column: 37,
      endColumn: 43,
    });
  });

  it("padding can make room; same padding always fits", () => {
    expect(through("f32[28, 28, 1]", "conv2d(3, kernel: 30, padding: 1)")).toBe("f32[1, 1, 3]");
    expect(through("f32[3, 8]", "conv1d(4, kernel: 5, padding: same)")).toBe("f32[3, 4]");
  });

  it("a symbolic length is not rejected", () => {
    expect(through("f32[T, 8]", "conv1d(4, kernel: 50)")).toBe("f32[T - 49, 4]");
  });
});

describe("input ranks (NN3002)", () => {
  it("conv2d on a sequence", () => {
    const src = `model M {
  input x: f32[T, 8]
  output y = x -> conv2d(3, kernel: 3)
}`;
    expectDiagnostic(single(src), src, { code: "NN3002", message: "conv2d expects [H, W, C], got f32[T, 8]", text: "x", line: 3, column: 14, endColumn: 15 });
  });

  it("maxpool3d on a rank-3 input", () => {
    const src = `model M {
  input x: f32[4, 4, 4]
  output y = x -> maxpool3d(2)
}`;
    expectDiagnostic(single(src), src, { code: "NN3002", message: "maxpool3d expects [D, H, W, C], got f32[4, 4, 4]", text: "x", line: 3, column: 14, endColumn: 15 });
  });

  it("conv1d on an image points at the stage that produced it", () => {
    const src = `model M {
  input x: f32[8, 8, 3]
  output y = x -> relu -> conv1d(3, kernel: 3)
}`;
    expectDiagnostic(single(src), src, { code: "NN3002", message: "conv1d expects [T, C], got f32[8, 8, 3]", text: "relu", line: 3, column: 19, endColumn: 23 });
  });
});
