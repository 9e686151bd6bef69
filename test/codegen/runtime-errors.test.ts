// Bad run-time input gets an Error naming the input and the sizes (spec §8–§9).
import { describe, expect, it } from "vitest";
import { check } from "../../compiler/index.ts";
import { generate } from "../../compiler/codegen/index.ts";
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

// A symbol too small for the model (an axis some layer would make empty or
// negative) is rejected at the call, naming the dim, its value, the smallest
// legal value and the layer, never turned into NaN or a typed-array error.
describe("run-time dims below the smallest legal value", () => {
  const K = compileModel(`model K {
  input x: f32[T, 2]
  target t: f32[3]
  y = x -> conv1d(3, kernel: 5) -> max(axis: 0)
  output y
  loss mse(y, t)
}`);
  const k = new K();
  const at = (T: number, B = 1) => ({ x: Float32Array.from({ length: B * 2 * T }, (_, i) => Math.sin(i)), t: new Float32Array(B * 3) });

  it("the class carries each symbol's minimum", () => {
    expect(K.minDims).toEqual({ T: { min: 5, layer: "conv1d_1", line: 4 } });
  });
  it("forward and lossAndGrads reject T below it", () => {
    expect(() => k.forward(at(3), { batch: 1, T: 3 })).toThrow(new RangeError("K.forward: T = 3 is too short: conv1d_1 (line 4) needs T ≥ 5"));
    expect(() => k.forward(at(4, 2), { batch: 2, T: 4 })).toThrow("K.forward: T = 4 is too short");
    expect(() => k.lossAndGrads!(at(3), { batch: 1, T: 3 })).toThrow(new RangeError("K.lossAndGrads: T = 3 is too short: conv1d_1 (line 4) needs T ≥ 5"));
  });
  it("accept the minimum itself", () => {
    expect(k.forward(at(5), { batch: 1, T: 5 }).y).toHaveLength(3);
    expect(typeof k.lossAndGrads!(at(5, 2), { batch: 2, T: 5 })).toBe("number");
  });
  it("generate rejects a short symbol before decoding", () => {
    const G = compileModel(`model G {
  input src: i32[S]
  input prev: i32[T]
  target next: i32[T]
  memory = src -> embedding(7, 8) -> conv1d(8, kernel: 3)
  h = prev -> embedding(7, 8)
  logits = attention(h, memory, heads: 2) -> dense(7)
  output logits
  loss cross_entropy(logits, next)
  generate prev from logits(start: 1)
}`);
    const g = new G();
    expect(() => g.generate!({ src: new Int32Array(2) }, { batch: 1, S: 2, T: 4 })).toThrow(new RangeError("generate: S = 2 is too short: conv1d_1 (line 5) needs S ≥ 3"));
    expect(g.generate!({ src: new Int32Array(3) }, { batch: 1, S: 3, T: 4 })).toHaveLength(4);
  });
  it("--specialize below the minimum is a compile-time error at the layer", () => {
    const src = "model K {\n  input x: f32[T, 2]\n  y = x -> conv1d(3, kernel: 5) -> max(axis: 0)\n  output y\n}";
    const short = generate(check(src, { filename: "k.nn" }), { specialize: { T: 3 } });
    expect(short.code).toBeUndefined();
    expect(short.diagnostics.map((d) => `${d.code} ${d.span.line}:${d.span.column} ${d.message}`)).toEqual(["NN5002 3:12 --specialize T=3 is too short for K: conv1d_1 needs T ≥ 5"]);
    const S = compileModel(src, undefined, { T: 5 });
    expect(new S().forward({ x: new Float32Array(10) }, { batch: 1, T: 5 }).y).toHaveLength(3);
  });
});
