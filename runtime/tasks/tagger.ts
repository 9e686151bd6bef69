// `--data tagger`: part-of-speech tagging on sentences generated from a small
// grammar, for examples/tagger.nn.
//
//   S    = SUBJ ADV? VERB OBJ? (PREP NP)? ADV?
//   SUBJ = NP | PRON          OBJ = NP | PRON
//   NP   = DET ADJ{0,2} NOUN
//
// Half the nouns and more than half the verbs drawn are words that are both
// ("fly", "book", "watch", "saw", …: NN after a determiner or adjective, VV
// after the subject), and a few adjectives are also adverbs ("fast", "hard":
// ADJ inside a noun phrase, ADV after the verb), so a word's tag depends on
// the words before it — the left context an LSTM reading forward sees always
// settles it. Sentences are padded to T with word 0 and tag PAD; `n` holds
// each sentence's length, and accuracy counts real words only. Held-out
// sentences never occur in the training split. Browser-safe (no Node APIs).
import { Rng } from "../random.ts";
import type { Split } from "../train.ts";
import { drawDistinct, type TaskData } from "./task.ts";

/** Tag indices, 0 being the padding tag. */
export const TAGGER_TAGS = ["PAD", "DET", "ADJ", "NN", "VV", "PP", "ADV", "PRON"] as const;
export type Tag = (typeof TAGGER_TAGS)[number];

/** Longest sentence the grammar makes (the padded length T). */
export const TAGGER_MAX_LENGTH = 16;

const DET = ["the", "a", "this", "that", "every", "some", "my", "your", "his", "our", "their", "no"];
const ADJ = ["big", "small", "old", "young", "red", "green", "happy", "sad", "quiet", "loud", "tall", "short", "bright", "dark", "lazy", "busy", "strange", "famous", "tiny", "huge", "clever", "angry", "gentle", "brave", "heavy", "empty", "rich", "poor", "warm", "wild"];
/** ADJ inside a noun phrase, ADV after the verb. */
const ADJ_ADV = ["fast", "hard", "late", "early", "high", "low"];
const NOUN = ["dog", "cat", "man", "woman", "child", "teacher", "student", "farmer", "doctor", "bird", "horse", "car", "house", "tree", "river", "city", "garden", "table", "letter", "song", "window", "door", "apple", "bread", "king", "queen", "girl", "boy", "friend", "stone", "road", "ship", "box", "mountain", "forest", "field", "chair", "cup", "lamp", "baker"];
/** NN after a determiner or adjective, VV after the subject. */
const NOUN_VERB = ["fly", "book", "watch", "park", "plant", "duck", "fish", "train", "ring", "rock", "play", "walk", "dance", "cook", "drink", "paint", "light", "water", "visit", "call", "help", "smell", "sound", "saw", "dream"];
const VERB = ["sees", "likes", "finds", "takes", "gives", "eats", "sleeps", "runs", "jumps", "reads", "writes", "sings", "loves", "hates", "builds", "opens", "carries", "follows", "knows", "wants", "buys", "sells", "moves", "holds", "breaks", "cleans", "makes", "leaves", "meets", "waits"];
const PREP = ["in", "on", "under", "near", "with", "behind", "over", "by", "from", "across", "into", "beside"];
/** Adverbs before the verb. */
const ADV_PRE = ["often", "never", "always", "rarely", "sometimes", "soon", "quietly", "slowly"];
/** Adverbs after the verb (with the ADJ/ADV words). */
const ADV_POST = ["quickly", "again", "today", "together"];
const PRON_SUBJECT = ["i", "you", "he", "she", "we", "they", "it"];
const PRON_OBJECT = ["me", "you", "him", "her", "us", "them", "it"];

/** Every word with the tags it can have; index 0 is the padding word. */
export const TAGGER_VOCABULARY: readonly string[] = (() => {
  const words = ["<pad>"];
  const seen = new Set(words);
  for (const list of [DET, ADJ, ADJ_ADV, NOUN, NOUN_VERB, VERB, PREP, ADV_PRE, ADV_POST, PRON_SUBJECT, PRON_OBJECT])
    for (const w of list)
      if (!seen.has(w)) {
        seen.add(w);
        words.push(w);
      }
  return words;
})();

/** Words that take more than one tag in the grammar. */
export const TAGGER_AMBIGUOUS: readonly string[] = [...NOUN_VERB, ...ADJ_ADV];

