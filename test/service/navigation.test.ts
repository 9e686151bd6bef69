// Go to definition, find references and rename, within a file and across
// the files it imports (compiler/service/definition.ts, references.ts, rename.ts).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyze } from "../../compiler/service/analysis.ts";
import { definition } from "../../compiler/service/definition.ts";
import { hover } from "../../compiler/service/hover.ts";
import { references, symbolAt } from "../../compiler/service/references.ts";
import { prepareRename, rename } from "../../compiler/service/rename.ts";

const at = (source: string, needle: string, delta = 1) => {
  const offset = source.indexOf(needle);
  if (offset < 0) throw new Error(`'${needle}' is not in the source`);
  return offset + delta;
};

const lib = `const WIDTH = 8
block Residual(n, hidden = 16) {
  input x: f32[n]
  output y = x + (x -> dense(hidden) -> relu -> dense(n))
}
`;
const main = `import { Residual, WIDTH } from "./lib.nn"
model M {
  input x: f32[WIDTH]
  h = x -> Residual(WIDTH)
  output y = h -> Residual(WIDTH, hidden: 4)
}
`;
const files = { "lib.nn": lib, "main.nn": main };
const mainAnalysis = analyze(main, "main.nn", files);
const libAnalysis = analyze(lib, "lib.nn", files);
const where = (s: { file: string; line: number; column: number }) => `${s.file}:${s.line}:${s.column}`;

describe("go to definition", () => {
  it("follows an imported block or const to its declaration in the imported file", () => {
    expect(where(definition(mainAnalysis, at(main, "Residual(WIDTH)"))!)).toBe("lib.nn:2:7");
    expect(where(definition(mainAnalysis, at(main, "WIDTH]"))!)).toBe("lib.nn:1:7");
    expect(where(definition(mainAnalysis, at(main, "Residual, WIDTH"))!)).toBe("lib.nn:2:7");
  });

  it("goes from a use to the binding in the same file", () => {
    expect(where(definition(mainAnalysis, at(main, "h -> Residual"))!)).toBe("main.nn:4:3");
  });

  it("finds nothing for a layer, an option key or a number", () => {
    expect(definition(mainAnalysis, at(main, "hidden: 4"))).toBeUndefined();
    expect(definition(libAnalysis, at(lib, "dense(hidden)"))).toBeUndefined();
    expect(definition(libAnalysis, at(lib, "16"))).toBeUndefined();
  });
});

describe("find references", () => {
  it("finds a block's uses in the files that import it, its import and its declaration", () => {
    const { target } = symbolAt(libAnalysis, at(lib, "Residual"))!;
    const refs = references([libAnalysis, mainAnalysis], target);
    expect(refs.map((r) => `${where(r.span)}${r.isDeclaration ? " (declaration)" : ""}`)).toEqual(["lib.nn:2:7 (declaration)", "main.nn:1:10", "main.nn:4:12", "main.nn:5:19"]);
  });

  it("finds a binding's uses in its body only", () => {
    const { target } = symbolAt(libAnalysis, at(lib, "x -> dense"))!;
    expect(references([libAnalysis], target).map((r) => where(r.span))).toEqual(["lib.nn:3:9", "lib.nn:4:14", "lib.nn:4:19"]);
  });

  it("is not asked about layers, option keys or `as` names", () => {
    expect(symbolAt(libAnalysis, at(lib, "dense(hidden)"))).toBeUndefined();
    expect(symbolAt(mainAnalysis, at(main, "hidden: 4"))).toBeUndefined();
  });
});

describe("rename", () => {
  it("renames a block everywhere it is declared, imported and called", () => {
    const { span, target } = prepareRename(mainAnalysis, at(main, "Residual(WIDTH)"))!;
    expect(main.slice(span.start, span.end)).toBe("Residual");
    const result = rename([libAnalysis, mainAnalysis], target, "Skip");
    if (!("edits" in result)) throw new Error(result.error);
    const apply = (file: string, text: string) =>
      result.edits
        .filter((e) => e.span.file === file)
        .sort((a, b) => b.span.start - a.span.start)
        .reduce((t, e) => t.slice(0, e.span.start) + e.newText + t.slice(e.span.end), text);
    const newLib = apply("lib.nn", lib);
    const newMain = apply("main.nn", main);
    expect(newLib).toContain("block Skip(n, hidden = 16)");
    expect(newMain).toContain('import { Skip, WIDTH } from "./lib.nn"');
    expect(newMain).toContain("output y = h -> Skip(WIDTH, hidden: 4)");
    expect(analyze(newMain, "main.nn", { "lib.nn": newLib }).result.diagnostics).toEqual([]);
  });

  it("renames a binding and its uses", () => {
    const src = readFileSync("examples/lenet.nn", "utf8");
    const a = analyze(src, "lenet.nn");
    const result = rename([a], symbolAt(a, at(src, "logits ="))!.target, "scores");
    expect("edits" in result && result.edits.map((e) => e.span.line)).toEqual([6, 16, 17]);
  });

  it("refuses a name that is taken, a keyword, a layer or not an identifier", () => {
    const { target } = symbolAt(mainAnalysis, at(main, "h = x"))!;
    expect(rename([mainAnalysis], target, "x")).toEqual({ error: "'x' is already declared at main.nn:3:9" });
    expect(rename([mainAnalysis], target, "input")).toEqual({ error: "'input' is a keyword" });
    expect(rename([mainAnalysis], target, "dense")).toEqual({ error: "'dense' is a layer's name" });
    expect(rename([mainAnalysis], target, "2h")).toEqual({ error: "'2h' is not an identifier" });
  });

  it("cannot start on a layer's name", () => {
    expect(prepareRename(libAnalysis, at(lib, "relu"))).toBeUndefined();
  });
});

describe("hover on a block's name", () => {
  it("shows its signature, inputs and instances where it is imported or declared", () => {
    expect(hover(mainAnalysis, at(main, "Residual, WIDTH"))!.contents).toEqual(["**Residual** — block (from `lib.nn`)", "`block Residual(n, hidden = 16)`", "Input: `x: f32[n]`. 2 instances in this file's models."]);
    expect(hover(libAnalysis, at(lib, "Residual"))!.contents[2]).toBe("Input: `x: f32[n]`. 0 instances in this file's models.");
  });

  it("shows the instance at a call", () => {
    expect(hover(mainAnalysis, at(main, "Residual(WIDTH)"))!.contents[0]).toBe("**Residual** — block instance");
  });
});
