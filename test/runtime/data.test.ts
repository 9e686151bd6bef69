// Mini-batching, row gathering into preallocated buffers, argmax and accuracy.
import { describe, expect, it } from "vitest";
import { accuracy, argmax, batchCount, batches, countCorrect, gather } from "../../runtime/data.ts";
import { Rng } from "../../runtime/random.ts";

const collect = (it: Iterable<Int32Array>) => Array.from(it, (b) => Array.from(b));

describe("batches", () => {
  it("yields 0..n-1 in order without an rng, the last batch partial", () => {
    expect(collect(batches(7, 3))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(collect(batches(6, 3))).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(collect(batches(2, 5))).toEqual([[0, 1]]);
    expect(collect(batches(0, 4))).toEqual([]);
    expect(batchCount(7, 3)).toBe(3);
    expect(batchCount(0, 3)).toBe(0);
  });

  it("shuffles per epoch with an rng, covering every index exactly once", () => {
    const rng = new Rng(0);
    const epoch1 = collect(batches(100, 32, rng));
    const epoch2 = collect(batches(100, 32, rng));
    expect(epoch1.map((b) => b.length)).toEqual([32, 32, 32, 4]);
    for (const epoch of [epoch1, epoch2]) expect(epoch.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(epoch1.flat()).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(epoch2.flat()).not.toEqual(epoch1.flat());
    expect(collect(batches(100, 32, new Rng(0)))).toEqual(epoch1);
  });

  it("checks its arguments", () => {
    expect(() => batches(10, 0).next()).toThrow(/batches: batchSize must be an integer >= 1, got 0/);
    expect(() => batches(-1, 2).next()).toThrow(/batches: n must be an integer >= 0, got -1/);
    expect(() => batches(2.5, 2).next()).toThrow(/got 2.5/);
  });
});

describe("gather", () => {
  const source = Float32Array.from({ length: 12 }, (_, i) => i); // 4 rows of 3

  it("copies the chosen rows into the preallocated buffer", () => {
    const out = new Float32Array(6);
    const filled = gather(source, 3, [2, 0], out);
    expect(filled).toBe(out);
    expect(Array.from(out)).toEqual([6, 7, 8, 0, 1, 2]);
  });

  it("returns the filled start of a larger buffer for a short last batch", () => {
    const out = new Float32Array(9).fill(-1);
    const filled = gather(source, 3, Int32Array.of(3), out);
    expect(Array.from(filled)).toEqual([9, 10, 11]);
    expect(filled.buffer).toBe(out.buffer);
  });

  it("gathers Int32 labels too", () => {
    const labels = Int32Array.of(5, 6, 7);
    expect(Array.from(gather(labels, 1, [2, 2, 0], new Int32Array(3)))).toEqual([7, 7, 5]);
  });

  it("rejects bad indices, short buffers and mixed types with the sizes", () => {
    expect(() => gather(source, 3, [4], new Float32Array(3))).toThrow(/gather: index 4 \(position 0\) is out of range for 4 rows/);
    expect(() => gather(source, 3, [0, -1], new Float32Array(6))).toThrow(/index -1 \(position 1\)/);
    expect(() => gather(source, 3, [0, 1], new Float32Array(5))).toThrow(/out has 5 values, too few for 2 rows of 3 \(6\)/);
    expect(() => gather(source, 5, [0], new Float32Array(5))).toThrow(/source has 12 values, not a multiple of rowSize 5/);
    expect(() => gather(source, 3, [0], new Int32Array(3) as unknown as Float32Array)).toThrow(/source is a Float32Array but out is a Int32Array/);
  });
});

describe("argmax, countCorrect and accuracy", () => {
  it("argmax takes the first of equal maxima, within a range", () => {
    expect(argmax([1, 3, 3, 2])).toBe(1);
    expect(argmax(Float32Array.of(9, 0, 5, 5), 1, 3)).toBe(1);
    expect(argmax([-Infinity, -Infinity])).toBe(0);
    expect(() => argmax([1, 2], 1, 2)).toThrow(/range offset=1, length=2 is empty or outside the 2 values/);
    expect(() => argmax([])).toThrow(/argmax/);
  });

  it("counts rows whose argmax is the label", () => {
    const logits = Float32Array.of(0.1, 0.9, 0, /**/ 2, 1, 0, /**/ 0.5, 0.5, 0.2, /**/ 0, 0, 1);
    const labels = Int32Array.of(1, 1, 1, 2); // row 3 ties 0/1: first wins, so it is wrong
    expect(countCorrect(logits, labels, 3)).toBe(2);
    expect(accuracy(logits, labels, 3)).toBe(0.5);
    expect(accuracy(new Float32Array(0), new Int32Array(0), 3)).toBeNaN();
  });

  it("checks sizes and label ranges", () => {
    expect(() => accuracy(new Float32Array(5), new Int32Array(2), 3)).toThrow(/logits has 5 values, expected 2 labels × 3 classes = 6/);
    expect(() => accuracy(new Float32Array(3), Int32Array.of(3), 3)).toThrow(/label 3 of row 0 is outside \[0, 3\)/);
  });
});
