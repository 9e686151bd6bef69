// Bad run-time input gets an Error naming the input and the sizes (spec §8–§9).
import { describe, expect, it } from "vitest";
import { compileModel } from "./harness.ts";

const M = compileModel(`model Tagger {
  input words: i32[T]
  input extra: f32[T, 2]
  target tags: i32[T]
  e = words -> embedding(10, 2)
  logits = e + extra -> dense(3)
  output logits
  loss cross_entropy(logits, tags)
}`);
const m = new M();
const good = () => ({ words: new Int32Array([1, 2, 3, 4]), extra: new Float32Array(8), tags: new Int32Array([0, 1, 2, 0]) });
const dims = { batch: 2, T: 2 };

describe("run-time input errors", () => {
  it("accepts good input", () => {
    expect(Number.isFinite(m.lossAndGrads!(good(), dims))).toBe(true);
  });
  it("wrong length names the input, expected and actual sizes", () => {
    expect(() => m.forward({ words: new Int32Array(3), extra: new Float32Array(8) }, dims)).toThrow("Tagger.forward: input 'words' has 3 elements, expected 4 (shape [2, T=2])");
  });
  it("wrong dtype", () => {
    expect(() => m.forward({ words: new Float32Array(4), extra: new Float32Array(8) } as never, dims)).toThrow("input 'words' must be a Int32Array (i32), got Float32Array");
  });
  it("missing input and missing target", () => {
    expect(() => m.forward({ words: new Int32Array(4) }, dims)).toThrow("missing input 'extra'");
    const { tags: _, ...noTags } = good();
    expect(() => m.lossAndGrads!(noTags, dims)).toThrow("missing target 'tags'");
  });
  it("unknown input key", () => {
    expect(() => m.forward({ ...good(), wrods: new Int32Array(4) }, dims)).toThrow("unknown input 'wrods'");
  });
  it("forward ignores targets it is given", () => {
    expect(m.forward(good(), dims).logits).toHaveLength(2 * 2 * 3);
  });
  it("NaN in an input", () => {
    const bad = good();
    bad.extra[5] = NaN;
    expect(() => m.forward(bad, dims)).toThrow("input 'extra' holds NaN at index 5");
  });
  it("label out of range names the target", () => {
    const bad = good();
    bad.tags[3] = 7;
    expect(() => m.lossAndGrads!(bad, dims)).toThrow("cross_entropy: label 'tags' is 7 at position 3, outside [0, 3)");
  });
  it("embedding index out of range names the input", () => {
    const bad = good();
    bad.words[1] = -1;
    expect(() => m.forward(bad, dims)).toThrow("embedding: input 'words' holds index -1 at position 1, outside [0, 10)");
  });
  it("dims: batch, missing and unknown symbols", () => {
    expect(() => m.forward(good(), { batch: 0, T: 2 })).toThrow("dims.batch must be a positive integer, got 0");
    expect(() => m.forward(good(), { batch: 2 })).toThrow("dims.T is missing");
    expect(() => m.forward(good(), { batch: 2, T: 2, S: 1 })).toThrow("unknown dim 'S' (its symbols are T)");
  });
  it("a module specialised for a batch size rejects another", () => {
    const S = compileModel("model M {\n  input x: f32[2]\n  output y = x -> dense(1)\n}", undefined, { batch: 4 });
    expect(new S().forward({ x: new Float32Array(8) }, { batch: 4 }).y).toHaveLength(4);
    expect(() => new S().forward({ x: new Float32Array(2) }, { batch: 1 })).toThrow("compiled for batch = 4, got 1");
  });
  it("forward returns arrays the next call does not overwrite; params are never replaced", () => {
    const a = m.forward(good(), dims).logits!;
    const copy = Float32Array.from(a);
    const p = m.params["dense_1.kernel"];
    m.forward({ ...good(), extra: new Float32Array(8).fill(1) }, dims);
    expect(a).toEqual(copy);
    expect(m.params["dense_1.kernel"]).toBe(p);
  });
});
