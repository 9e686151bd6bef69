// `--data reverse` and `--data sort`: sequence-to-sequence tasks on digit
// strings, for encoder–decoder models (examples/reverser.nn, translator.nn).
//
//   digits  3 0 7 1          (n = 4)
//   prev    <start> 1 7 0 3      the answer shifted right: what the decoder reads
//   next    1 7 0 3 <stop>       the answer, then stop: what it must predict
//
// Tokens: 0 pads, 1 starts, 2 stops, 3 + d is the digit d. `next` is padded
// with stop, so a decoder that keeps predicting stop after the answer is
// right; accuracy counts exact sequences decoded greedily with the model's
// own previous tokens fed back (its `generate`), never the true ones.
// Held-out strings never occur in the training split. Browser-safe.
import { Rng } from "../random.ts";
import type { Split, Trainable } from "../train.ts";
import { drawDistinct, type TaskData } from "./task.ts";

export const PAD = 0;
export const START = 1;
export const STOP = 2;
export const DIGIT_CLASSES = 13;

export type DigitOrder = "reverse" | "sort";

export interface DigitTaskOptions {
  order: DigitOrder;
  minLength: number;
  maxLength: number;
  /** Training strings (default 6000). */
  train?: number;
  /** Held-out strings (default 500). */
  test?: number;
}

/** The answer for a string of digits. */
export function digitAnswer(digits: readonly number[], order: DigitOrder): number[] {
  return order === "reverse" ? [...digits].reverse() : [...digits].sort((a, b) => a - b);
}

function encode(strings: number[][], order: DigitOrder, S: number): Split {
  const T = S + 1;
  const count = strings.length;
  const digits = new Int32Array(count * S);
  const n = new Int32Array(count);
  const prev = new Int32Array(count * T);
  const next = new Int32Array(count * T).fill(STOP);
  strings.forEach((s, e) => {
    n[e] = s.length;
    s.forEach((d, p) => (digits[e * S + p] = 3 + d));
    const answer = digitAnswer(s, order);
    prev[e * T] = START;
    answer.forEach((d, p) => {
      next[e * T + p] = 3 + d;
      prev[e * T + p + 1] = 3 + d;
    });
    for (let p = answer.length + 1; p < T; p++) prev[e * T + p] = STOP;
  });
  return { count, arrays: { digits, n, prev, next } };
}

export function digitTask(seed: number, options: DigitTaskOptions): TaskData {
  const { order, minLength, maxLength } = options;
  const trainCount = options.train ?? 6000;
  const testCount = options.test ?? 500;
  const rng = new Rng(seed);
  const seen = new Set<string>();
  const string = () => Array.from({ length: minLength + rng.int(maxLength - minLength + 1) }, () => rng.int(10));
  const draw = (count: number) => drawDistinct(count, seen, string, (s) => s.join(""), `${order} strings`);
  const test = draw(testCount);
  const train = draw(trainCount);
  const S = maxLength;
  return {
    name: order,
    description: `${order === "reverse" ? "reverse" : "sort"} strings of ${minLength}–${maxLength} digits, decoded greedily`,
    train: encode(train, order, S),
    test: encode(test, order, S),
    dims: { S, T: S + 1 },
    arrays: {
      digits: { dtype: "i32", shape: ["S"] },
      n: { dtype: "i32", shape: [] },
      prev: { dtype: "i32", shape: ["T"] },
      next: { dtype: "i32", shape: ["T"] },
    },
    classification: { target: "next", classes: DIGIT_CLASSES, exact: true, decode: "prev" },
    showcase: (model) => showDecoded(model, encode(test.slice(0, 4), order, S), S),
  };
}

/** `30719 → 91703 ✓` for a few held-out strings, decoded by the model. */
function showDecoded(model: Trainable, split: Split, S: number): string[] {
  if (!model.generate) return [];
  const T = S + 1;
  const { digits, n, next } = split.arrays as Record<string, Int32Array>;
  const tokens = model.generate({ digits: digits!, n: n! }, { batch: split.count, S, T });
  return Array.from({ length: split.count }, (_, e) => {
    const source = digitText(digits!.subarray(e * S, e * S + n![e]!));
    const decoded = tokens.subarray(e * T, (e + 1) * T);
    const right = decoded.every((t, p) => t === next![e * T + p]);
    return `${source} → ${digitText(decoded).replace(/\$+$/, "")} ${right ? "✓" : `✗ (expected ${digitText(next!.subarray(e * T, (e + 1) * T)).replace(/\$+$/, "")})`}`;
  });
}

/** Tokens as text: digits as themselves, start as `^`, stop as `$`, padding as `_`. */
export function digitText(tokens: ArrayLike<number>): string {
  return Array.from(tokens, (t) => (t >= 3 ? String(t - 3) : t === START ? "^" : t === STOP ? "$" : "_")).join("");
}
