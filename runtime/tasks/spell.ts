// `--data spell`: a sequence from one vector — an MNIST digit image to its
// name spelled letter by letter ("7" → "seven"), for examples/speller.nn.
//
//   image   (28 × 28 pixels of a 7)
//   prev    <start> s e v e n        the name shifted right
//   next    s e v e n <stop>         the name, then stop
//
// Tokens: 0 pads, 1 starts, 2 stops, 3 + i is the i-th letter of the
// alphabet. Accuracy counts exact names decoded greedily (the model's own
// letters fed back). The images are the real MNIST digits of the `mnist`
// package, split 8,000 / 2,000; this module only encodes them (browser-safe).
import type { Split, Trainable } from "../train.ts";
import type { ArraySpec, TaskData } from "./task.ts";

export const DIGIT_NAMES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"] as const;
export const SPELL_CLASSES = 3 + 26;
/** The longest name and its stop. */
export const SPELL_STEPS = 6;

/** The inputs and targets a model declares for this task. */
export const SPELL_ARRAYS: Record<string, ArraySpec> = {
  image: { dtype: "f32", shape: [28, 28, 1] },
  prev: { dtype: "i32", shape: ["T"] },
  next: { dtype: "i32", shape: ["T"] },
};

export interface DigitImages {
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

function encode(data: DigitImages): Split {
  const T = SPELL_STEPS;
  const prev = new Int32Array(data.count * T);
  const next = new Int32Array(data.count * T).fill(2);
  for (let e = 0; e < data.count; e++) {
    const name = DIGIT_NAMES[data.labels[e]!]!;
    prev[e * T] = 1;
    for (let p = 0; p < name.length; p++) {
      const letter = 3 + name.charCodeAt(p) - 97;
      next[e * T + p] = letter;
      if (p + 1 < T) prev[e * T + p + 1] = letter;
    }
    for (let p = name.length + 1; p < T; p++) prev[e * T + p] = 2;
  }
  return { count: data.count, arrays: { image: data.images, prev, next } };
}

export function spellTask(digits: { train: DigitImages; test: DigitImages }): TaskData {
  return {
    name: "spell",
    description: "MNIST digit images to their names, letter by letter, decoded greedily",
    train: encode(digits.train),
    test: encode(digits.test),
    dims: { T: SPELL_STEPS },
    arrays: SPELL_ARRAYS,
    classification: { target: "next", classes: SPELL_CLASSES, exact: true, decode: "prev" },
    showcase: (model) => showSpelled(model, digits.test),
  };
}

/** `a 7 → seven ✓` for the first held-out image of each digit. */
function showSpelled(model: Trainable, test: DigitImages): string[] {
  if (!model.generate) return [];
  const firsts = Array.from({ length: 10 }, (_, d) => test.labels.indexOf(d)).filter((e) => e >= 0);
  const images = new Float32Array(firsts.length * 784);
  firsts.forEach((e, i) => images.set(test.images.subarray(e * 784, (e + 1) * 784), i * 784));
  const tokens = model.generate({ image: images }, { batch: firsts.length, T: SPELL_STEPS });
  return firsts.map((e, i) => {
    const name = spellText(tokens.subarray(i * SPELL_STEPS, (i + 1) * SPELL_STEPS)).replace(/\$+$/, "");
    const label = test.labels[e]!;
    return `a ${label} → ${name} ${name === DIGIT_NAMES[label] ? "✓" : "✗"}`;
  });
}

/** Letter tokens as text: `^` starts, `$` stops. */
export function spellText(tokens: ArrayLike<number>): string {
  return Array.from(tokens, (t) => (t >= 3 ? String.fromCharCode(94 + t) : t === 1 ? "^" : t === 2 ? "$" : "_")).join("");
}
