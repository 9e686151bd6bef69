// The sequence-model examples learn their generated tasks within bounded
// runs, measured on held-out data the way `nnc train` measures them: exact
// sequences decoded greedily with the model's own outputs fed back (never
// the true ones), accuracy for the classifier, held-out loss for the
// language model. Also the tasks' encodings.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compile } from "../../compiler/index.ts";
import { loadModule, type ModelInstance } from "../../compiler/codegen/load.ts";
import { createOptimizer, evaluateAccuracy, evaluateLoss, train } from "../../runtime/index.ts";
import type { TaskData } from "../../runtime/tasks/index.ts";
import { digitTask, digitText, START, STOP } from "../../runtime/tasks/digits.ts";
import { spellTask, spellText, SPELL_STEPS } from "../../runtime/tasks/spell.ts";
import { CHARLM_ALPHABET, charlmTask, decodeText, encodeText, sampleText, unigramLoss } from "../../runtime/tasks/charlm.ts";
import { firstLastTask } from "../../runtime/tasks/firstlast.ts";
import { loadMnist } from "../../runtime/mnist-node.ts";

const corpus = () => readFileSync("examples/data/moby-dick.txt", "utf8");

function exampleModel(file: string): ModelInstance {
  const r = compile(readFileSync(`examples/${file}`, "utf8"), { filename: file });
  if (!r.code) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  return new (Object.values(loadModule(r.code))[0]!)({ seed: 0 });
}

/** Trains with Adam on a cosine schedule; stops early once held-out accuracy reaches `enough`. Returns the final held-out accuracy. */
function trainUntil(model: ModelInstance, data: TaskData, o: { epochs: number; lr: number; batch?: number; clipNorm?: number; enough?: number }): number {
  const classification = { ...data.classification, output: "logits" };
  let reached = false;
  const result = train(model, data.train, data.test, {
    epochs: o.epochs,
    batchSize: o.batch ?? 32,
    optimizer: createOptimizer("adam", { lr: o.lr, ...(o.clipNorm ? { clipNorm: o.clipNorm } : {}) }),
    classification,
    dims: data.dims,
    lrSchedule: "cosine",
    onEpoch: (e) => (reached = (e.testAccuracy ?? 0) >= (o.enough ?? 1.1)),
    shouldStop: () => reached,
  });
  // Either every epoch ran, or the early stop ended the run between epochs (never a non-finite loss).
  expect(result.stopped).toBe(reached ? `stopped after epoch ${result.epochs.length}` : undefined);
  return result.epochs[result.epochs.length - 1]!.testAccuracy!;
}

describe("task encodings", () => {
  it("digits: prev is start then the answer; next is the answer then stop; splits are disjoint", () => {
    const data = digitTask(1, { order: "reverse", minLength: 3, maxLength: 6, train: 300, test: 50 });
    const { digits, n, prev, next } = data.train.arrays as Record<string, Int32Array>;
    expect(data.dims).toEqual({ S: 6, T: 7 });
    for (let e = 0; e < 300; e++) {
      expect(n[e]).toBeGreaterThanOrEqual(3);
      expect(n[e]).toBeLessThanOrEqual(6);
      const source = digitText(digits!.subarray(e * 6, e * 6 + n[e]!));
      const answer = digitText(next!.subarray(e * 7, e * 7 + 7));
      expect(answer).toBe([...source].reverse().join("") + "$".repeat(7 - n[e]!));
      expect(prev![e * 7]).toBe(START);
      expect(Array.from(prev!.subarray(e * 7 + 1, e * 7 + 7))).toEqual(Array.from(next!.subarray(e * 7, e * 7 + 6)));
    }
    const key = (s: Int32Array, e: number) => digitText(s.subarray(e * 6, e * 6 + 6));
    const train = new Set(Array.from({ length: 300 }, (_, e) => key(digits!, e)));
    const testDigits = data.test.arrays.digits as Int32Array;
    for (let e = 0; e < 50; e++) expect(train.has(key(testDigits, e))).toBe(false);
    const sorted = digitTask(1, { order: "sort", minLength: 5, maxLength: 5, train: 1, test: 1 });
    const s = digitText((sorted.test.arrays.digits as Int32Array).subarray(0, 5));
    expect(digitText((sorted.test.arrays.next as Int32Array).subarray(0, 6))).toBe([...s].sort().join("") + "$");
  });

  it("spell: a digit's name, letter by letter, then stop", () => {
    const images = new Float32Array(2 * 784);
    const data = spellTask({ train: { images, labels: Int32Array.from([7, 1]), count: 2 }, test: { images, labels: Int32Array.from([0, 3]), count: 2 } });
    const next = data.train.arrays.next as Int32Array;
    const prev = data.train.arrays.prev as Int32Array;
    expect(spellText(next.subarray(0, SPELL_STEPS))).toBe("seven$");
    expect(spellText(prev.subarray(0, SPELL_STEPS))).toBe("^seven");
    expect(spellText(next.subarray(SPELL_STEPS, 2 * SPELL_STEPS))).toBe("one$$$");
    expect(spellText(prev.subarray(SPELL_STEPS, 2 * SPELL_STEPS))).toBe("^one$$");
  });

  it("charlm: windows of the text and the same shifted by one; the last chapter is held out", () => {
    expect(CHARLM_ALPHABET).toHaveLength(36); // examples/charlm.nn: const CHARS = 36
    expect(decodeText(encodeText("Call me  Ishmael.—Some\nyears (ago)"))).toBe("call me ishmael.-some years ago");
    const data = charlmTask(corpus());
    const { text, next } = data.train.arrays as Record<string, Int32Array>;
    expect(Array.from(text!.subarray(1, 64))).toEqual(Array.from(next!.subarray(0, 63)));
    expect(decodeText(text!.subarray(0, 64))).toMatch(/^ call me ishmael\. some years ago-never mind/);
    expect(decodeText((data.test.arrays.text as Int32Array).subarray(0, 64))).toMatch(/^ returning to the spouter-inn from the chapel/);
    expect(decodeText(text!)).not.toContain("chapter . "); // headings, their numbers dropped
  });

  it("first-last: balanced labels that say whether the last token repeats the first", () => {
    const data = firstLastTask(2, { train: 200, test: 50 });
    const { tokens, label } = data.train.arrays as Record<string, Int32Array>;
    let ones = 0;
    for (let e = 0; e < 200; e++) {
      expect(label![e]).toBe(tokens![e * 24] === tokens![e * 24 + 23] ? 1 : 0);
      ones += label![e]!;
    }
    expect(ones).toBe(100);
  });
});