const INDEX = new Map(TAGGER_VOCABULARY.map((w, i) => [w, i]));
const TAG = new Map(TAGGER_TAGS.map((t, i) => [t as string, i]));

export interface TaggedSentence {
  words: string[];
  tags: Tag[];
}

/** One sentence of the grammar. */
export function taggerSentence(rng: Rng): TaggedSentence {
  const words: string[] = [];
  const tags: Tag[] = [];
  const pick = (list: readonly string[]): string => list[rng.int(list.length)]!;
  const add = (word: string, tag: Tag): void => {
    words.push(word);
    tags.push(tag);
  };
  const nounPhrase = (): void => {
    add(pick(DET), "DET");
    const adjectives = rng.uniform() < 0.45 ? (rng.uniform() < 0.3 ? 2 : 1) : 0;
    for (let i = 0; i < adjectives; i++) add(rng.uniform() < 0.3 ? pick(ADJ_ADV) : pick(ADJ), "ADJ");
    add(rng.uniform() < 0.5 ? pick(NOUN_VERB) : pick(NOUN), "NN");
  };
  if (rng.uniform() < 0.2) add(pick(PRON_SUBJECT), "PRON");
  else nounPhrase();
  if (rng.uniform() < 0.2) add(pick(ADV_PRE), "ADV");
  add(rng.uniform() < 0.6 ? pick(NOUN_VERB) : pick(VERB), "VV");
  const object = rng.uniform();
  if (object < 0.15) add(pick(PRON_OBJECT), "PRON");
  else if (object < 0.7) nounPhrase();
  if (rng.uniform() < 0.4) {
    add(pick(PREP), "PP");
    nounPhrase();
  }
  if (rng.uniform() < 0.25) add(rng.uniform() < 0.7 ? pick(ADJ_ADV) : pick(ADV_POST), "ADV");
  return { words, tags };
}

export interface TaggerOptions {
  /** Training sentences (default 3000). */
  train?: number;
  /** Held-out sentences (default 500), none of which occurs in the training split. */
  test?: number;
}

function encode(sentences: TaggedSentence[]): Split {
  const T = TAGGER_MAX_LENGTH;
  const words = new Int32Array(sentences.length * T);
  const tags = new Int32Array(sentences.length * T);
  const n = new Int32Array(sentences.length);
  sentences.forEach((s, e) => {
    n[e] = s.words.length;
    s.words.forEach((w, p) => {
      words[e * T + p] = INDEX.get(w)!;
      tags[e * T + p] = TAG.get(s.tags[p]!)!;
    });
  });
  return { count: sentences.length, arrays: { words, n, tags } };
}

/** The task: distinct sentences, the held-out ones drawn first. */
export function taggerTask(seed: number, options: TaggerOptions = {}): TaskData {
  const trainCount = options.train ?? 3000;
  const testCount = options.test ?? 500;
  const rng = new Rng(seed);
  const seen = new Set<string>();
  const draw = (count: number) => drawDistinct(count, seen, () => taggerSentence(rng), (s) => s.words.join(" "), "tagger sentences");
  const test = draw(testCount);
  const train = draw(trainCount);
  return {
    name: "tagger",
    description: `part-of-speech tagging of generated sentences, ${TAGGER_VOCABULARY.length} words, ${TAGGER_TAGS.length} tags`,
    train: encode(train),
    test: encode(test),
    dims: { T: TAGGER_MAX_LENGTH },
    arrays: {
      words: { dtype: "i32", shape: ["T"] },
      n: { dtype: "i32", shape: [] },
      tags: { dtype: "i32", shape: ["T"] },
    },
    classification: { target: "tags", classes: TAGGER_TAGS.length, lengths: "n" },
  };
}

/** Decodes example `e` of a split back to words and tags (for tests and debugging). */
export function taggerExample(split: Split, e: number): TaggedSentence {
  const T = TAGGER_MAX_LENGTH;
  const n = (split.arrays.n as Int32Array)[e]!;
  const words: string[] = [];
  const tags: Tag[] = [];
  for (let p = 0; p < n; p++) {
    words.push(TAGGER_VOCABULARY[(split.arrays.words as Int32Array)[e * T + p]!]!);
    tags.push(TAGGER_TAGS[(split.arrays.tags as Int32Array)[e * T + p]!]!);
  }
  return { words, tags };
}
