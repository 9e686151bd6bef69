// Every editor question (compiler/service/) at every place of every
// example, and of the example cut short as if being typed: none throws, and
// each answer points inside the text.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyze } from "../../compiler/service/analysis.ts";
import { complete } from "../../compiler/service/completion.ts";
import { definition } from "../../compiler/service/definition.ts";
import { markers } from "../../compiler/service/diagnostics.ts";
import { hover } from "../../compiler/service/hover.ts";
import { inlayHints } from "../../compiler/service/inlay-hints.ts";
import { references, symbolAt } from "../../compiler/service/references.ts";
import { semanticTokens } from "../../compiler/service/semantic-tokens.ts";
import { signatureHelp } from "../../compiler/service/signature-help.ts";
import { documentSymbols } from "../../compiler/service/symbols.ts";
import { modelGraph } from "../../playground/src/language/graph.ts";

const examples = readdirSync("examples").filter((f) => f.endsWith(".nn"));

function askEverywhere(source: string, step: number): void {
  const a = analyze(source, "p.nn");
  const inside = (s: { start: number; end: number } | undefined) => s === undefined || (s.start >= 0 && s.start <= s.end && s.end <= source.length);
  for (const m of markers(a)) expect(inside(m)).toBe(true);
  for (const h of inlayHints(a)) expect(inside({ start: h.offset, end: h.offset })).toBe(true);
  for (const t of semanticTokens(a)) expect(inside(t)).toBe(true);
  for (const s of documentSymbols(a)) expect(inside(s.span) && inside(s.selection)).toBe(true);
  for (const m of a.result.models) for (const b of modelGraph(m, "p.nn").boxes) expect(inside(b)).toBe(true);
  for (let offset = 0; offset <= source.length; offset += step) {
    expect(inside(hover(a, offset))).toBe(true);
    expect(inside(definition(a, offset))).toBe(true);
    expect(Array.isArray(complete(a, offset))).toBe(true);
    const help = signatureHelp(a, offset);
    if (help) expect(help.active).toBeLessThan(help.parameters.length);
    const symbol = symbolAt(a, offset);
    if (symbol) for (const r of references([a], symbol.target)) expect(inside(r.span)).toBe(true);
  }
}

describe("the language service on every example", () => {
  for (const file of examples) {
    it(`${file}: at every offset, and cut short at twenty places`, () => {
      const source = readFileSync(`examples/${file}`, "utf8");
      askEverywhere(source, 1);
      for (let k = 1; k < 20; k++) askEverywhere(source.slice(0, Math.floor((source.length * k) / 20)), 5);
    });
  }
});
