// Property tests: sources generated from a small grammar, and the examples
// with random whitespace, blank lines and comments between their tokens, are
// formatted; the result must be a fixed point, keep every comment and mean
// exactly what the input meant. Broken inputs must be refused with a place.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "../../grammar/index.ts";
import { nnLexer } from "../../grammar/tokens.ts";
import { commentTexts, examples, formatNn, meaning, shape } from "./helpers.ts";

const seed = Number(process.env.NN_FORMAT_SEED ?? 20240611);
const runs = Number(process.env.NN_FORMAT_RUNS ?? 60);

async function expectWellFormatted(source: string): Promise<void> {
  const once = await formatNn(source);
  const twice = await formatNn(once);
  expect(twice, `not idempotent for:\n${source}\n--- first pass:\n${once}`).toBe(once);
  expect(commentTexts(once)).toEqual(commentTexts(source));
  expect(shape(once)).toEqual(shape(source));
  expect(meaning(once)).toEqual(meaning(source));
}

/** Gaps between tokens, where whitespace and comments may go. */
function tokenEnds(text: string): number[] {
  return nnLexer.tokenize(text).tokens.map((t) => t.endOffset! + 1);
}

const separator = fc.constantFrom(" ", "", "\n", "\n\n\n", "\t", " /* block */ ", "/* tight */", " // line\n", "\n// own line\n", "\n\n/* multi\n   line */\n", " /**/ ", "\r\n");

/** `text` with separators inserted after some of its tokens. */
function insertSeparators(text: string, inserts: [number, string][]): string {
  const ends = tokenEnds(text);
  if (ends.length === 0) return text;
  const at = new Map<number, string>();
  for (const [i, sep] of inserts) {
    const pos = ends[i % ends.length]!;
    at.set(pos, (at.get(pos) ?? "") + sep);
  }
  let out = "";
  let last = 0;
  for (const pos of [...at.keys()].sort((a, b) => a - b)) {
    out += text.slice(last, pos) + at.get(pos);
    last = pos;
  }
  return out + text.slice(last);
}

const inserts = (max: number) => fc.array(fc.tuple(fc.nat(), separator), { maxLength: max });

/** Mutations must still parse: a separator without spaces must not glue two tokens into one. */
const parses = (text: string) => parse(text, "x.nn").diagnostics.length === 0;

const mutatedExample = fc
  .tuple(fc.constantFrom(...examples), inserts(12))
  .map(([example, ins]) => insertSeparators(example.text, ins))
  .filter(parses);

// Generated programs: expressions of every kind, nested, with comments.
const name = fc.constantFrom("x", "y", "T", "N", "relu", "a_1", "größe");
const number = fc.constantFrom("0", "1", "4", "0.5", "1e-3", ".25", "10");
const layer = fc.constantFrom("dense", "conv1d", "relu", "attention", "Block", "layernorm", "mean");
const comment = fc.constantFrom("", "", "", " /* c */", " // d\n");

/** Expressions nested at most `n` deep (fc.memo lowers `n` at each `expr()` inside). */
const exprOfDepth = fc.memo((n): fc.Arbitrary<string> => {
  if (n <= 1) return fc.oneof(name, number, fc.constant("true"));
  const sub = exprOfDepth();
  const call = fc.tuple(layer, fc.array(fc.tuple(fc.option(name, { nil: undefined }), sub), { maxLength: 3 }), fc.option(name, { nil: undefined }), fc.boolean()).map(([callee, args, alias, bare]) => {
    const positional = args.filter(([k]) => k === undefined).map(([, v]) => v);
    const named = args.filter(([k]) => k !== undefined).map(([k, v]) => `${k}: ${v}`);
    const list = bare && args.length === 0 ? "" : `(${[...positional, ...named].join(", ")})`;
    return `${callee}${list}${alias ? ` as ${alias}` : ""}`;
  });
  const atom = fc.oneof(name, number, fc.constant("true"), call, sub.map((e) => `(${e})`), fc.array(sub, { minLength: 2, maxLength: 3 }).map((xs) => `(${xs.join(", ")})`));
  const signed = fc.tuple(fc.constantFrom("", "", "-", "- -"), atom).map(([m, a]) => m + a);
  const arith = fc.tuple(signed, fc.array(fc.tuple(fc.constantFrom("+", "-", "*", "/"), comment, signed), { maxLength: 3 })).map(([first, rest]) => first + rest.map(([op, c, x]) => ` ${op}${c} ${x}`).join(""));
  return fc.oneof(arith, fc.tuple(arith, fc.array(fc.tuple(comment, call), { minLength: 1, maxLength: 4 })).map(([head, stages]) => head + stages.map(([c, st]) => `${c} -> ${st}`).join("")));
});
const expr = exprOfDepth(3);

