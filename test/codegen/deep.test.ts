// A deep model: 1,000 stacked `dense(8) -> relu` layers compile (code
// generation takes time linear in the number of layers: it used to take
// minutes here), load, and compute what the layers compute, forward and
// backward. Time is bounded by the test's timeout, not a timed assertion;
// `npm run bench:check` reports compile times.
import { describe, expect, it } from "vitest";
import { compileModel, type Arrays } from "./harness.ts";
import { Rng } from "../../runtime/random.ts";

const layers = 1000;
const width = 8;
const batch = 3;
const source = `model Deep {
  input x: f32[${width}]
  target t: f32[${width}]
  output y = x${` -> dense(${width}) -> relu`.repeat(layers)}
  loss mse(y, t)
}
`;

describe(`${layers} stacked dense -> relu layers`, () => {
  it("compile, run forward as the layers compute by hand, and train", () => {
    const Deep = compileModel(source);
    expect(Object.keys(Deep.params)).toHaveLength(2 * layers);
    const model = new Deep();
    // Near-identity kernels and small positive biases keep the activations alive through every layer.
    const rng = new Rng(5);
    for (let l = 1; l <= layers; l++) {
      const kernel = model.params[`dense_${l}.kernel`]!;
      const bias = model.params[`dense_${l}.bias`]!;
      for (let i = 0; i < width; i++) for (let j = 0; j < width; j++) kernel[i * width + j] = (i === j ? 1 : 0) + (rng.uniform() - 0.5) * 0.004;
      for (let j = 0; j < width; j++) bias[j] = rng.uniform() * 0.001;
    }
    const x = Float32Array.from({ length: batch * width }, () => 0.5 + rng.uniform());
    const { y } = model.forward({ x }, { batch });

    // By hand, in double precision: h ← relu(h · kernel + bias), layer by layer.
    const expected: number[] = [];
    for (let b = 0; b < batch; b++) {
      let h = Array.from(x.subarray(b * width, (b + 1) * width));
      for (let l = 1; l <= layers; l++) {
        const kernel = model.params[`dense_${l}.kernel`]!;
        const bias = model.params[`dense_${l}.bias`]!;
        h = Array.from({ length: width }, (_, j) => Math.max(0, h.reduce((s, v, i) => s + v * kernel[i * width + j]!, bias[j]!)));
      }
      expected.push(...h);
    }
    expect(y).toHaveLength(batch * width);
    expect(Math.min(...expected)).toBeGreaterThan(0.1);
    for (let i = 0; i < expected.length; i++) expect(Math.abs(y![i]! - expected[i]!) / expected[i]!).toBeLessThan(1e-3);

    const t = Float32Array.from({ length: batch * width }, () => rng.uniform());
    const inputs: Arrays = { x, t };
    const loss = model.lossAndGrads!(inputs, { batch });
    const mse = expected.reduce((s, v, i) => s + (v - t[i]!) ** 2, 0) / (batch * width);
    expect(Math.abs(loss - mse) / mse).toBeLessThan(1e-3);
    // The gradient reaches the first layer.
    const first = model.grads!["dense_1.kernel"]!;
    expect(first.every(Number.isFinite)).toBe(true);
    expect(first.some((g) => g !== 0)).toBe(true);
  }, 120_000);
});
