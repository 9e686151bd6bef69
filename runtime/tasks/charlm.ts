// `--data charlm`: next-character prediction on the opening chapters of
// Moby-Dick (examples/data/moby-dick.txt, public domain), for
// examples/charlm.nn. Text is lower-cased and reduced to CHARLM_ALPHABET
// (whitespace runs become one space, dashes become '-', other characters are
// dropped). Chapters 1–9 train, in windows of T characters every T/2; the
// last chapter is held out, in windows every T. `text` is a window and `next`
// the same window one character on. Browser-safe: the host supplies the text.
import type { Split, Trainable } from "../train.ts";
import type { ArraySpec, TaskData } from "./task.ts";

/** Index 0 is the space, so a decoder started at 0 begins a word. */
export const CHARLM_ALPHABET = " abcdefghijklmnopqrstuvwxyz.,;:'\"!?-";
export const CHARLM_STEPS = 64;

/** The inputs and targets a model declares for this task. */
export const CHARLM_ARRAYS: Record<string, ArraySpec> = {
  text: { dtype: "i32", shape: ["T"] },
  next: { dtype: "i32", shape: ["T"] },
};

const INDEX = new Map([...CHARLM_ALPHABET].map((c, i) => [c, i]));

/** The text as tokens of the alphabet. */
export function encodeText(text: string): Int32Array {
  const normal = text
    .toLowerCase()
    .replace(/[—–]/g, "-")
    .replace(/[“”]/g, '"')
    .replace(/[‘’]/g, "'")
    .replace(/\s+/g, " ");
  const out: number[] = [];
  for (const c of normal) {
    const i = INDEX.get(c);
    if (i !== undefined) out.push(i);
  }
  return Int32Array.from(out);
}

export function decodeText(tokens: ArrayLike<number>): string {
  return Array.from(tokens, (t) => CHARLM_ALPHABET[t] ?? "?").join("");
}

function windows(tokens: Int32Array, T: number, stride: number): Split {
  const count = Math.max(0, Math.floor((tokens.length - T - 1) / stride) + 1);
  const text = new Int32Array(count * T);
  const next = new Int32Array(count * T);
  for (let e = 0; e < count; e++) {
    text.set(tokens.subarray(e * stride, e * stride + T), e * T);
    next.set(tokens.subarray(e * stride + 1, e * stride + T + 1), e * T);
  }
  return { count, arrays: { text, next } };
}

export function charlmTask(corpus: string, T = CHARLM_STEPS): TaskData {
  // Chapter headings ("CHAPTER 3. The Spouter-Inn.") separate the chapters and are not trained on.
  const chapters = corpus.split(/^CHAPTER \d+\..*$/m).filter((c) => c.trim() !== "");
  if (chapters.length < 2) throw new Error("charlm: the corpus needs at least two chapters, each after a line 'CHAPTER <n>. <title>'");
  return {
    name: "charlm",
    description: `next character of Moby-Dick, ${CHARLM_ALPHABET.length} characters, last chapter held out`,
    train: windows(encodeText(chapters.slice(0, -1).join(" ")), T, T / 2),
    test: windows(encodeText(chapters[chapters.length - 1]!), T, T),
    dims: { T },
    arrays: CHARLM_ARRAYS,
    classification: { target: "next", classes: CHARLM_ALPHABET.length },
    reportLoss: true,
    showcase: (model) => (model.generate ? [`"${sampleText(model, "call me ishmael. ", 240, T)}"`] : []),
  };
}

/**
 * Continues `prompt` by `length` characters sampled at a temperature. Each
 * call decodes one window of T steps with the last T/2 characters as its
 * prompt, so the text can be longer than the model's window.
 */
export function sampleText(model: Trainable, prompt: string, length: number, T = CHARLM_STEPS, temperature = 0.7, seed = 0): string {
  const tokens = Array.from(encodeText(prompt));
  const end = tokens.length + length;
  while (tokens.length < end) {
    const context = Int32Array.from(tokens.slice(-T / 2));
    const out = model.generate!({}, { batch: 1, T }, { prompt: context, temperature, seed: seed + tokens.length });
    tokens.push(...out.subarray(context.length, context.length + end - tokens.length));
  }
  return decodeText(tokens);
}

/** The cross-entropy (nats per character) of a model that knows only how often each character occurs in `train`. */
export function unigramLoss(train: Int32Array, test: Int32Array, classes: number): number {
  const counts = new Float64Array(classes).fill(1);
  for (const t of train) counts[t]!++;
  const total = counts.reduce((a, b) => a + b, 0);
  let sum = 0;
  for (const t of test) sum -= Math.log(counts[t]! / total);
  return sum / test.length;
}
