// The seeded generator: reproducible streams, uniform output from the very
// first draw for every seed (0 included), and exact resumption from a state.
import { describe, expect, it } from "vitest";
import { Rng } from "../../runtime/random.ts";

const draw = (rng: Rng, n: number, f: (r: Rng) => number = (r) => r.uniform()): number[] => Array.from({ length: n }, () => f(rng));

/** Pearson's χ² of `values` in [0, 1) over `bins` equal bins. */
function chiSquare(values: number[], bins: number): number {
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.floor(v * bins)]++;
  const expected = values.length / bins;
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

describe("Rng", () => {
  it("gives the same stream for the same seed and different streams for different seeds", () => {
    expect(draw(new Rng(42), 100)).toEqual(draw(new Rng(42), 100));
    expect(draw(new Rng(42), 10)).not.toEqual(draw(new Rng(43), 10));
    expect(draw(new Rng(0), 10)).not.toEqual(draw(new Rng(1), 10));
  });

  it("keeps its splitmix32 output stable (a change would alter every model's initial weights)", () => {
    const rng = new Rng(0);
    expect([rng.nextU32(), rng.nextU32(), rng.nextU32()]).toEqual([2462723854, 1020716019, 454327756]);
  });

  it("produces uniform-looking floats from the first draw of new Rng(0)", () => {
    const first = draw(new Rng(0), 10);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(Math.max(...first)).toBeLessThan(0.99); // not the "first float ~1.0" failure of some generators
    expect(Math.min(...first)).toBeGreaterThan(0.01);
    const many = draw(new Rng(0), 10_000);
    const mean = many.reduce((a, b) => a + b, 0) / many.length;
    expect(mean).toBeCloseTo(0.5, 1);
    // 9 degrees of freedom: χ² > 27.9 has probability 0.001.
    expect(chiSquare(many, 10)).toBeLessThan(27.9);
  });

  it("gives uniform first draws across small consecutive seeds", () => {
    const firsts = Array.from({ length: 1000 }, (_, seed) => new Rng(seed).uniform());
    expect(chiSquare(firsts, 10)).toBeLessThan(27.9);
  });

  it("accepts any safe integer seed and rejects others", () => {
    expect(new Rng(-1).uniform()).not.toBe(new Rng(0xffffffff).uniform());
    expect(new Rng(2 ** 40).uniform()).not.toBe(new Rng(0).uniform());
    expect(() => new Rng(1.5)).toThrow(/seed must be a safe integer, got 1.5/);
    expect(() => new Rng(Number.NaN)).toThrow(/seed/);
  });

  it("draws normals with mean 0 and variance 1", () => {
    const xs = draw(new Rng(7), 20_000, (r) => r.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(variance).toBeGreaterThan(0.95);
    expect(variance).toBeLessThan(1.05);
    expect(xs.every(Number.isFinite)).toBe(true);
  });

  it("draws integers in [0, n) evenly and checks n", () => {
    const xs = draw(new Rng(3), 6000, (r) => r.int(6));
    const counts = [0, 1, 2, 3, 4, 5].map((k) => xs.filter((x) => x === k).length);
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(120);
    expect(new Rng(1).int(1)).toBe(0);
    expect(() => new Rng(1).int(0)).toThrow(/integer n in \[1, 2\^32\], got 0/);
    expect(() => new Rng(1).int(2.5)).toThrow(/got 2.5/);
  });

  it("shuffles arrays and typed arrays in place into permutations, every order equally likely", () => {
    const rng = new Rng(5);
    const a = [1, 2, 3, 4, 5, 6, 7, 8];
    const t = Int32Array.from(a);
    expect(rng.shuffle(a)).toBe(a);
    expect(rng.shuffle(t)).toBe(t);
    expect([...a].sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(t).sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(rng.shuffle([])).toEqual([]);

    const seen = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const key = rng.shuffle(["a", "b", "c"]).join("");
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect(seen.size).toBe(6);
    for (const c of seen.values()) expect(Math.abs(c - 1000)).toBeLessThan(120);
  });

  it("shuffles deterministically for a seed", () => {
    const order = (seed: number) => new Rng(seed).shuffle(Array.from({ length: 20 }, (_, i) => i));
    expect(order(9)).toEqual(order(9));
    expect(order(9)).not.toEqual(order(10));
  });

  it("forks an independent, reproducible stream", () => {
    const parent = new Rng(11);
    const child = parent.fork();
    const childDraws = draw(child, 5);
    expect(childDraws).not.toEqual(draw(parent, 5));
    const again = new Rng(11).fork();
    expect(draw(again, 5)).toEqual(childDraws);
  });

  it("resumes exactly from a saved state, including a cached normal", () => {
    const rng = new Rng(123);
    draw(rng, 17);
    rng.normal(); // leaves the second Box–Muller value cached
    const saved = rng.state;
    expect(saved.spare).not.toBeNull();
    const expected = [rng.normal(), rng.uniform(), rng.normal(), rng.int(100)];

    const restored = Rng.fromState(JSON.parse(JSON.stringify(saved)));
    expect([restored.normal(), restored.uniform(), restored.normal(), restored.int(100)]).toEqual(expected);

    const other = new Rng(999);
    other.state = saved;
    expect(other.normal()).toBe(expected[0]);
  });

  it("rejects a malformed state", () => {
    const rng = new Rng(0);
    expect(() => (rng.state = { s: -1, spare: null })).toThrow(/state.s must be an unsigned 32-bit integer, got -1/);
    expect(() => (rng.state = { s: 2 ** 32, spare: null })).toThrow(/state.s/);
    expect(() => (rng.state = { s: 1, spare: Number.NaN })).toThrow(/state.spare/);
  });
});
