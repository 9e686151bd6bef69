// Coverage of the diagnostic catalogue: every NN2xxx, NN3xxx and NN4xxx code
// has a minimal trigger here (the topic files check message, span and hint
// in detail), except the few the checker never emits, listed with a reason.
// Also: every example checks clean.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Diagnostics, check } from "../../compiler/index.ts";
import { runFiles, summary } from "./helpers.ts";

const m = (body: string) => `model M {\n${body}\n}\n`;

/** code → a program whose diagnostics include that code (a source for main.nn, or a set of files). */
const triggers: Record<string, string | Record<string, string>> = {
  NN2001: m("  input x: f32[4]\n  output y = xx -> relu"),
  NN2002: m("  input x: f32[4]\n  a = x -> relu\n  a = x -> tanh\n  output a"),
  NN2003: m("  input x: f32[4]\n  output y = x -> dense2(3)"),
  NN2004: m("  input x: f32[T, 4]\n  output y = x -> conv1d(8, kernal: 3)"),
  NN2005: m("  input x: f32[4]\n  output y = x -> dense(3, units: 4)"),
  NN2006: m("  input x: f32[4]\n  output y = x -> dense"),
  NN2007: m("  input x: f32[4]\n  output y = x -> dense(3, 4)"),
  NN2008: m("  input x: f32[4]\n  output y = concat(x)"),
  NN2009: m("  input x: f32[4]\n  output y = x -> dropout(1)"),
  NN2010: m("  input x: f32[4]\n  relu = x -> tanh\n  output relu"),
  NN2011: m("  input x: f32[4]\n  output y = x -> dense(3) as h -> dense(2) as h"),
  NN2012: m("  input x: f32[4]\n  a = b -> relu\n  b = x -> relu\n  output a"),
  NN2013: m("  input x: f32[4]\n  c = 3\n  output c"),
  NN2014: m("  input x: f32[4]\n  output y = x -> dense(3, bias: x)"),
  NN2015: m("  input x: f32[4]\n  output y = x -> dense(units: 3, true)"),
  NN2016: m("  input x: f32[4]\n  target t: f32[4]\n  output x\n  loss mse(x, t)\n  loss mse(x, t)"),
  NN2017: m("  input x: f32[4]\n  output a = x -> dense(3)\n  loss dense(a, 3)"),
  NN2018: m("  input x: f32[4]\n  target t: f32[4]\n  output y = mse(x, t)"),
  NN2019: m("  input x: f32[4]"),
  NN2020: "block B() {\n  input x: f32[4]\n}\n",
  NN2021: "block B() {\n  input x: f32[4]\n  target t: f32[4]\n  output x\n}\n",
  NN2022: m("  input x: f32[4]\n  y = x as features\n  output x"),
  NN2023: "const K = 1\nconst K = 2\n",
  NN2026: m("  input x: f32[4]\n  output x\n  output x"),
  NN2027: "block B() {\n  input x: i32[T]\n  output y = x -> embedding(4, 4)\n  generate x from y\n}\n",
  NN2028: m("  input p: i32[T]\n  output y = p -> embedding(4, 4)\n  generate p from y\n  generate p from y"),
  NN3001: m("  input x: f32[T, 4]\n  input y: f32[S, 4]\n  output z = x + y"),
  NN3002: m("  input x: f32[T, 8]\n  output y = x -> conv2d(3, kernel: 3)"),
  NN3003: m("  input x: i32[T]\n  output y = x -> dense(3)"),
  NN3004: m("  input x: f32[T, d]\n  output y = x -> dense(3)"),
  NN3005: m("  input x: f32[3, 8]\n  output y = x -> conv1d(4, kernel: 5)"),
  NN3006: m("  input x: f32[T, 6]\n  output y = x -> attention(heads: 4)"),
  NN3007: m("  input x: f32[T, 8]\n  output y = x -> softmax(axis: 2)"),
  NN3008: m("  input x: f32[T, 8]\n  output y = x -> dense(3.5)"),
  NN3009: m("  input x: f32[T, 8]\n  output y = x -> dense(0)"),
  NN3010: m("  input x: f32[T, 8]\n  target t: i32[S]\n  output y = x -> dense(3)\n  loss cross_entropy(y, t)"),
  NN3011: m("  input x: f32[28, 28, 1]\n  output y = x -> reshape(5, 5)"),
  NN3012: "const Z = 1 / 0\n",
  NN3013: "block Same() {\n  input x: f32[T, 4]\n  input y: f32[T, 4]\n  output z = x + y\n}\n" + m("  input c: f32[B, 4]\n  input d: f32[C, 4]\n  output r = Same(c, d)"),
  NN3015: m("  input x: f32[4]\n  output y = x * 2"),
  NN3016: m("  input x: f32[0]\n  output x"),
  NN3017: m("  input x: f32[8, 8, 3]\n  output y = x -> conv2d(3, kernel: (3, 3, 3))"),
  NN3018: m("  input q: f32[T, 8]\n  input kv: f32[S, 8]\n  output y = attention(q, kv, causal: true)"),
  NN3019: m("  input a: i32[4]\n  input b: f32[4]\n  output y = a + b"),
  NN3020: m("  input x: f32[4]\n  output y = x / x"),
  NN3021: m("  input x: f32[4294967296]\n  output x"),
  NN3022: m("  input p: f32[T, 4]\n  output y = p -> dense(4)\n  generate p from y"),
  NN3023: m("  input p: i32[T]\n  output y = p -> embedding(4, 4) -> mean(0)\n  generate p from y"),
  NN3024: m("  input p: i32[T]\n  y = p -> embedding(4, 4)\n  output z = y -> relu\n  generate p from y"),
  NN3025: m("  input p: i32[T]\n  output y = p -> embedding(4, 4) -> attention\n  generate p from y"),
  NN3026: m("  input x: f32[4]\n  output y = x -> relu * 20000"),
  NN3027: m("  input x: f32[20000]\n  output y = x -> dense(20000)"),
  NN4001: { "main.nn": 'import { A } from "./missing.nn"\n' },
  NN4002: { "main.nn": 'import { A } from "./a.nn"\n', "a.nn": 'import { B } from "./main.nn"\nblock A() {\n  input x: f32[4]\n  output x\n}\n' },
  NN4003: { "main.nn": 'import { Nope } from "./lib.nn"\n', "lib.nn": "const K = 1\n" },
  NN4004: "block B(n) {\n  input x: f32[4]\n  output y = x -> dense(n)\n}\n" + m("  input x: f32[4]\n  output y = x -> B"),
  NN4005: "block R() {\n  input x: f32[4]\n  output y = x -> R\n}\n" + m("  input x: f32[4]\n  output y = x -> R"),
  NN4007: "model A {\n  input x: f32[4]\n  output x\n}\n" + m("  input x: f32[4]\n  output y = x -> A"),
};