const statement = fc.oneof(
  fc.tuple(name, fc.constantFrom("f32", "i32"), fc.option(fc.array(expr, { maxLength: 3 }), { nil: undefined })).map(([n, t, dims]) => `input ${n}: ${t}${dims ? `[${dims.join(", ")}]` : ""}`),
  fc.tuple(name, expr).map(([n, e]) => `${n} = ${e}`),
  fc.tuple(name, fc.option(expr, { nil: undefined })).map(([n, e]) => (e ? `output ${n} = ${e}` : `output ${n}`)),
  expr.map((e) => `loss ${e}`),
  fc.tuple(name, expr).map(([n, e]) => `const ${n} = ${e}`),
);

const program = fc
  .array(
    fc.oneof(
      fc.tuple(name, fc.array(statement, { maxLength: 5 }), comment).map(([n, body, c]) => `model ${n} {${c}\n${body.join("\n")}\n}`),
      fc
        .tuple(name, fc.array(fc.tuple(name, fc.option(expr, { nil: undefined })), { maxLength: 3 }), fc.array(statement, { maxLength: 4 }))
        .map(([n, params, body]) => `block ${n}(${params.map(([p, d]) => (d ? `${p} = ${d}` : p)).join(", ")}) {\n${body.join("\n\n")}\n}`),
      fc.tuple(name, expr).map(([n, e]) => `const ${n} = ${e}`),
      fc.array(name, { maxLength: 3 }).map((ns) => `import { ${ns.join(", ")} } from "./lib.nn"`),
    ),
    { maxLength: 4 },
  )
  .map((decls) => decls.join("\n"))
  .filter(parses);

/** Generated programs, some with extra separators and comments between tokens. */
const generated = fc
  .tuple(program, inserts(6))
  .map(([text, ins]) => insertSeparators(text, ins))
  .filter(parses);

describe("formatting properties", () => {
  it("examples with random whitespace and comments: idempotent, comments kept, meaning unchanged", async () => {
    await fc.assert(fc.asyncProperty(mutatedExample, expectWellFormatted), { seed, numRuns: runs, timeout: 10_000 });
  });

  it("generated programs: idempotent, comments kept, meaning unchanged", async () => {
    await fc.assert(fc.asyncProperty(generated, expectWellFormatted), { seed, numRuns: runs * 2, timeout: 10_000 });
  });

  it("refuses unparsable input with the place of the first syntax error", async () => {
    const broken = fc
      .record({ example: fc.constantFrom(...examples), at: fc.nat(), junk: fc.constantFrom("", "(", ")", "{", "->", "= =", "@", "/*", '"', ",,") })
      .map(({ example, at, junk }) => {
        // Delete one token and put junk in its place.
        const tokens = nnLexer.tokenize(example.text).tokens;
        const t = tokens[at % tokens.length]!;
        return example.text.slice(0, t.startOffset) + junk + example.text.slice(t.endOffset! + 1);
      })
      .filter((text) => parse(text, "x.nn").diagnostics.some((d) => d.severity === "error"));
    await fc.assert(
      fc.asyncProperty(broken, async (text) => {
        const first = parse(text, "x.nn")
          .diagnostics.filter((d) => d.severity === "error")
          .sort((a, b) => a.span.start - b.span.start)[0]!;
        const error = await formatNn(text).then(
          () => undefined,
          (e: unknown) => e as SyntaxError & { loc: { start: { line: number; column: number } } },
        );
        expect(error, "formatted a file with a syntax error").toBeInstanceOf(SyntaxError);
        expect(error!.loc.start).toEqual({ line: first.span.line, column: first.span.column });
        expect(error!.message).toContain(first.message);
      }),
      { seed, numRuns: runs },
    );
  });
});
