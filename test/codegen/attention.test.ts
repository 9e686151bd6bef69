// Attention: finite-difference gradient checks (self, causal, cross, several
// heads, symbolic lengths) and the spec's equations checked directly.
import { describe, expect, it } from "vitest";
import { compileModel, gradCheck, makeInputs } from "./harness.ts";

const cases: [string, string, string][] = [
  ["self, one head", "  input x: f32[T, 4]\n  target label: i32", "h = x -> dense(4) -> tanh\n  a = h -> attention(heads: 1)"],
  ["self, two heads, residual", "  input x: f32[T, 4]\n  target label: i32", "h = x -> dense(4) -> tanh\n  a = h + (h -> attention(heads: 2))"],
  ["causal", "  input x: f32[T, 4]\n  target label: i32", "h = x -> dense(4) -> tanh\n  a = h -> attention(heads: 2, causal: true)"],
  ["cross, S ≠ T", "  input x: f32[T, 4]\n  input m: f32[S, 3]\n  target label: i32", "h = x -> dense(4) -> tanh\n  mem = m -> dense(4) -> tanh\n  a = attention(h, mem, heads: 2)"],
];

describe("attention: gradient checks", () => {
  for (const [name, inputs, body] of cases) {
    it(name, () => {
      const M = compileModel(`model M {\n${inputs}\n  ${body}\n  logits = a -> mean(axis: 0) -> dense(3)\n  output logits\n  loss cross_entropy(logits, label)\n}`);
      const dims = { batch: 2, T: 3, S: 4 };
      const used = Object.fromEntries(Object.entries(dims).filter(([k]) => k === "batch" || Object.values({ ...M.inputs }).some((s) => s.shape.includes(k))));
      const { worst, where } = gradCheck(M, makeInputs(M, used as { batch: number }, { label: 3 }), used as { batch: number });
      expect(worst, where).toBeLessThan(2e-2);
    });
  }
});

describe("attention: the spec's equations", () => {
  it("causal self-attention: step t sees only steps s ≤ t, so the first output ignores later steps", () => {
    const M = compileModel("model M {\n  input x: f32[T, 2]\n  output y = x -> attention(heads: 1, causal: true)\n}");
    const m = new M({ seed: 4 });
    const a = m.forward({ x: new Float32Array([1, 2, 3, 4, 5, 6]) }, { batch: 1, T: 3 }).y!;
    const b = m.forward({ x: new Float32Array([1, 2, -7, 9, 0.5, 1]) }, { batch: 1, T: 3 }).y!;
    expect(Array.from(a.slice(0, 2))).toEqual(Array.from(b.slice(0, 2)));
    expect(a[2]).not.toBe(b[2]);
  });

  it("single head, identity projections: out = softmax(x xᵀ / √d) x", () => {
    const M = compileModel("model M {\n  input x: f32[T, 2]\n  output y = x -> attention\n}");
    const m = new M();
    for (const p of ["query", "key", "value", "output"]) {
      m.params[`attention_1.${p}.kernel`]!.set([1, 0, 0, 1]);
      m.params[`attention_1.${p}.bias`]!.fill(0);
    }
    const x = [[0.5, -1], [2, 0.25], [-0.3, 0.8]];
    const y = m.forward({ x: new Float32Array(x.flat()) }, { batch: 1, T: 3 }).y!;
    x.forEach((qt, t) => {
      const scores = x.map((ks) => (qt[0]! * ks[0]! + qt[1]! * ks[1]!) / Math.SQRT2);
      const mx = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - mx));
      const z = e.reduce((p, c) => p + c, 0);
      for (let c = 0; c < 2; c++) expect(y[t * 2 + c]!).toBeCloseTo(x.reduce((acc, v, s) => acc + (e[s]! / z) * v[c]!, 0), 5);
    });
  });
});

describe("attention: per-example key lengths", () => {
  it("gradient check: self and cross attention with lengths", () => {
    for (const body of ["a = h -> attention(heads: 2, lengths: n)", "a = attention(h, h, heads: 2, causal: false, lengths: n)"]) {
      const M = compileModel(`model M {\n  input x: f32[T, 4]\n  input n: i32\n  target label: i32\n  h = x -> dense(4) -> tanh\n  ${body}\n  logits = a -> last(lengths: n) -> dense(3)\n  output logits\n  loss cross_entropy(logits, label)\n}`);
      const dims = { batch: 3, T: 4 };
      const inputs = makeInputs(M, dims, { label: 3 });
      inputs.n = new Int32Array([2, 4, 1]);
      const { worst, where } = gradCheck(M, inputs, dims);
      expect(worst, where).toBeLessThan(2e-2);
    }
  });

  it("padded keys change no real step's output", () => {
    const M = compileModel("model M {\n  input x: f32[T, 2]\n  input n: i32\n  output y = x -> attention(heads: 1, lengths: n)\n}");
    const m = new M({ seed: 3 });
    const real = [0.5, -1, 2, 0.25];
    const a = m.forward({ x: new Float32Array([...real, 9, 9]), n: new Int32Array([2]) }, { batch: 1, T: 3 }).y!;
    const b = m.forward({ x: new Float32Array(real), n: new Int32Array([2]) }, { batch: 1, T: 2 }).y!;
    expect(Array.from(a.slice(0, 4))).toEqual(Array.from(b));
  });
});