/** Codes in the catalogue that the checker never emits, and why. */
const notEmitted: Record<string, string> = {
  NN2024: "UnusedValue: a warning the checker does not implement (yet)",
  NN2025: "InputUnused: a warning the checker does not implement (yet)",
  NN3014: "RankMismatch: rank errors are reported as LayerInputMismatch (NN3002), naming the expected pattern",
  NN4006: "BlockInstanceError: the instance trail is attached to diagnostics as related spans instead",
};

describe("the diagnostic catalogue", () => {
  const checkerCodes = Object.values(Diagnostics)
    .map((d) => d.code)
    .filter((c) => /^NN[234]/.test(c))
    .sort();

  it("every checker code has a trigger or a reason it is never emitted", () => {
    const accounted = [...Object.keys(triggers), ...Object.keys(notEmitted)].sort();
    expect(accounted).toEqual(checkerCodes);
  });

  for (const [code, program] of Object.entries(triggers)) {
    it(`${code} is emitted`, () => {
      const r = typeof program === "string" ? runFiles({ "main.nn": program }) : runFiles(program);
      expect(summary(r.diagnostics).map((s) => s.split(" ")[0])).toContain(code);
      for (const d of r.diagnostics) {
        // Every diagnostic is an error in a known file with an ordered span and a one-line message.
        expect(d.severity).toBe("error");
        expect(r.sources.has(d.span.file)).toBe(true);
        expect(d.span.start).toBeLessThanOrEqual(d.span.end);
        expect(d.message).not.toContain("\n");
      }
    });
  }
});

describe("the examples", () => {
  const files = readdirSync("examples").filter((f) => f.endsWith(".nn"));

  it("are all here", () => {
    expect(files).toEqual(expect.arrayContaining(["lenet.nn", "sentiment.nn", "tagger.nn", "textcnn.nn", "transformer.nn", "translator.nn", "video.nn"]));
  });

  for (const file of files) {
    it(`${file} checks with zero diagnostics`, () => {
      const r = check(readFileSync(`examples/${file}`, "utf8"), { filename: `examples/${file}` });
      expect(summary(r.diagnostics)).toEqual([]);
      expect(r.models.length).toBeGreaterThan(0);
      for (const model of r.models) {
        expect(model.outputs.length).toBeGreaterThan(0);
        expect(model.loss).toBeDefined();
      }
    });
  }
});
