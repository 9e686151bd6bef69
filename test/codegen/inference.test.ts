// `compile(…, { inference: true })` (`nnc compile --inference`): modules
// without training. Their forward, loss and generate compute the full
// module's results bit for bit (same seed, same parameters, same code), they
// have no training members, and they are much smaller.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compile } from "../../compiler/index.ts";
import { loadModule, type ModelClass } from "../../compiler/codegen/load.ts";
import { makeInputs, type Arrays } from "./harness.ts";

interface Example {
  file: string;
  dims: { batch: number; [symbol: string]: number };
  /** Integer inputs' ranges (vocabularies, classes). */
  ranges: Record<string, number>;
  /** Per-example length inputs, set to 1…max. */
  lengths?: Record<string, number>;
}

// A convolutional, a recurrent (lstm over padded sequences), an attention and
// an encoder–decoder model, and one with dropout.
const examples: Example[] = [
  { file: "lenet.nn", dims: { batch: 3 }, ranges: { label: 10 } },
  { file: "tagger.nn", dims: { batch: 3, T: 7 }, ranges: { words: 200, tags: 8 }, lengths: { n: 7 } },
  { file: "transformer.nn", dims: { batch: 2, T: 9 }, ranges: { tokens: 16, label: 2 } },
  { file: "translator.nn", dims: { batch: 2, S: 6, T: 5 }, ranges: { digits: 13, prev: 13, next: 13 }, lengths: { n: 6 } },
  { file: "textcnn.nn", dims: { batch: 2, T: 8 }, ranges: { sentence: 5000, label: 2 } },
];

function build(file: string, inference: boolean): { code: string; M: ModelClass } {
  const path = `examples/${file}`;
  const { diagnostics, code } = compile(readFileSync(path, "utf8"), { filename: path, inference });
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return { code: code!, M: Object.values(loadModule(code!))[0]! };
}

function inputsFor(M: ModelClass, e: Example): Arrays {
  const all = makeInputs(M, e.dims, e.ranges);
  for (const [name, max] of Object.entries(e.lengths ?? {})) (all[name] as Int32Array).forEach((_, i, a) => (a[i] = 1 + (i % max)));
  return all;
}

/** The bits of a float array, so that equal means bit for bit (NaN and -0 included). */
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe("inference modules", () => {
  for (const e of examples) {
    it(`${e.file}: forward and loss give the full module's bits; no training members`, () => {
      const full = build(e.file, false);
      const lean = build(e.file, true);
      const all = inputsFor(full.M, e);
      const inputs = Object.fromEntries(Object.entries(all).filter(([k]) => k in full.M.inputs));
      const a = new full.M({ seed: 5 });
      const b = new lean.M({ seed: 5 });
      const outA = a.forward(inputs, e.dims);
      const outB = b.forward(inputs, e.dims);
      expect(Object.keys(outB)).toEqual(Object.keys(outA));
      for (const name of Object.keys(outA)) expect(bits(outB[name]!), name).toEqual(bits(outA[name]!));
      // The loss without gradients, dropout inactive as in forward: the same in both, and on every call.
      expect(Object.is(b.loss!(all, e.dims), a.loss!(all, e.dims))).toBe(true);
      expect(Object.is(b.loss!(all, e.dims), b.loss!(all, e.dims))).toBe(true);

      expect(b.lossAndGrads).toBeUndefined();
      expect(b.grads).toBeUndefined();
      expect(Object.keys(b.params)).toEqual(Object.keys(a.params));
      const methods = (m: object) => Object.getOwnPropertyNames(Object.getPrototypeOf(m)).sort();
      expect(methods(b)).toEqual(methods(a).filter((n) => n !== "lossAndGrads" && n !== "randomState"));
      // Static members are the full module's: the loss's kind, output and target stay known.
      expect(lean.M.loss).toEqual(full.M.loss);
      expect(lean.M.params).toEqual(full.M.params);
      expect(lean.code).not.toMatch(/_backward\b|_train\b|lossAndGrads|#G\b|grads/);
    });
  }

  it("decodes the full module's tokens (translator.nn)", () => {
    const e = examples.find((x) => x.file === "translator.nn")!;
    const full = build(e.file, false);
    const lean = build(e.file, true);
    const all = inputsFor(full.M, e);
    const { digits, n } = all;
    const run = (M: ModelClass) => new M({ seed: 2 }).generate!({ digits: digits!, n: n! }, e.dims, { temperature: 0.7, seed: 4 });
    expect(Array.from(run(lean.M))).toEqual(Array.from(run(full.M)));
  });

  it("loss() on the full module equals lossAndGrads where training computes the same (no dropout)", () => {
    const e = examples[0]!;
    const { M } = build(e.file, false);
    const all = inputsFor(M, e);
    const m = new M({ seed: 1 });
    expect(m.loss!(all, e.dims)).toBe(m.lossAndGrads!(all, e.dims));
  });

  it("loss() names itself in its errors, and needs the targets", () => {
    const e = examples[0]!;
    const { M } = build(e.file, true);
    const all = inputsFor(M, e);
    const m = new M();
    expect(() => m.loss!({ image: all.image! }, e.dims)).toThrow("LeNet5.loss: missing target 'label'");
    expect(() => m.loss!(all, { batch: 2 })).toThrow(/^LeNet5\.loss: input 'image' has 2352 elements, expected 1568/);
  });

  it("is much smaller: lenet under 70% of the full module, and combines with specialize", () => {
    const source = readFileSync("examples/lenet.nn", "utf8");
    const size = (inference: boolean, specialize?: Record<string, number>) => compile(source, { filename: "lenet.nn", inference, ...(specialize ? { specialize } : {}) }).code!.length;
    expect(size(true) / size(false)).toBeLessThan(0.7);
    expect(size(true, { batch: 4 }) / size(false, { batch: 4 })).toBeLessThan(0.7);
    const { code } = compile(source, { filename: "lenet.nn", inference: true, specialize: { batch: 4 } });
    const M = Object.values(loadModule(code!))[0]!;
    expect(new M().forward({ image: new Float32Array(4 * 784) }, { batch: 4 }).logits!.length).toBe(40);
  });

  it("a model without a loss has neither loss nor lossAndGrads", () => {
    const { code } = compile("model M {\n  input x: f32[3]\n  output y = x -> dense(2)\n}\n", { inference: true });
    const m = new (Object.values(loadModule(code!))[0]!)();
    expect(m.loss).toBeUndefined();
    expect(m.lossAndGrads).toBeUndefined();
    expect(m.forward({ x: new Float32Array(3) }, { batch: 1 }).y!.length).toBe(2);
  });
});
