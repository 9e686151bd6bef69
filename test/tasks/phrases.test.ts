// The generated key-phrase task for examples/textcnn.nn: seeded, held-out
// sentences unseen in training, word order needed (each positive has a
// negative twin with the same words), and the TextCNN learning it — also at
// the symbolic lengths it was compiled for, which once gave NaN.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compile, loadModule } from "../../compiler/index.ts";
import { adam, train } from "../../runtime/index.ts";
import { tasks } from "../../runtime/tasks/index.ts";
import { findPhrase, keyPhrases, PHRASES_LENGTH, PHRASES_VOCABULARY, phrasesTask } from "../../runtime/tasks/phrases.ts";

const T = PHRASES_LENGTH;
const sentences = (arrays: Record<string, Int32Array | Float32Array>, count: number) => Array.from({ length: count }, (_, e) => Array.from(arrays.sentence!.subarray(e * T, (e + 1) * T)));

describe("phrases task", () => {
  it("is registered, and the same seed gives the same data", () => {
    const a = phrasesTask(3);
    const b = tasks.phrases!(3);
    for (const split of ["train", "test"] as const) for (const name of ["sentence", "label"]) expect(b[split].arrays[name]).toEqual(a[split].arrays[name]);
    expect(phrasesTask(4).train.arrays.sentence).not.toEqual(a.train.arrays.sentence);
    expect([a.train.count, a.test.count]).toEqual([4000, 1000]);
    expect(a.dims).toEqual({ T });
  });

  it("labels exactly the sentences that hold a key phrase; negatives are their positive twin's words reordered; nothing held out occurs in training", () => {
    const data = phrasesTask(1);
    const phrases = keyPhrases(1);
    const seen = new Set(sentences(data.train.arrays, data.train.count).map((s) => s.join(",")));
    for (const split of [data.train, data.test]) {
      const all = sentences(split.arrays, split.count);
      const label = split.arrays.label as Int32Array;
      for (let e = 0; e < split.count; e++) {
        expect(findPhrase(all[e]!, phrases) >= 0).toBe(label[e] === 1);
        expect(all[e]!.every((w) => w >= 1 && w < PHRASES_VOCABULARY)).toBe(true);
      }
      // Twins (2e, 2e + 1) have the same bag of words and opposite labels: a bag of words gets at most half right.
      for (let e = 0; e + 1 < split.count; e += 2) {
        expect([...all[e]!].sort((x, y) => x - y)).toEqual([...all[e + 1]!].sort((x, y) => x - y));
        expect([label[e], label[e + 1]]).toEqual([1, 0]);
      }
    }
    const test = sentences(data.test.arrays, data.test.count).map((s) => s.join(","));
    expect(test.filter((s, e) => e % 2 === 0 && seen.has(s))).toEqual([]);
  });

  it("examples/textcnn.nn declares the task's arrays, and its vocabulary covers the task's", () => {
    const { code } = compile(readFileSync("examples/textcnn.nn", "utf8"), { filename: "examples/textcnn.nn" });
    const M = loadModule(code!).TextCNN!;
    for (const [name, spec] of Object.entries(phrasesTask(0).arrays)) {
      const declared = M.inputs[name] ?? M.targets[name];
      expect({ dtype: declared!.dtype, shape: [...declared!.shape] }, name).toEqual(spec);
    }
    expect(PHRASES_VOCABULARY).toBeLessThanOrEqual(M.params["embedding_1.table"]![0]!);
  });

  // 2,000 sentences, 2 epochs, batch 32, Adam 2e-3: seeds 0, 1, 2 reached
  // 96.2%, 93.4% and 95.2% held out here (the CLI's 4 epochs on 4,000 reach
  // 99%). Before the symbolic-dims fix the first step's loss was NaN.
  it("examples/textcnn.nn learns it: ≥ 90% held out after two epochs, where a bag of words gets 50%", () => {
    const { code } = compile(readFileSync("examples/textcnn.nn", "utf8"), { filename: "examples/textcnn.nn" });
    const TextCNN = loadModule(code!).TextCNN!;
    const data = phrasesTask(0, { train: 2000, test: 500 });
    const model = new TextCNN({ seed: 0 });
    const result = train(model, data.train, data.test, { epochs: 2, batchSize: 32, optimizer: adam({ lr: 2e-3 }), lrSchedule: "cosine", seed: 0, dims: data.dims, classification: { ...data.classification, output: "logits" } });
    expect(result.stopped).toBeUndefined();
    expect(result.epochs.every((e) => Number.isFinite(e.loss))).toBe(true);
    expect(result.epochs.at(-1)!.testAccuracy!).toBeGreaterThanOrEqual(0.9);
  });
});
