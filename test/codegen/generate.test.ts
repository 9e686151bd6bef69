// `generate feed from source(start:, stop:)`: the checker's rules (an i32
// [T] input fed by a [T, classes] output through causal layers only), and the
// emitted `generate` method, checked against decoding by hand one step at a
// time with the model run on exactly the steps seen so far.
import { describe, expect, it } from "vitest";
import { check } from "../../compiler/index.ts";
import type { ModelInstance } from "../../compiler/codegen/load.ts";
import { compileModel } from "./harness.ts";

const seq2seq = (decoder: string, extra = "") => `model M {
  input src: i32[S]
  input prev: i32[T]
  target next: i32[T]
  memory = src -> embedding(7, 8)
  h = prev -> embedding(7, 8)
  logits = ${decoder}
  output logits
  loss cross_entropy(logits, next)
  generate prev from logits${extra}
}`;

function codes(source: string): string[] {
  return check(source, { filename: "m.nn" }).diagnostics.map((d) => `${d.code} ${d.span.line}:${d.span.column} ${d.message}`);
}

describe("generate: checking", () => {
  it.each([
    ["h -> lstm(8, sequences: true, initial: memory -> lstm(8)) -> dense(7)"],
    ["h -> gru(8, sequences: true) -> rnn(8, sequences: true) -> dense(7) -> softmax"],
    ["h + (h -> positional -> attention(heads: 2, causal: true)) -> layernorm -> dense(7)"],
    ["attention(h, memory, heads: 2) -> dense(7)"],
    ["concat(h, h -> dropout(0.1), axis: -1) -> dense(7) * 2"],
  ])("accepts a causal decoder: %s", (decoder) => {
    expect(codes(seq2seq(decoder))).toEqual([]);
  });

  it.each([
    ["h -> attention(heads: 2) -> dense(7)", "7:17", "attention_1"],
    ["h -> lstm(8, sequences: true, reverse: true) -> dense(7)", "7:17", "lstm_1"],
    ["h -> gru(8, sequences: true, bidirectional: true) -> dense(7)", "7:17", "gru_1"],
    ["h -> conv1d(8, kernel: 3, padding: same) -> dense(7)", "7:17", "conv1d_1"],
    ["attention(memory, h, heads: 2) -> dense(7)", "7:12", "attention_1"],
    ["h -> softmax(axis: 0) -> dense(7)", "7:17", "softmax_1"],
  ])("rejects a layer that looks ahead (NN3025): %s", (decoder, at, layer) => {
    const src = decoder.startsWith("attention(memory") ? seq2seq(decoder).replace("input src: i32[S]", "input src: i32[T]") : seq2seq(decoder);
    expect(codes(src)).toEqual([`NN3025 ${at} generate: ${layer} lets step t of 'logits' see steps of 'prev' after t, so it cannot be decoded one step at a time`]);
  });

  it("names what it feeds and reads (NN3022, NN3023, NN3024)", () => {
    expect(codes(seq2seq("h -> dense(7)").replace("generate prev", "generate next"))).toEqual([
      "NN3022 10:12 generate feeds predictions into 'next', which must be an i32 input with one token per step ([T]); got a target (i32[T])",
    ]);
    expect(codes(seq2seq("h -> dense(7)").replace("generate prev", "generate h"))).toEqual([
      "NN3022 10:12 generate feeds predictions into 'h', which must be an i32 input with one token per step ([T]); got a computed value (f32[T, 8])",
    ]);
    expect(codes(seq2seq("h -> dense(7)").replace("from logits", "from memory"))).toEqual([
      "NN3023 10:22 generate reads 'memory' as scores [T, classes], one row per step of 'prev'; got f32[S, 8]",
    ]);
    const notOutput = seq2seq("h -> dense(7)").replace("  output logits\n", "  output y = logits -> relu\n");
    const d = check(notOutput, { filename: "m.nn" }).diagnostics;
    expect(d.map((x) => [x.code, x.message, x.hint])).toEqual([["NN3024", "generate reads 'logits', which is not an output of the model", "mark it with `output logits`"]]);
  });

  it("checks start and stop against the classes, and takes them by name only", () => {
    expect(codes(seq2seq("h -> dense(7)", "(start: 7)"))).toEqual(["NN2009 10:36 generate: option 'start' expects a class index below 7, got 7"]);
    expect(codes(seq2seq("h -> dense(7)", "(1)"))[0]).toMatch(/^NN2007 10:29 generate takes no positional options, got 1/);
    expect(codes(seq2seq("h -> dense(7)", "(begin: 1)"))).toEqual(["NN2004 10:29 generate has no option 'begin'"]);
  });

  it("one per model, never in a block (NN2027, NN2028)", () => {
    const twice = seq2seq("h -> dense(7)").replace("}", "  generate prev from logits\n}");
    expect(codes(twice)).toEqual(["NN2028 11:3 a model has at most one 'generate'"]);
    const inBlock = "block B() {\n  input x: i32[T]\n  y = x -> embedding(4, 4)\n  output y\n  generate x from y\n}\n";
    expect(codes(inBlock)).toEqual(["NN2027 5:3 a block cannot declare 'generate'; declare it in the model that decodes"]);
  });

  it("`generate` stays an ordinary name elsewhere", () => {
    expect(codes("model M {\n  input x: f32[4]\n  generate = x -> relu\n  output generate\n}")).toEqual([]);
  });
});

