// Bugs the differential tests found, each minimised to the model that shows it.
import { describe, expect, it } from "vitest";
import { check } from "../../compiler/index.ts";
import { compileOne, inputsOnly, makeArrays, fillsOf, programs, sameOutputs, sameTraining } from "./support.ts";

/** Symbolic and specialised builds of a one-model file agree at these sizes (forward, and loss and gradients when it has a loss). */
function buildsAgree(source: string, sizes: { batch: number; [s: string]: number }): Record<string, Float32Array> {
  const [p] = programs(source);
  const name = p!.model.name;
  const A = compileOne(source, name);
  const B = compileOne(source, name, sizes);
  const all = makeArrays(A, fillsOf(p!), sizes, 1);
  const a = new A({ seed: 2 });
  const b = new B({ seed: 2 });
  const out = a.forward(inputsOnly(A, all), sizes);
  sameOutputs("forward", out, b.forward(inputsOnly(B, all), sizes));
  if (a.lossAndGrads) sameTraining("lossAndGrads", a.lossAndGrads(all, sizes), a, b.lossAndGrads!(all, sizes), b);
  return out;
}

describe("inputs and targets declared with dim expressions (§10: f32[2 * T, D])", () => {
  // The run time read `T·2` and `T - 4` as symbol names: `dims.T·2 is missing`.
  const source = "model K {\n  input x: f32[2 * T + 1, 2]\n  target t: f32[2 * T - 3, 3]\n  y = x -> conv1d(3, kernel: 5)\n  output y\n  loss mse(y, t)\n}";

  it("run, with the expressions evaluated from the symbols", () => {
    const K = compileOne(source, "K");
    expect(K.inputs.x!.shape).toEqual(["2 * T + 1", 2]);
    expect(K.targets.t!.shape).toEqual(["2 * T - 3", 3]);
    const out = buildsAgree(source, { batch: 3, T: 4 });
    expect(out.y).toHaveLength(3 * 5 * 3);
  });

  it("check lengths against the evaluated expression, and reject an expression below 1", () => {
    const m = new (compileOne(source, "K"))();
    expect(() => m.forward({ x: new Float32Array(2 * 8 * 2) }, { batch: 2, T: 4 })).toThrow("input 'x' has 32 elements, expected 36 (shape [2, 2 * T + 1=9, 2])");
    expect(() => m.lossAndGrads!({ x: new Float32Array(3 * 2), t: new Float32Array(0) }, { batch: 1, T: 1 })).toThrow("K.lossAndGrads: T = 1 is too short: target t (line 3) needs T ≥ 2");
  });
});

describe("pooling padding", () => {
  // avgpool1d(2, padding: 2) on one step: the first window lies in the padding alone, so it averaged no cells (NaN); max gave -Infinity.
  it("of size or more is an error: a window in the padding alone has no cell to pool", () => {
    for (const layer of ["avgpool1d(2, padding: 2)", "maxpool2d(3, padding: (1, 3))"]) {
      const rank = layer.includes("2d") ? 3 : 2;
      const r = check(`model K { input x: f32[${Array(rank).fill(4).join(", ")}] output y = x -> ${layer} }`, { filename: "k.nn" });
      expect(r.diagnostics.map((d) => d.code)).toEqual(["NN2009"]);
      expect(r.diagnostics[0]!.message).toContain("expects at most size - 1");
    }
  });

  it("of size − 1 leaves every window a cell: finite, in both builds", () => {
    const out = buildsAgree("model K { input x: f32[T, 2] output y = x -> avgpool1d(3, stride: 2, padding: 2) output z = x -> maxpool1d(3, padding: 2) }", { batch: 2, T: 1 });
    expect([...out.y!, ...out.z!].every(Number.isFinite)).toBe(true);
  });
});

describe("a symbolic last axis where no parameter needs it static", () => {
  // pooling's channels, last's width and cross_entropy's classes were read with KernelBuilder.static: an internal error, not a diagnostic.
  const source = `model K {
  input x: f32[T, C]
  target label: i32[T]
  pooled = x -> maxpool1d(2, padding: same) -> avgpool1d(2, stride: 1)
  output final = pooled -> last
  logits = x -> softmax -> tanh
  output logits
  loss cross_entropy(logits, label)
}`;

  it("compiles and agrees with the specialised build", () => {
    for (const sizes of [{ batch: 2, T: 5, C: 3 }, { batch: 1, T: 3, C: 1 }]) {
      const out = buildsAgree(source, sizes);
      expect(out.final).toHaveLength(sizes.batch * sizes.C);
    }
  });

  it("reports a label outside the symbolic class count", () => {
    const m = new (compileOne(source, "K"))();
    expect(() => m.lossAndGrads!({ x: new Float32Array(3 * 2), label: new Int32Array([0, 2, 0]) }, { batch: 1, T: 3, C: 2 })).toThrow("cross_entropy: label 'label' is 2 at position 1, outside [0, 2)");
  });
});

describe("sizes below a symbol's smallest legal value", () => {
  // conv1d(kernel: 5) on T = 4 steps left an empty axis, and the max over it was -Infinity; on T = 3 a negative one, and
  // allocating its buffer threw "Invalid typed array length: -6".
  const source = "model K {\n  input x: f32[T, 2]\n  output y = x -> conv1d(3, kernel: 5) -> max(axis: 0)\n}";

  it("are an error naming the symbol, its value, the smallest legal value and the layer; specialised, a compile error", () => {
    const K = compileOne(source, "K");
    for (const T of [4, 3]) {
      const x = new Float32Array(2 * T * 2);
      const message = `K.forward: T = ${T} is too short: conv1d_1 (line 3) needs T ≥ 5`;
      expect(() => new K().forward({ x }, { batch: 2, T })).toThrow(message);
      // Specialised to such a T, the module does not compile.
      expect(() => compileOne(source, "K", { T })).toThrow(`NN5002 --specialize T=${T} is too short for K: conv1d_1 needs T ≥ 5`);
    }
    expect(new K().forward({ x: new Float32Array(2 * 5 * 2) }, { batch: 2, T: 5 }).y!.every(Number.isFinite)).toBe(true);
  });
});
