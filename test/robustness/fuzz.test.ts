// Property tests (spec §7: "No input file, however malformed, may crash the
// compiler"): check() on mutated examples, random programs, random strings of
// the language's alphabet and random unicode/bytes never throws, returns
// promptly, and reports every diagnostic inside the source. Seeds are fixed,
// so a failure reproduces; fast-check prints the shrunk counterexample.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync, readdirSync } from "node:fs";
import { check, memoryHost } from "../../compiler/index.ts";
import { parse } from "../../grammar/index.ts";
import { nnLexer } from "../../grammar/tokens.ts";
import { spans } from "../grammar/helpers.ts";
import { checkWellFormed, spanProblem } from "./invariants.ts";

const examplesDir = new URL("../../examples/", import.meta.url);
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith(".nn"))
  .sort()
  .map((name) => ({ name, text: readFileSync(new URL(name, examplesDir), "utf8") }));

/** A file as pieces: each token with the whitespace and comments before it, so joining the pieces gives the text back. */
function pieces(text: string): string[] {
  const { tokens } = nnLexer.tokenize(text);
  const out: string[] = [];
  let at = 0;
  for (const t of tokens) {
    const end = t.endOffset! + 1;
    out.push(text.slice(at, end));
    at = end;
  }
  out.push(text.slice(at));
  return out;
}

const tokenVocabulary = [...new Set(examples.flatMap((e) => nnLexer.tokenize(e.text).tokens.map((t) => t.image)))];
const extraTokens = ["(", ")", "[", "]", "{", "}", ",", ":", "=", "->", "-", "+", "*", "/", ".", "as", "model", "block", "input", "target", "output", "loss", "const", "import", "from", `"./x.nn"`, "f32", "i32", "true", "false", "0", "-1", "1e999", "0.5", "T", "S", "/*", "*/", "//", "\n", "$", "\"", "😀"];
const insertable = fc.constantFrom(...tokenVocabulary, ...extraTokens);

