// `--data sentiment`: is a generated review positive or negative? For
// examples/sentiment.nn.
//
// A review is one clause, or two joined by "and" (same polarity) or "but"
// (opposite polarities), after an optional "honestly ,"-style opener:
//
//   the plot was not very good          → negative
//   i would really recommend it         → positive
//   the acting was bad but the music was not bad   → positive
//
// A clause's polarity is its adjective's or verb's, flipped by "not" or
// "never"; the review's label is its last clause's. So order matters: "A but
// B" and "B but A" have the same words and opposite labels, as do "A but not
// B" and "not A but B". The held-out split is built of such groups (a drawn
// "but" review with its swapped and negation-moved variants), so no
// bag-of-words model can get more than half of those right; `bagOfWordsCeiling`
// measures that bound. Reviews are padded to T with word 0; `n` holds their
// lengths. Held-out reviews never occur in the training split. Browser-safe.
import { Rng } from "../random.ts";
import type { Split } from "../train.ts";
import type { TaskData } from "./task.ts";

/** Longest review (the padded length T). */
export const SENTIMENT_MAX_LENGTH = 16;

const DET = ["the", "this", "that"];
const THING = ["movie", "film", "plot", "acting", "ending", "music", "story", "cast", "script", "dialogue", "pacing", "soundtrack", "direction", "humour", "villain", "premise", "finale", "editing"];
const COPULA = ["was", "is", "felt", "seemed"];
const GOOD = ["good", "great", "excellent", "wonderful", "brilliant", "superb", "fun", "charming", "clever", "moving", "beautiful", "gripping", "funny", "solid", "delightful", "fantastic"];
const BAD = ["bad", "awful", "terrible", "boring", "dull", "weak", "poor", "bland", "clumsy", "tedious", "messy", "silly", "painful", "forgettable", "lazy", "horrible"];
const INTENSIFIER = ["very", "really", "so", "quite", "truly", "extremely", "pretty", "rather"];
const AUX = ["would", "will", "did"];
const LIKE = ["like", "enjoy", "recommend", "love"];
const HATE = ["hate", "dislike", "regret"];
const OPENER = ["honestly", "overall", "frankly", "well"];
const NEGATION = ["not", "never"];

/** Every word; index 0 is the padding word. */
export const SENTIMENT_VOCABULARY: readonly string[] = [
  "<pad>",
  ...DET,
  ...THING,
  ...COPULA,
  ...GOOD,
  ...BAD,
  ...INTENSIFIER,
  "i",
  "it",
  ...AUX,
  ...LIKE,
  ...HATE,
  ...OPENER,
  ",",
  ".",
  "and",
  "but",
  ...NEGATION,
];

const INDEX = new Map(SENTIMENT_VOCABULARY.map((w, i) => [w, i]));

/** A clause: `head`, then the negation if any, then `tail`; `base` is its polarity without the negation. */
interface Clause {
  head: string[];
  negation: string | null;
  tail: string[];
  base: 1 | -1;
}

const words = (c: Clause): string[] => [...c.head, ...(c.negation ? [c.negation] : []), ...c.tail];
const polarity = (c: Clause): 1 | -1 => (c.negation ? (-c.base as 1 | -1) : c.base);

export interface Review {
  words: string[];
  /** 1 positive, 0 negative. */
  label: 0 | 1;
  /** Whether the review contains a negation ("not" or "never"). */
  negated: boolean;
}

interface Draft {
  opener: string[];
  clauses: Clause[];
  connective: "and" | "but" | null;
  end: string[];
}

function clause(rng: Rng): Clause {
  const pick = (list: readonly string[]): string => list[rng.int(list.length)]!;
  const negation = rng.uniform() < 0.4 ? (rng.uniform() < 0.8 ? "not" : "never") : null;
  const intensifier = rng.uniform() < 0.35 ? [pick(INTENSIFIER)] : [];
  const base: 1 | -1 = rng.uniform() < 0.5 ? 1 : -1;
  if (rng.uniform() < 0.25) return { head: ["i", pick(AUX)], negation, tail: [...(intensifier.length ? ["really"] : []), pick(base > 0 ? LIKE : HATE), "it"], base };
  return { head: [pick(DET), pick(THING), pick(COPULA)], negation, tail: [...intensifier, pick(base > 0 ? GOOD : BAD)], base };
}

function draft(rng: Rng): Draft {
  const opener = rng.uniform() < 0.2 ? [OPENER[rng.int(OPENER.length)]!, ","] : [];
  const end = rng.uniform() < 0.3 ? ["."] : [];
  const first = clause(rng);
  const shape = rng.uniform();
  if (shape < 0.35) return { opener, clauses: [first], connective: null, end };
  const connective = shape < 0.8 ? "but" : "and";
  // "but" joins opposite polarities, "and" equal ones.
  for (;;) {
    const second = clause(rng);
    if ((polarity(second) === polarity(first)) === (connective === "and")) return { opener, clauses: [first, second], connective, end };
  }
}

