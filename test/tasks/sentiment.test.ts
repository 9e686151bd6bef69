// The generated review-polarity task: seeded and reproducible, held-out
// reviews unseen in training, order needed (same words, opposite labels), and
// examples/sentiment.nn learning it — negations and "but" included.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compile, loadModule } from "../../compiler/index.ts";
import { adam, argmax, evaluateAccuracy, train } from "../../runtime/index.ts";
import { tasks } from "../../runtime/tasks/index.ts";
import { bagOfWordsCeiling, SENTIMENT_MAX_LENGTH, SENTIMENT_VOCABULARY, sentimentExample, sentimentTask } from "../../runtime/tasks/sentiment.ts";

const T = SENTIMENT_MAX_LENGTH;
const texts = (split: Parameters<typeof sentimentExample>[0]) => Array.from({ length: split.count }, (_, e) => sentimentExample(split, e).words.join(" "));

describe("sentiment task", () => {
  it("is registered, and the same seed gives the same data", () => {
    expect(tasks.sentiment).toBeDefined();
    const a = sentimentTask(7);
    const b = tasks.sentiment!(7);
    for (const split of ["train", "test"] as const)
      for (const name of ["words", "n", "label"]) expect(b[split].arrays[name]).toEqual(a[split].arrays[name]);
    expect(sentimentTask(8).train.arrays.words).not.toEqual(a.train.arrays.words);
    expect(a.train.count).toBe(4000);
    expect(a.test.count).toBe(1000);
    expect(a.dims).toEqual({ T });
  });

  it("has distinct reviews, none held out that occurs in training, balanced labels, padded after n", () => {
    const data = sentimentTask(1);
    const train = texts(data.train);
    const test = texts(data.test);
    expect(new Set(train).size).toBe(train.length);
    expect(new Set(test).size).toBe(test.length);
    const seen = new Set(train);
    expect(test.filter((s) => seen.has(s))).toEqual([]);
    for (const split of [data.train, data.test]) {
      const { words, n, label } = split.arrays as Record<string, Int32Array>;
      let positive = 0;
      const bad: number[] = [];
      for (let e = 0; e < split.count; e++) {
        positive += label[e]!;
        if (n[e]! < 2 || n[e]! > T) bad.push(e);
        for (let p = 0; p < T; p++) if ((words[e * T + p]! > 0) !== p < n[e]! || words[e * T + p]! >= SENTIMENT_VOCABULARY.length) bad.push(e);
      }
      expect(bad).toEqual([]);
      expect(positive / split.count).toBeGreaterThan(0.4);
      expect(positive / split.count).toBeLessThan(0.6);
    }
  });

  it("needs order: held-out reviews share their words with reviews of the opposite label, so bag-of-words stays ≤ 70%", () => {
    const data = sentimentTask(0);
    const ceiling = bagOfWordsCeiling(data.test);
    expect(ceiling.filter(Boolean).length / data.test.count).toBeLessThan(0.7);
    // e.g. the same two clauses either way round.
    const test = new Map(texts(data.test).map((s, e) => [s, e]));
    const label = data.test.arrays.label as Int32Array;
    let swapped = 0;
    for (const [s, e] of test) {
      const [a, b] = s.split(" but ");
      if (b === undefined || a!.includes(",") || b.endsWith(".")) continue;
      const other = test.get(`${b} but ${a}`);
      if (other === undefined) continue;
      expect(label[other]).toBe(1 - label[e]!);
      swapped++;
    }
    expect(swapped).toBeGreaterThan(100);
  });

  it("examples/sentiment.nn declares the task's arrays", () => {
    const { code } = compile(readFileSync("examples/sentiment.nn", "utf8"), { filename: "examples/sentiment.nn" });
    const M = loadModule(code!).Sentiment!;
    const data = sentimentTask(0);
    for (const [name, spec] of Object.entries(data.arrays)) {
      const declared = M.inputs[name] ?? M.targets[name];
      expect(declared, name).toBeDefined();
      expect({ dtype: declared!.dtype, shape: [...declared!.shape] }).toEqual(spec);
    }
    expect(SENTIMENT_VOCABULARY.length).toBeLessThanOrEqual(M.params["embedding_1.table"]![0]!);
  });

  // 3,000 reviews, 2 epochs, batch 16, Adam 5e-3 (cosine, clip norm 5).
  // Seeds 0–4 all reached 100% held-out (negated reviews and the ~35% that
  // bag-of-words must get wrong included; seed 4 had 85.7% after epoch 1),
  // about 7–10 s each here; the bag-of-words ceiling was 64–66%.
  it("examples/sentiment.nn learns it: ≥ 90% held-out, ≥ 85% on negated reviews and where bag-of-words must fail", () => {
    const seed = 0;
    const { code } = compile(readFileSync("examples/sentiment.nn", "utf8"), { filename: "examples/sentiment.nn" });
    const Sentiment = loadModule(code!).Sentiment!;
    const data = sentimentTask(seed, { train: 3000, test: 1000 });
    const model = new Sentiment({ seed });
    const task = { ...data.classification, output: "logits" };
    const result = train(model, data.train, data.test, { epochs: 2, batchSize: 16, optimizer: adam({ lr: 5e-3, clipNorm: 5 }), lrSchedule: "cosine", seed, dims: data.dims, classification: task });
    expect(result.stopped).toBeUndefined();
    expect(result.epochs[result.epochs.length - 1]!.testAccuracy!).toBeGreaterThanOrEqual(0.9);
    expect(evaluateAccuracy(model, data.test, task, 256, data.dims)).toBe(result.epochs[result.epochs.length - 1]!.testAccuracy);

    const { words, n, label } = data.test.arrays as Record<string, Int32Array>;
    const logits = model.forward({ words, n }, { batch: data.test.count, T })["logits"]!;
    const ceiling = bagOfWordsCeiling(data.test);
    const subset = (keep: (e: number) => boolean) => {
      let right = 0;
      let total = 0;
      for (let e = 0; e < data.test.count; e++) {
        if (!keep(e)) continue;
        total++;
        if (argmax(logits, e * 2, 2) === label[e]) right++;
      }
      return { accuracy: right / total, total };
    };
    const negated = subset((e) => sentimentExample(data.test, e).negated);
    expect(negated.total).toBeGreaterThan(300);
    expect(negated.accuracy).toBeGreaterThanOrEqual(0.85);
    // The reviews even the best bag-of-words guess gets wrong.
    const orderOnly = subset((e) => !ceiling[e]);
    expect(orderOnly.total).toBeGreaterThan(250);
    expect(orderOnly.accuracy).toBeGreaterThanOrEqual(0.85);
  });
});
