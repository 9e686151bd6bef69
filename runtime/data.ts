// Mini-batching and evaluation helpers for training loops. The per-step
// functions (`gather`, `argmax`, `countCorrect`) write into buffers the
// caller allocates once, so a training step allocates nothing here.

import type { Rng } from "./random.ts";

function checkCount(fn: string, what: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new Error(`${fn}: ${what} must be an integer >= ${min}, got ${value}`);
}

/**
 * One epoch of mini-batches over examples 0..n-1: yields index arrays of
 * `batchSize` indices, the last one shorter when batchSize does not divide n.
 * With `rng` the order is shuffled (a fresh permutation per call, so call once
 * per epoch); without, it is 0, 1, 2, ….
 * The yielded arrays are views into this epoch's permutation: keep them as long
 * as you like, but do not write to them.
 */
export function* batches(n: number, batchSize: number, rng?: Rng): Generator<Int32Array, void, undefined> {
  checkCount("batches", "n", n, 0);
  checkCount("batches", "batchSize", batchSize, 1);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (rng !== undefined) rng.shuffle(order);
  for (let start = 0; start < n; start += batchSize) yield order.subarray(start, Math.min(start + batchSize, n));
}

/** The number of batches `batches(n, batchSize)` yields. */
export function batchCount(n: number, batchSize: number): number {
  checkCount("batchCount", "n", n, 0);
  checkCount("batchCount", "batchSize", batchSize, 1);
  return Math.ceil(n / batchSize);
}

/**
 * Copies rows `indices` of `source` (rows of `rowSize` values) into `out`, one
 * after another, and returns the filled part: `out` itself when it holds
 * exactly indices.length rows, else a view of its start. So one buffer sized
 * for a full batch also serves the shorter last batch.
 */
export function gather(source: Float32Array, rowSize: number, indices: ArrayLike<number>, out: Float32Array): Float32Array;
export function gather(source: Int32Array, rowSize: number, indices: ArrayLike<number>, out: Int32Array): Int32Array;
export function gather(source: Float32Array | Int32Array, rowSize: number, indices: ArrayLike<number>, out: Float32Array | Int32Array): Float32Array | Int32Array {
  checkCount("gather", "rowSize", rowSize, 1);
  if (source.length % rowSize !== 0) throw new Error(`gather: source has ${source.length} values, not a multiple of rowSize ${rowSize}`);
  if (Object.getPrototypeOf(source) !== Object.getPrototypeOf(out)) {
    throw new Error(`gather: source is a ${source.constructor.name} but out is a ${out.constructor.name}`);
  }
  const rows = source.length / rowSize;
  const needed = indices.length * rowSize;
  if (out.length < needed) {
    throw new Error(`gather: out has ${out.length} values, too few for ${indices.length} rows of ${rowSize} (${needed})`);
  }
  for (let r = 0; r < indices.length; r++) {
    const index = indices[r];
    if (!(Number.isInteger(index) && index >= 0 && index < rows)) {
      throw new Error(`gather: index ${index} (position ${r}) is out of range for ${rows} rows`);
    }
    // An element loop: `out.set(source.subarray(…))` would allocate a view per row.
    const from = index * rowSize;
    const to = r * rowSize;
    for (let k = 0; k < rowSize; k++) out[to + k] = source[from + k];
  }
  return out.length === needed ? out : out.subarray(0, needed);
}

/** The index of the largest of values[offset … offset+length-1], relative to offset; ties go to the first. */
export function argmax(values: ArrayLike<number>, offset = 0, length = values.length - offset): number {
  if (!(Number.isInteger(offset) && Number.isInteger(length) && offset >= 0 && length >= 1 && offset + length <= values.length)) {
    throw new Error(`argmax: range offset=${offset}, length=${length} is empty or outside the ${values.length} values`);
  }
  let best = 0;
  let bestValue = values[offset];
  for (let i = 1; i < length; i++) {
    const v = values[offset + i];
    if (v > bestValue) {
      best = i;
      bestValue = v;
    }
  }
  return best;
}

/** How many rows of `logits` ([rows, classes]) have their argmax equal to the row's label. */
export function countCorrect(logits: Float32Array, labels: Int32Array, classes: number): number {
  checkCount("countCorrect", "classes", classes, 1);
  if (logits.length !== labels.length * classes) {
    throw new Error(`countCorrect: logits has ${logits.length} values, expected ${labels.length} labels × ${classes} classes = ${labels.length * classes}`);
  }
  let correct = 0;
  for (let r = 0; r < labels.length; r++) {
    const label = labels[r];
    if (label < 0 || label >= classes) throw new Error(`countCorrect: label ${label} of row ${r} is outside [0, ${classes})`);
    if (argmax(logits, r * classes, classes) === label) correct++;
  }
  return correct;
}

/** The fraction of rows classified correctly (argmax, ties to the first class); NaN for zero rows. */
export function accuracy(logits: Float32Array, labels: Int32Array, classes: number): number {
  return countCorrect(logits, labels, classes) / labels.length;
}

/** A labelled set of examples: `count` rows of `images` (flat, row-major) with one label each. */
export interface Dataset {
  images: Float32Array;
  labels: Int32Array;
  count: number;
}