function review(d: Draft): Review {
  const parts = d.clauses.map(words);
  const text = [...d.opener, ...parts[0]!, ...(d.connective ? [d.connective, ...parts[1]!] : []), ...d.end];
  return { words: text, label: polarity(d.clauses[d.clauses.length - 1]!) > 0 ? 1 : 0, negated: d.clauses.some((c) => c.negation !== null) };
}

/**
 * A review with the variants that have the same words: for "A but B", also
 * "B but A", and when exactly one clause is negated, the negation moved to the
 * other clause (still opposite polarities), both ways round. Labels differ
 * within the group, half and half.
 */
function variants(d: Draft): Draft[] {
  if (d.connective !== "but") return [d];
  const [a, b] = d.clauses as [Clause, Clause];
  const out: Draft[] = [d, { ...d, clauses: [b, a] }];
  if ((a.negation === null) !== (b.negation === null)) {
    const negation = a.negation ?? b.negation;
    const a2 = { ...a, negation: a.negation ? null : negation };
    const b2 = { ...b, negation: b.negation ? null : negation };
    out.push({ ...d, clauses: [a2, b2] }, { ...d, clauses: [b2, a2] });
  }
  return out;
}

/** One review of the grammar. */
export function sentimentReview(rng: Rng): Review {
  return review(draft(rng));
}

export interface SentimentOptions {
  /** Training reviews (default 4000). */
  train?: number;
  /** Held-out reviews (default 1000), none of which occurs in the training split. */
  test?: number;
}

function encode(reviews: Review[]): Split {
  const T = SENTIMENT_MAX_LENGTH;
  const words = new Int32Array(reviews.length * T);
  const n = new Int32Array(reviews.length);
  const label = new Int32Array(reviews.length);
  reviews.forEach((r, e) => {
    n[e] = r.words.length;
    label[e] = r.label;
    r.words.forEach((w, p) => (words[e * T + p] = INDEX.get(w)!));
  });
  return { count: reviews.length, arrays: { words, n, label } };
}

/** The task: distinct reviews; the held-out ones, drawn first, come in same-words groups. */
export function sentimentTask(seed: number, options: SentimentOptions = {}): TaskData {
  const trainCount = options.train ?? 4000;
  const testCount = options.test ?? 1000;
  const rng = new Rng(seed);
  const seen = new Set<string>();
  const test: Review[] = [];
  for (let tries = 0; test.length < testCount; tries++) {
    if (tries > testCount * 100) throw new Error(`sentiment: could not draw ${testCount} distinct reviews`);
    // Variants can coincide ("good but not good" either way round): keep each once.
    const byKey = new Map(variants(draft(rng)).map((d) => { const r = review(d); return [r.words.join(" "), r] as const; }));
    const group = [...byKey.values()];
    const keys = [...byKey.keys()];
    if (group.length > testCount - test.length || keys.some((k) => seen.has(k))) continue;
    for (const k of keys) seen.add(k);
    test.push(...group);
  }
  const train: Review[] = [];
  for (let tries = 0; train.length < trainCount; tries++) {
    if (tries > trainCount * 100) throw new Error(`sentiment: could not draw ${trainCount} distinct reviews`);
    const r = sentimentReview(rng);
    const key = r.words.join(" ");
    if (seen.has(key)) continue;
    seen.add(key);
    train.push(r);
  }
  return {
    name: "sentiment",
    description: `polarity of generated reviews with negation and "but", ${SENTIMENT_VOCABULARY.length} words`,
    train: encode(train),
    test: encode(test),
    dims: { T: SENTIMENT_MAX_LENGTH },
    arrays: {
      words: { dtype: "i32", shape: ["T"] },
      n: { dtype: "i32", shape: [] },
      label: { dtype: "i32", shape: [] },
    },
    classification: { target: "label", classes: 2 },
  };
}

/** Decodes example `e` of a split back to a review. */
export function sentimentExample(split: Split, e: number): Review {
  const T = SENTIMENT_MAX_LENGTH;
  const n = (split.arrays.n as Int32Array)[e]!;
  const text: string[] = [];
  for (let p = 0; p < n; p++) text.push(SENTIMENT_VOCABULARY[(split.arrays.words as Int32Array)[e * T + p]!]!);
  return { words: text, label: (split.arrays.label as Int32Array)[e] === 1 ? 1 : 0, negated: text.some((w) => NEGATION.includes(w)) };
}

/**
 * The best accuracy any bag-of-words classifier can reach on `split`: reviews
 * with the same multiset of words get the same prediction, at best their
 * majority label. Returned per example (true where that best guess is right),
 * so callers can restrict it to a subset.
 */
export function bagOfWordsCeiling(split: Split): boolean[] {
  const groups = new Map<string, number[]>();
  const labels = split.arrays.label as Int32Array;
  for (let e = 0; e < split.count; e++) {
    const key = sentimentExample(split, e).words.slice().sort().join(" ");
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(e);
  }
  const right = new Array<boolean>(split.count).fill(false);
  for (const g of groups.values()) {
    const positives = g.filter((e) => labels[e] === 1).length;
    // Ties go to negative; either way the bound is the majority count.
    const guess = positives > g.length - positives ? 1 : 0;
    for (const e of g) right[e] = labels[e] === guess;
  }
  return right;
}
