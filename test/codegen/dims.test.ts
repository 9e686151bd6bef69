// Dims reach generated code as values that cannot be mis-parsed: a symbolic
// size such as `T - 4` spliced into `o * ${size}` once gave `o * d_T - 4`.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Dim } from "../../compiler/shapes/dim.ts";
import { compileModel } from "./harness.ts";

const atom = /^(\d+|[A-Za-z_$][\w$]*)$/;

/** Random dims over T and S: sums, products, differences and floor/ceil quotients. */
const dim: fc.Arbitrary<Dim> = fc.letrec<{ d: Dim }>((tie) => ({
  d: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.integer({ min: 0, max: 9 }).map((n) => Dim.const(n)),
    fc.constantFrom("T", "S").map((s) => Dim.symbol(s)),
    fc.tuple(tie("d"), tie("d")).map(([a, b]) => a.add(b)),
    fc.tuple(tie("d"), tie("d")).map(([a, b]) => a.sub(b)),
    fc.tuple(tie("d"), fc.integer({ min: -3, max: 3 })).map(([a, k]) => a.scale(k)),
    fc.tuple(tie("d"), tie("d")).map(([a, b]) => a.mul(b)),
    fc.tuple(tie("d"), fc.integer({ min: 2, max: 4 }), fc.boolean()).map(([a, k, f]) => (f ? a.floorDiv(k) : a.ceilDiv(k))),
  ),
})).d;

describe("Dim.toJs", () => {
  it("property: a literal, a name or a parenthesised expression that evaluates like the dim wherever it is spliced", () => {
    fc.assert(
      fc.property(dim, fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 }), (d, T, S) => {
        const js = d.toJs((s) => `d_${s}`);
        expect(atom.test(js) || (js.startsWith("(") && js.endsWith(")"))).toBe(true);
        // Spliced after `*`, `/` and unary minus, as layers do, it keeps its value.
        const evaluate = new Function("d_T", "d_S", `return [7 * ${js}, 840 / ${js}, -${js}, ${js} * ${js} - 1];`) as (t: number, s: number) => number[];
        const v = d.evaluate({ T, S })!;
        expect(evaluate(T, S)).toEqual([7 * v, 840 / v, -v, v * v - 1]);
      }),
      { seed: 5, numRuns: 500 },
    );
  });
});

describe("a layer that shrinks a symbolic axis", () => {
  const source = "model K { input x: f32[T, 2]  y = x -> conv1d(3, kernel: 5) -> max(axis: 0)  output y }";

  it("gives the same numbers compiled with T symbolic and with T written in, at every batch", () => {
    for (const [batch, T] of [[2, 5], [1, 5], [33, 6], [4, 71]] as const) {
      const x = Float32Array.from({ length: batch * T * 2 }, (_, i) => Math.sin(i));
      const symbolic = new (compileModel(source))({ seed: 3 }).forward({ x }, { batch, T }).y!;
      const fixed = new (compileModel(source, "K", { T, batch }))({ seed: 3 }).forward({ x }, { batch, T }).y!;
      expect(symbolic.every(Number.isFinite)).toBe(true);
      expect(Array.from(symbolic)).toEqual(Array.from(fixed));
    }
  });

  it("gives each example the same logits whatever the batch size", () => {
    const M = compileModel(source);
    const x = Float32Array.from({ length: 32 * 9 * 2 }, (_, i) => Math.cos(i));
    const alone = new M({ seed: 3 }).forward({ x: x.subarray(5 * 18, 6 * 18) }, { batch: 1, T: 9 }).y!;
    const inBatch = new M({ seed: 3 }).forward({ x }, { batch: 32, T: 9 }).y!;
    expect(Array.from(inBatch.subarray(5 * 3, 6 * 3))).toEqual(Array.from(alone));
  });
});

describe("inputs whose dims are expressions of a symbol", () => {
  const source = `model E {
  input x: f32[2 * T, 3]
  input z: f32[T - 1, 3]
  output y = concat(x, z, axis: 0) -> dense(2) -> mean(axis: 0)
}`;

  it("are sized from the symbols given in dims, which name only real symbols", () => {
    const M = compileModel(source);
    expect(M.inputs.x!.shape).toEqual(["2 * T", 3]);
    const T = 5;
    const x = Float32Array.from({ length: 2 * 2 * T * 3 }, (_, i) => Math.sin(i));
    const z = Float32Array.from({ length: 2 * (T - 1) * 3 }, (_, i) => Math.cos(i));
    const symbolic = new M({ seed: 1 }).forward({ x, z }, { batch: 2, T }).y!;
    const fixed = new (compileModel(source, "E", { T }))({ seed: 1 }).forward({ x, z }, { batch: 2, T }).y!;
    expect(symbolic.every(Number.isFinite)).toBe(true);
    expect(Array.from(symbolic)).toEqual(Array.from(fixed));
    expect(() => new M().forward({ x: x.subarray(3), z }, { batch: 2, T })).toThrow("input 'x' has 57 elements, expected 60 (shape [2, 2 * T=10, 3])");
    expect(() => new M().forward({ x, z }, { batch: 2, T, "2 * T": 10 } as { batch: number })).toThrow("unknown dim '2 * T' (its symbols are T)");
  });
});
