// `--data phrases`: does a sentence contain one of a few key phrases? For
// examples/textcnn.nn, whose filters of widths 3, 4 and 5 each look for a
// local pattern anywhere in the sentence (Kim, 2014).
//
// Sentences are T = 28 words drawn from a vocabulary of 120 (word 0 is
// unused). Eight key phrases, fixed by the seed, are 3, 4 or 5 words long. A
// positive sentence holds one key phrase, in order and adjacent, at a random
// place; its negative twin holds the same words at the same place in another
// order (never a key phrase), so every word count is the same in both classes
// and a bag of words stays at 50%. Filler never contains a key phrase by
// chance. Held-out sentences never occur in training. Browser-safe.
import { Rng } from "../random.ts";
import type { Split } from "../train.ts";
import { drawDistinct, type TaskData } from "./task.ts";

export const PHRASES_LENGTH = 28;
export const PHRASES_VOCABULARY = 120;
const PHRASE_LENGTHS = [3, 3, 4, 4, 4, 5, 5, 5];

export interface PhrasesOptions {
  /** Training sentences (default 4000). */
  train?: number;
  /** Held-out sentences (default 1000). */
  test?: number;
}

/** The key phrases for a seed: distinct words within each phrase. */
export function keyPhrases(seed: number): number[][] {
  const rng = new Rng(seed * 7919 + 1);
  return PHRASE_LENGTHS.map((n) => {
    const words = new Set<number>();
    while (words.size < n) words.add(1 + rng.int(PHRASES_VOCABULARY - 1));
    return [...words];
  });
}

/** Where `sentence` holds one of `phrases` (in order, adjacent), or -1. */
export function findPhrase(sentence: ArrayLike<number>, phrases: number[][]): number {
  for (let p = 0; p < phrases.length; p++) {
    const phrase = phrases[p]!;
    for (let at = 0; at + phrase.length <= sentence.length; at++) if (phrase.every((w, i) => sentence[at + i] === w)) return p;
  }
  return -1;
}

export function phrasesTask(seed: number, options: PhrasesOptions = {}): TaskData {
  const T = PHRASES_LENGTH;
  const phrases = keyPhrases(seed);
  const rng = new Rng(seed);
  const word = () => 1 + rng.int(PHRASES_VOCABULARY - 1);
  /** A positive sentence and its negative twin (same words, the phrase's words reordered). */
  const pair = (): [number[], number[]] => {
    for (;;) {
      const phrase = phrases[rng.int(phrases.length)]!;
      const at = rng.int(T - phrase.length + 1);
      const positive = Array.from({ length: T }, word);
      positive.splice(at, phrase.length, ...phrase);
      const shuffled = [...phrase];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      const negative = [...positive];
      negative.splice(at, phrase.length, ...shuffled);
      // The filler may not hold a key phrase, nor may the reordering form one.
      const filler = [...positive];
      filler.splice(at, phrase.length, ...phrase.map(() => 0));
      if (findPhrase(filler, phrases) < 0 && findPhrase(negative, phrases) < 0) return [positive, negative];
    }
  };
  const seen = new Set<string>();
  const draw = (count: number): Split => {
    const pairs = drawDistinct(Math.ceil(count / 2), seen, pair, ([p]) => p.join(","), "phrase sentences");
    const sentence = new Int32Array(count * T);
    const label = new Int32Array(count);
    for (let e = 0; e < count; e++) {
      const [positive, negative] = pairs[e >> 1]!;
      const isPositive = e % 2 === 0;
      sentence.set(isPositive ? positive : negative, e * T);
      label[e] = isPositive ? 1 : 0;
    }
    return { count, arrays: { sentence, label } };
  };
  const test = draw(options.test ?? 1000);
  const train = draw(options.train ?? 4000);
  return {
    name: "phrases",
    description: `does a sentence of ${T} words contain one of ${phrases.length} key phrases (3–5 words, in order)?`,
    train,
    test,
    dims: { T },
    arrays: {
      sentence: { dtype: "i32", shape: ["T"] },
      label: { dtype: "i32", shape: [] },
    },
    classification: { target: "label", classes: 2 },
  };
}