describe("the examples learn (bounded runs, held-out data)", () => {
  it("reverser.nn (lstm encoder–decoder, initial state): ≥ 90% exact reversed strings of 3–6 digits, decoded greedily", () => {
    const model = exampleModel("reverser.nn");
    const accuracy = trainUntil(model, digitTask(0, { order: "reverse", minLength: 3, maxLength: 6 }), { epochs: 5, lr: 0.01, clipNorm: 5, enough: 0.95 });
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
  }, 600_000);

  it("translator.nn (cross-attention) reverses 5–10 digits ≥ 90% exact; the lstm encoder–decoder without attention, trained alike, far less", () => {
    const data = digitTask(0, { order: "reverse", minLength: 5, maxLength: 10 });
    const withAttention = trainUntil(exampleModel("translator.nn"), data, { epochs: 2, lr: 0.002, enough: 0.95 });
    expect(withAttention).toBeGreaterThanOrEqual(0.9);
    const without = exampleModel("reverser.nn");
    const accuracy = trainUntil(without, data, { epochs: 1, lr: 0.01, clipNorm: 5 });
    expect(accuracy).toBeLessThan(withAttention - 0.5);
    // Measured the same way as during training: decoding, not teacher forcing.
    expect(evaluateAccuracy(without, data.test, { ...data.classification, output: "logits" }, 256, data.dims)).toBe(accuracy);
  }, 600_000);

  it("speller.nn (image → name): ≥ 90% exact names of held-out MNIST digits", () => {
    const model = exampleModel("speller.nn");
    const accuracy = trainUntil(model, spellTask(loadMnist()), { epochs: 5, lr: 0.006, clipNorm: 5, enough: 0.93 });
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
  }, 600_000);

  it("transformer.nn: ≥ 95% held out on first-last, which a bag of words cannot beat 50% on", () => {
    const model = exampleModel("transformer.nn");
    const accuracy = trainUntil(model, firstLastTask(0), { epochs: 4, lr: 0.002, enough: 0.98 });
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
  }, 600_000);

  it("charlm.nn: held-out loss well below a unigram model's after one epoch; samples use the alphabet", () => {
    const data = charlmTask(corpus());
    const model = exampleModel("charlm.nn");
    const task = { ...data.classification, output: "logits" };
    const before = evaluateLoss(model, data.test, task, 256, data.dims);
    trainUntil(model, data, { epochs: 1, lr: 0.004 });
    const after = evaluateLoss(model, data.test, task, 256, data.dims);
    const unigram = unigramLoss(data.train.arrays.next as Int32Array, data.test.arrays.next as Int32Array, CHARLM_ALPHABET.length);
    expect(before).toBeGreaterThan(3.3); // about ln 36: knows nothing
    expect(after).toBeLessThan(unigram - 0.3);
    const sample = sampleText(model, "call me ishmael. ", 80);
    expect(sample).toMatch(/^call me ishmael\. /);
    expect(sample).toHaveLength("call me ishmael. ".length + 80);
    expect(sampleText(model, "call me ishmael. ", 80)).toBe(sample); // seeded
  }, 600_000);
});
