// The MNIST loader: a deterministic, class-balanced split of the `mnist`
// package's 10,000 real digits, parsed once, identical to JSON.parse.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadMnist, MNIST_IMAGE_SIZE, MNIST_SPLIT_SEED, MNIST_TOTAL, type Mnist } from "../../runtime/mnist-node.ts";
import { Rng } from "../../runtime/random.ts";

const classCounts = (labels: Int32Array): number[] => {
  const counts = new Array<number>(10).fill(0);
  for (const l of labels) counts[l]++;
  return counts;
};

/** Element-wise equality; vitest's deep toEqual takes seconds per million elements. */
const same = (a: Float32Array | Int32Array, b: Float32Array | Int32Array): boolean =>
  a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

let mnist: Mnist;
let coldMs = 0;

beforeAll(() => {
  const start = performance.now();
  mnist = loadMnist();
  coldMs = performance.now() - start;
});

describe("loadMnist", () => {
  it("loads quickly, and faster still from the in-memory cache", () => {
    const start = performance.now();
    loadMnist();
    const warmMs = performance.now() - start;
    console.log(`loadMnist: first call ${coldMs.toFixed(0)} ms, cached call ${warmMs.toFixed(1)} ms`);
    expect(coldMs).toBeLessThan(5000);
    expect(warmMs).toBeLessThan(coldMs);
  });

  it("splits 8,000 / 2,000 by default with [N, 28, 28, 1] images", () => {
    expect(mnist.train.count).toBe(8000);
    expect(mnist.test.count).toBe(2000);
    expect(mnist.train.images.length).toBe(8000 * 784);
    expect(mnist.train.labels.length).toBe(8000);
    expect(mnist.test.images.length).toBe(2000 * 784);
    expect(mnist.test.labels.length).toBe(2000);
  });

  it("keeps every class in the same proportion in both splits", () => {
    const train = classCounts(mnist.train.labels);
    const test = classCounts(mnist.test.labels);
    for (let c = 0; c < 10; c++) {
      const share = (train[c] + test[c]) / MNIST_TOTAL;
      expect(share).toBeGreaterThan(0.08);
      expect(share).toBeLessThan(0.12);
      expect(train[c] / 8000).toBeCloseTo(share, 2);
      expect(test[c] / 2000).toBeCloseTo(share, 2);
    }
    // A small prefix is balanced too: the first 100 training digits hold every class.
    expect(classCounts(mnist.train.labels.subarray(0, 100)).every((n) => n >= 8)).toBe(true);
  });

  it("has pixel values in [0, 1] with MNIST's mean intensity (~0.13) and empty corners", () => {
    for (const { images } of [mnist.train, mnist.test]) {
      let min = Infinity;
      let max = -Infinity;
      let sum = 0;
      for (const v of images) {
        if (v < min) min = v;
        if (v > max) max = v;
        sum += v;
      }
      expect(min).toBe(0);
      expect(max).toBe(1);
      expect(sum / images.length).toBeGreaterThan(0.12);
      expect(sum / images.length).toBeLessThan(0.14);
    }
    let corner = 0;
    for (let i = 0; i < 8000; i++) corner += mnist.train.images[i * 784];
    expect(corner).toBe(0);
  });

  it("is deterministic and returns fresh arrays on every call", () => {
    const again = loadMnist();
    expect(same(again.train.labels, mnist.train.labels)).toBe(true);
    expect(same(again.test.images, mnist.test.images)).toBe(true);
    again.train.images.fill(0.5);
    expect(same(loadMnist().train.images, mnist.train.images)).toBe(true);
  });

  it("takes train from the front and test from the back of one fixed order, disjoint", () => {
    const all = loadMnist({ trainCount: MNIST_TOTAL, testCount: 0 }).train;
    expect(same(all.images.subarray(0, 8000 * 784), mnist.train.images)).toBe(true);
    expect(same(all.images.subarray(8000 * 784), mnist.test.images)).toBe(true);
    expect(same(all.labels.subarray(8000), mnist.test.labels)).toBe(true);
    const small = loadMnist({ trainCount: 100, testCount: 50 });
    expect(same(small.train.labels, mnist.train.labels.subarray(0, 100))).toBe(true);
    expect(same(small.test.labels, mnist.test.labels.subarray(1950))).toBe(true);
  });

  it("reads each class's images, equal to JSON.parse, in the order of the seeded per-class shuffle", () => {
    const all = loadMnist({ trainCount: MNIST_TOTAL, testCount: 0 }).train;
    const dir = join(dirname(createRequire(import.meta.url).resolve("mnist/package.json")), "src", "digits");
    const rng = new Rng(MNIST_SPLIT_SEED);
    const counts = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
    let order: number[] = [];
    for (let c = 0; c <= 7; c++) order = rng.shuffle(Array.from({ length: counts[c]! }, (_, j) => j));
    const file = Float32Array.from(JSON.parse(readFileSync(join(dir, "7.json"), "utf8")).data as number[]);
    const expected = new Float32Array(file.length);
    order.forEach((j, rank) => expected.set(file.subarray(j * 784, (j + 1) * 784), rank * 784));
    const sevens: Float32Array[] = [];
    for (let k = 0; k < MNIST_TOTAL; k++) if (all.labels[k] === 7) sevens.push(all.images.subarray(k * 784, (k + 1) * 784));
    const joined = new Float32Array(sevens.length * MNIST_IMAGE_SIZE);
    sevens.forEach((img, j) => joined.set(img, j * MNIST_IMAGE_SIZE));
    expect(same(joined, expected)).toBe(true);
  });

  it("rejects counts that do not fit", () => {
    expect(() => loadMnist({ trainCount: 9000, testCount: 2000 })).toThrow(
      "loadMnist: trainCount 9000 + testCount 2000 = 11000 is more than the 10000 digits available",
    );
    expect(() => loadMnist({ trainCount: -1 })).toThrow(/trainCount must be an integer >= 0, got -1/);
  });
});
