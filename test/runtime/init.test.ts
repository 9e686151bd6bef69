// Initialisers: the documented limits and spreads, in place, reproducibly.
import { describe, expect, it } from "vitest";
import { computeFans, glorotUniform, heUniform, normal, ones, uniform, zeros } from "../../runtime/init.ts";
import { Rng } from "../../runtime/random.ts";

function stats(a: Float32Array): { min: number; max: number; mean: number; variance: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const x of a) {
    min = Math.min(min, x);
    max = Math.max(max, x);
    sum += x;
  }
  const mean = sum / a.length;
  let sq = 0;
  for (const x of a) sq += (x - mean) ** 2;
  return { min, max, mean, variance: sq / a.length };
}

describe("initialisers", () => {
  it("glorotUniform fills U(-l, l) with l = sqrt(6 / (fanIn + fanOut)), in place", () => {
    const out = new Float32Array(100 * 50);
    const returned = glorotUniform(new Rng(0), out, 100, 50);
    expect(returned).toBe(out);
    const limit = Math.sqrt(6 / 150);
    const s = stats(out);
    expect(s.min).toBeGreaterThanOrEqual(-limit);
    expect(s.max).toBeLessThanOrEqual(limit);
    expect(s.max).toBeGreaterThan(0.99 * limit); // it spans the whole interval
    expect(s.min).toBeLessThan(-0.99 * limit);
    expect(Math.abs(s.mean)).toBeLessThan(0.01);
    expect(s.variance).toBeCloseTo((limit * limit) / 3, 3); // the variance of U(-l, l)
  });

  it("heUniform fills U(-l, l) with l = sqrt(6 / fanIn)", () => {
    const out = heUniform(new Rng(1), new Float32Array(4000), 24);
    const limit = Math.sqrt(6 / 24);
    const s = stats(out);
    expect(s.max).toBeLessThanOrEqual(limit);
    expect(s.min).toBeGreaterThanOrEqual(-limit);
    expect(s.variance).toBeCloseTo(2 / 24, 2); // He's target variance 2 / fanIn
  });

  it("is reproducible for a seed", () => {
    const a = glorotUniform(new Rng(4), new Float32Array(64), 8, 8);
    const b = glorotUniform(new Rng(4), new Float32Array(64), 8, 8);
    expect(a).toEqual(b);
    expect(glorotUniform(new Rng(5), new Float32Array(64), 8, 8)).not.toEqual(a);
  });

  it("fills zeros, ones, uniform and normal", () => {
    expect(zeros(Float32Array.of(1, 2))).toEqual(Float32Array.of(0, 0));
    expect(ones(new Float32Array(3))).toEqual(Float32Array.of(1, 1, 1));
    const u = stats(uniform(new Rng(2), new Float32Array(5000), -0.05, 0.05));
    expect(u.min).toBeGreaterThanOrEqual(-0.05);
    expect(u.max).toBeLessThanOrEqual(0.05);
    const n = stats(normal(new Rng(3), new Float32Array(20000), 0.5));
    expect(Math.abs(n.mean)).toBeLessThan(0.02);
    expect(Math.sqrt(n.variance)).toBeCloseTo(0.5, 1);
  });

  it("computes Keras's fans for dense, conv and vector shapes", () => {
    expect(computeFans([784, 128])).toEqual({ fanIn: 784, fanOut: 128 });
    expect(computeFans([5, 5, 1, 6])).toEqual({ fanIn: 25, fanOut: 150 });
    expect(computeFans([3, 16, 32])).toEqual({ fanIn: 48, fanOut: 96 });
    expect(computeFans([10])).toEqual({ fanIn: 10, fanOut: 10 });
  });

  it("rejects bad fans and ranges with messages naming them", () => {
    const out = new Float32Array(4);
    expect(() => glorotUniform(new Rng(0), out, 0, 4)).toThrow(/glorotUniform: fanIn must be a positive integer, got 0/);
    expect(() => glorotUniform(new Rng(0), out, 4, 2.5)).toThrow(/fanOut .* got 2.5/);
    expect(() => heUniform(new Rng(0), out, -1)).toThrow(/heUniform: fanIn/);
    expect(() => uniform(new Rng(0), out, 1, 0)).toThrow(/lo <= hi, got lo=1, hi=0/);
    expect(() => normal(new Rng(0), out, -1)).toThrow(/std must be/);
  });
});
