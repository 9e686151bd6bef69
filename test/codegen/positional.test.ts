// Positional encodings: the sinusoidal formula, the learned table's gradient,
// and the checker's rules.
import { describe, expect, it } from "vitest";
import { check } from "../../compiler/index.ts";
import { compileModel, gradCheck, makeInputs } from "./harness.ts";

describe("positional", () => {
  it("sinusoidal: PE[t, 2i] = sin(t / 10000^(2i/d)), PE[t, 2i+1] = cos(…), added to the input", () => {
    const M = compileModel("model M {\n  input x: f32[T, 4]\n  output y = x -> positional\n}");
    const y = new M().forward({ x: new Float32Array(12) }, { batch: 1, T: 3 }).y!;
    for (let t = 0; t < 3; t++)
      for (let j = 0; j < 4; j++) {
        const angle = t / Math.pow(10000, (2 * Math.floor(j / 2)) / 4);
        expect(y[t * 4 + j]).toBeCloseTo(j % 2 === 0 ? Math.sin(angle) : Math.cos(angle), 6);
      }
  });

  for (const kind of ["sinusoidal", "learned, max: 6"])
    it(`gradient check: positional(kind: ${kind}) under attention`, () => {
      const M = compileModel(`model M {\n  input w: i32[T]\n  target label: i32\n  logits = w -> embedding(5, 4) -> positional(kind: ${kind}) -> attention(heads: 2) -> mean(axis: 0) -> dense(2)\n  output logits\n  loss cross_entropy(logits, label)\n}`);
      const dims = { batch: 2, T: 4 };
      const { worst, where } = gradCheck(M, makeInputs(M, dims, { w: 5, label: 2 }), dims);
      expect(worst, where).toBeLessThan(2e-2);
    });

  it("learned needs max, and a known length must fit it", () => {
    const codes = (src: string) => check(src, { filename: "p.nn" }).diagnostics.map((d) => `${d.code} ${d.message}`);
    expect(codes("model M {\n  input x: f32[T, 4]\n  output y = x -> positional(kind: learned)\n}")).toEqual(["NN2006 positional(kind: learned) needs option 'max'"]);
    expect(codes("model M {\n  input x: f32[9, 4]\n  output y = x -> positional(kind: learned, max: 8)\n}")).toEqual(["NN3002 positional expects at most max = 8 steps, got 9 steps"]);
    const M = compileModel("model M {\n  input x: f32[T, 2]\n  output y = x -> positional(kind: learned, max: 3)\n}");
    expect(() => new M().forward({ x: new Float32Array(8) }, { batch: 1, T: 4 })).toThrow("positional: sequences of 4 steps are longer than max = 3");
  });
});