type Mutation =
  | { op: "delete"; at: number }
  | { op: "insert"; at: number; token: string }
  | { op: "duplicate"; at: number }
  | { op: "swap"; at: number; with: number }
  | { op: "replace"; at: number; token: string }
  | { op: "truncate"; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("insert" as const), at: fc.nat(), token: insertable }),
  fc.record({ op: fc.constant("duplicate" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("swap" as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ op: fc.constant("replace" as const), at: fc.nat(), token: insertable }),
  fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
);

/** Applies token-level mutations; `truncate` cuts the text at a character offset (possibly inside a token or comment). */
function mutate(text: string, ms: Mutation[]): string {
  let ps = pieces(text);
  for (const m of ms) {
    if (ps.length === 0) break;
    const i = m.at % ps.length;
    switch (m.op) {
      case "delete":
        ps.splice(i, 1);
        break;
      case "insert":
        ps.splice(i, 0, " " + m.token);
        break;
      case "duplicate":
        ps.splice(i, 0, ps[i]!);
        break;
      case "swap": {
        const j = m.with % ps.length;
        [ps[i], ps[j]] = [ps[j]!, ps[i]!];
        break;
      }
      case "replace":
        ps[i] = " " + m.token;
        break;
      case "truncate": {
        const joined = ps.join("");
        ps = [joined.slice(0, m.at % (joined.length + 1))];
        break;
      }
    }
  }
  return ps.join("");
}

describe("fuzz: mutated examples", () => {
  it("the examples themselves check without errors", () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
    for (const e of examples) {
      const r = checkWellFormed(e.text, { filename: e.name });
      expect(r.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
    }
  });

  it("rebuilds each example exactly from its pieces (so mutations start from the real file)", () => {
    for (const e of examples) expect(pieces(e.text).join("")).toBe(e.text);
  });

  it.each(examples.map((e, i) => [e.name, e.text, i] as const))("%s: deleting, inserting, duplicating, swapping tokens and truncating", (name, text, i) => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (ms) => {
        checkWellFormed(mutate(text, ms), { filename: name });
      }),
      { seed: 42 + i, numRuns: 250 },
    );
  });

  it("a mutated file importing a mutated library: spans in either file stay inside it", () => {
    const lib = examples.find((e) => e.name === "transformer.nn")!.text;
    const main = `import { EncoderLayer, D } from "./lib.nn"\nmodel Main {\n  input t: i32[T]\n  y = t -> embedding(10, D) -> EncoderLayer(D) -> EncoderLayer(D, heads: 2)\n  output y\n}\n`;
    fc.assert(
      fc.property(fc.array(mutation, { maxLength: 3 }), fc.array(mutation, { maxLength: 4 }), (mMain, mLib) => {
        const mainText = mutate(main, mMain);
        const host = memoryHost({ "main.nn": mainText, "lib.nn": mutate(lib, mLib) });
        checkWellFormed(mainText, { filename: "main.nn", host });
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it("parse() keeps every AST span inside the text of a mutated file", () => {
    const all = examples.map((e) => e.text);
    fc.assert(
      fc.property(fc.nat(all.length - 1), fc.array(mutation, { minLength: 1, maxLength: 6 }), (k, ms) => {
        const text = mutate(all[k]!, ms);
        const r = parse(text, "m.nn");
        for (const s of spans(r.ast)) expect(spanProblem(s, r.source.text, { exactPositions: true })).toBeUndefined();
      }),
      { seed: 99, numRuns: 300 },
    );
  });
});

describe("fuzz: random programs that are well-formed syntax", () => {
  // Syntactically valid files with random layers, options, dims and names:
  // this reaches the checker's shape rules rather than the parser's recovery.
  const small = fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom("0", "-1", "N / 4", "0.5", "1e12", "1e999", "true", "same") },
    { weight: 6, arbitrary: fc.constantFrom("1", "2", "3", "4", "8", "T", "S", "N", "N * 2", "(N - 2)") },
    { weight: 6, arbitrary: fc.integer({ min: 1, max: 70 }).map(String) },
  );
  const ints = fc.oneof(small, fc.array(small, { minLength: 1, maxLength: 4 }).map((xs) => `(${xs.join(", ")})`));
  const opt = (key: string, value: fc.Arbitrary<string>) => fc.option(value.map((v) => `${key}: ${v}`), { freq: 2 });
  const axis = fc.constantFrom("0", "1", "-1", "-2", "5", "-7", "T", "(0, 1)");
  const call = (name: string, pos: fc.Arbitrary<string>[], named: fc.Arbitrary<string | null>[]) =>
    fc
      .tuple(fc.tuple(...pos), fc.tuple(...named), fc.option(fc.constantFrom("l1", "l2", "relu"), { freq: 4 }))
      .map(([p, n, alias]) => `${name}(${[...p, ...n.filter((x): x is string => x !== null)].join(", ")})${alias ? " as " + alias : ""}`);
  const stage = fc.oneof(
    call("dense", [small], []),
    fc.constantFrom("conv1d", "conv2d", "conv3d").chain((c) => call(c, [small], [opt("kernel", ints), opt("stride", ints), opt("padding", fc.oneof(fc.constantFrom("same", "valid", "full"), ints)), opt("dilation", ints)])),
    fc.constantFrom("maxpool1d", "maxpool2d", "maxpool3d", "avgpool1d", "avgpool2d", "avgpool3d").chain((c) => call(c, [ints], [opt("stride", ints), opt("padding", fc.constantFrom("same", "valid", "1"))])),
    fc.constantFrom("flatten", "relu", "tanh", "sigmoid", "gelu", "softmax", "last", "layernorm", "leaky_relu", "mean", "max", "dropout", "unknown_layer"),
    fc.array(small, { minLength: 1, maxLength: 4 }).map((xs) => `reshape(${xs.join(", ")})`),
    call("softmax", [], [opt("axis", axis)]),
    call("mean", [], [opt("axis", axis)]),
    call("max", [axis], []),
    call("leaky_relu", [], [opt("alpha", fc.constantFrom("0.01", "-1", "2", "x"))]),
    call("dropout", [fc.constantFrom("0.5", "0", "1", "2", "-0.1")], []),
    call("embedding", [small, small], []),
    fc.constantFrom("rnn", "lstm", "gru").chain((c) => call(c, [small], [opt("sequences", fc.constantFrom("true", "false", "1")), opt("activation", fc.constantFrom("relu", "tanh", "gelu"))])),
    call("attention", [], [opt("heads", small), opt("causal", fc.constantFrom("true", "false"))]),
    call("attention", [fc.constantFrom("a", "b", "c"), fc.constantFrom("a", "b")], [opt("heads", small)]),
    call("concat", [fc.constantFrom("a", "b"), fc.constantFrom("a", "b", "c")], [opt("axis", axis)]),
    call("Blk", [small], [opt("k", small), opt("zz", small)]),
    call("M", [], []),
  );
  const head = fc.constantFrom("a", "b", "a + b", "a * b", "-a", "a - (a -> relu)", "concat(a, b)", "dense(a, 4)", "3", "(a, b)", "N");
  const pipeline = fc.tuple(head, fc.array(stage, { minLength: 1, maxLength: 5 })).map(([h, ss]) => [h, ...ss].join("\n    -> "));
  const shape = fc.array(small, { maxLength: 4 });
  const dtype = fc.constantFrom("f32", "i32");
  const program = fc
    .record({ d1: dtype, s1: shape, d2: dtype, s2: shape, p1: pipeline, p2: pipeline, lossFn: fc.constantFrom("cross_entropy", "mse", "binary_cross_entropy", "dense"), d3: dtype, s3: fc.option(shape), blk: fc.boolean(), extra: fc.constantFrom("", "output a", "relu = a", "c = a", "loss mse(a, b)", "const N = 3", "input a: f32") })
    .map(
      (p) => `const N = 6
${p.blk ? "block Blk(n, k = 2) {\n  input x: f32[T, n]\n  output y = x -> dense(k) -> relu\n}" : ""}
model M {
  input a: ${p.d1}[${p.s1.join(", ")}]
  input b: ${p.d2}[${p.s2.join(", ")}]
  target t: ${p.d3}${p.s3 ? `[${p.s3.join(", ")}]` : ""}
  c = ${p.p1}
  output d = ${p.p2}
  output c
  ${p.extra}
  loss ${p.lossFn}(d, t)
}`,
    );

  it("checks random layer pipelines without crashing", () => {
    fc.assert(
      fc.property(program, (text) => {
        checkWellFormed(text);
      }),
      { seed: 2024, numRuns: 1500 },
    );
  });

  it("gives the same diagnostics when the same file is checked twice", () => {
    fc.assert(
      fc.property(program, (text) => {
        const key = (r: ReturnType<typeof check>) => r.diagnostics.map((d) => `${d.code}@${d.span.start}-${d.span.end}:${d.message}`);
        expect(key(check(text))).toEqual(key(check(text)));
      }),
      { seed: 5, numRuns: 150 },
    );
  });
});

describe("fuzz: random text", () => {
  const alphabet = [
    ..."abxyzTN_019. \n\t()[]{},:=+-*/\"",
    "->", "model", "block", "input", "output", "target", "loss", "const", "as", "import", "from",
    "f32", "i32", "true", "false", "dense", "relu", "conv2d", "attention", "concat", "layernorm",
    "//", "/*", "*/", "\r\n", "\r", "1e5", "-1", " x ", " M ",
  ];
  const alphabetText = fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 300 });

  it("checks random strings over the language's alphabet", () => {
    fc.assert(
      fc.property(alphabetText, (text) => {
        checkWellFormed(text);
      }),
      { seed: 1, numRuns: 2000 },
    );
  });

  it("checks random strings with a leading BOM and CRLF line ends", () => {
    fc.assert(
      fc.property(alphabetText, (text) => {
        checkWellFormed("\uFEFF" + text.replace(/\n/g, "\r\n"));
      }),
      { seed: 11, numRuns: 500 },
    );
  });

  it("checks random unicode strings (including non-BMP characters)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (text) => {
        checkWellFormed(text, { allowSuspiciousMessages: true });
      }),
      { seed: 3, numRuns: 1000 },
    );
  });

  it("checks a valid file with random unicode spliced into it", () => {
    const base = examples.find((e) => e.name === "lenet.nn")!.text;
    fc.assert(
      fc.property(fc.nat(base.length), fc.string({ unit: "binary", minLength: 1, maxLength: 8 }), (at, junk) => {
        checkWellFormed(base.slice(0, at) + junk + base.slice(at), { allowSuspiciousMessages: true });
      }),
      { seed: 8, numRuns: 500 },
    );
  });

  it("checks random bytes, decoded as UTF-8 and as Latin-1", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        checkWellFormed(new TextDecoder().decode(bytes), { allowSuspiciousMessages: true });
        checkWellFormed(String.fromCharCode(...bytes), { allowSuspiciousMessages: true });
      }),
      { seed: 4, numRuns: 700 },
    );
  });
});