/** Greedy decoding by hand: step t runs the model on exactly t + 1 steps. */
function decodeByHand(m: ModelInstance, inputs: Record<string, Int32Array>, B: number, T: number, start: number, dims: Record<string, number>): number[][] {
  const out: number[][] = [];
  for (let b = 0; b < B; b++) {
    const example = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.subarray((b * v.length) / B, ((b + 1) * v.length) / B)]));
    const fed = [start];
    const tokens: number[] = [];
    for (let t = 0; t < T; t++) {
      const scores = m.forward({ ...example, prev: Int32Array.from(fed) }, { batch: 1, ...dims, T: t + 1 }).logits!;
      const row = Array.from(scores.subarray(t * 7, t * 7 + 7));
      const token = row.indexOf(Math.max(...row));
      tokens.push(token);
      fed.push(token);
    }
    out.push(tokens);
  }
  return out;
}

describe("generate: the emitted method", () => {
  const decoders = [
    "h -> lstm(8, sequences: true, initial: memory -> lstm(8)) -> dense(7)",
    "h + (h -> positional -> attention(heads: 2, causal: true)) -> layernorm -> attention(memory, heads: 2) -> dense(7)",
  ];
  it.each(decoders)("equals decoding by hand, one step at a time: %s", (decoder) => {
    const M = compileModel(seq2seq(decoder, "(start: 1)"));
    expect(M.generation).toEqual({ feed: "prev", source: "logits", steps: "T", classes: 7, start: 1, stop: null });
    const m = new M({ seed: 5 });
    const src = Int32Array.from([3, 4, 5, 6, 2, 5, 5, 1, 0]);
    const tokens = m.generate!({ src }, { batch: 3, S: 3, T: 5 });
    const expected = decodeByHand(m, { src }, 3, 5, 1, { S: 3 });
    expect([0, 1, 2].map((b) => Array.from(tokens.subarray(b * 5, b * 5 + 5)))).toEqual(expected);
  });

  it("after stop, an example's tokens are stop; a prompt fixes the first tokens", () => {
    // A decoder that always predicts its input token + 1 (mod 7): the bias does it.
    const M = compileModel("model M {\n  input prev: i32[T]\n  output logits = prev -> embedding(7, 7) -> dense(7)\n  generate prev from logits(start: 1, stop: 4)\n}");
    const m = new M();
    m.params["embedding_1.table"]!.fill(0);
    m.params["dense_1.kernel"]!.fill(0);
    for (let i = 0; i < 7; i++) {
      m.params["embedding_1.table"]![i * 7 + i] = 1;
      m.params["dense_1.kernel"]![i * 7 + ((i + 1) % 7)] = 10;
    }
    expect(Array.from(m.generate!({}, { batch: 1, T: 6 }))).toEqual([2, 3, 4, 4, 4, 4]);
    expect(Array.from(m.generate!({}, { batch: 2, T: 6 }, { prompt: Int32Array.from([6, 5]) }))).toEqual([6, 0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3]);
  });

  it("samples at a temperature, reproducibly by seed", () => {
    const M = compileModel("model M {\n  input prev: i32[T]\n  output logits = prev -> embedding(5, 4) -> gru(8, sequences: true) -> dense(5)\n  generate prev from logits\n}");
    const m = new M({ seed: 1 });
    const a = m.generate!({}, { batch: 4, T: 12 }, { temperature: 2, seed: 3 });
    expect(m.generate!({}, { batch: 4, T: 12 }, { temperature: 2, seed: 3 })).toEqual(a);
    expect(m.generate!({}, { batch: 4, T: 12 }, { temperature: 2, seed: 4 })).not.toEqual(a);
    expect(new Set(a).size).toBeGreaterThan(1);
  });

  it("reports bad calls with the name at fault", () => {
    const M = compileModel("model M {\n  input prev: i32[T]\n  output logits = prev -> embedding(5, 4) -> dense(5)\n  generate prev from logits\n}");
    const m = new M();
    expect(() => m.generate!({ prev: new Int32Array(4) }, { batch: 1, T: 4 })).toThrow("generate: leave out 'prev', which decoding feeds from 'logits'");
    expect(() => m.generate!({}, { batch: 1 })).toThrow("generate: dims.T (the number of steps to decode) must be a positive integer, got undefined");
    expect(() => m.generate!({}, { batch: 2, T: 3 }, { prompt: Int32Array.from([1, 2, 3]) })).toThrow("options.prompt has 3 tokens; expected batch (2) × at most 3 steps");
    expect(() => m.generate!({}, { batch: 1, T: 3 }, { prompt: Int32Array.from([9]) })).toThrow("options.prompt[0] is 9, outside [0, 5)");
    expect(() => m.generate!({}, { batch: 1, T: 3 }, { temperature: -1 })).toThrow("options.temperature must be a finite number ≥ 0, got -1");
  });
});
