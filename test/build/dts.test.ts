// Exact types for .nn modules: `nnc compile --dts` writes `<name>.d.nn.ts`,
// which TypeScript reads for `import { M } from "./<name>.nn"` under
// "allowArbitraryExtensions": true; the generated `.nn.ts` module is typed
// the same way; `nnc/nn-modules` is the ambient fallback. Each consumer is
// type-checked with its mistakes marked `@ts-expect-error`, so a check that
// stops failing is an error too (TS2578).
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Project, ts } from "ts-morph";
import { describe, expect, it } from "vitest";
import { check } from "../../compiler/index.ts";
import { emitDeclarations } from "../../build/dts.ts";

function nnc(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile("node", [resolve("bin/nnc.js"), ...args], { env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
}

const dir = mkdtempSync(join(tmpdir(), "nnc-dts-"));
const model = `model Tagger {
  input words: i32[T]
  input extra: f32[T, 2]
  target tags: i32[T]
  logits = concat(words -> embedding(10, 4), extra, axis: 1) -> dense(3) as head
  output logits
  output features = extra
  loss cross_entropy(logits, tags)
}

model Scorer {
  input x: f32[4]
  output score = x -> dense(1)
}

model Speller {
  input code: f32[4]
  input prev: i32[T]
  state = code -> dense(4)
  output logits = prev -> embedding(5, 4) -> gru(4, sequences: true, initial: state) -> dense(5)
  generate prev from logits(start: 1)
}
`;

/** Uses of Tagger and Scorer, right and wrong: the same text checks every way of typing the import. */
const consumer = (from: string, importLine = `import { Tagger, Scorer, Speller } from "${from}";`) => `${importLine}

const m = new Tagger({ seed: 1 });
const dims = { batch: 2, T: 3 };
const words = new Int32Array(6);
const extra = new Float32Array(12);
const out = m.forward({ words, extra }, dims);
const logits: Float32Array = out.logits;
const features: Float32Array = out.features;
const loss: number = m.lossAndGrads({ words, extra, tags: new Int32Array(6) }, dims);
m.forward({ words, extra, tags: new Int32Array(6) }, dims); // forward accepts (and ignores) targets
const kernel: Float32Array = m.params["head.kernel"];
const grad: Float32Array = m.grads["embedding_1.table"];
const shape: readonly [6, 3] = Tagger.params["head.kernel"];
const dtype: "i32" = Tagger.inputs.words.dtype;
const symbol: "T" = Tagger.inputs.words.shape[0];
const prediction: "logits" = Tagger.loss.prediction;
const score: Float32Array = new Scorer().forward({ x: new Float32Array(4) }, { batch: 1 }).score;
const none: null = Scorer.loss;
const decoded: Int32Array = new Speller().generate({ code: new Float32Array(4) }, { batch: 1, T: 5 }, { temperature: 0.5, seed: 2 });
const feed: "prev" = Speller.generation.feed;
void [logits, features, loss, kernel, grad, shape, dtype, symbol, prediction, score, none, decoded, feed];

// @ts-expect-error: words is i32
m.forward({ words: new Float32Array(6), extra }, dims);
// @ts-expect-error: extra is missing
m.forward({ words }, dims);
// @ts-expect-error: no input named wrods
m.forward({ wrods: words, words, extra }, dims);
// @ts-expect-error: the symbol T is missing from dims
m.forward({ words, extra }, { batch: 2 });
// @ts-expect-error: the model has no symbol S
m.forward({ words, extra }, { batch: 2, T: 3, S: 1 });
// @ts-expect-error: no output named probs
m.forward({ words, extra }, dims).probs;
// @ts-expect-error: lossAndGrads needs the target
m.lossAndGrads({ words, extra }, dims);
// @ts-expect-error: no parameter named head.kernal
m.params["head.kernal"];
// @ts-expect-error: parameters are never replaced
m.params["head.kernel"] = new Float32Array(18);
// @ts-expect-error: a model without a loss has no lossAndGrads
new Scorer().lossAndGrads;
// @ts-expect-error: ... and no grads
new Scorer().grads;
// @ts-expect-error: decoding feeds prev itself
new Speller().generate({ code: new Float32Array(4), prev: new Int32Array(5) }, { batch: 1, T: 5 });
// @ts-expect-error: a model without generate has no generate
m.generate;
`;

function typeCheck(files: Record<string, string>, options: ts.CompilerOptions): string[] {
  const project = new Project({
    compilerOptions: { strict: true, target: ts.ScriptTarget.ES2022, noEmit: true, skipLibCheck: false, types: [], lib: ["lib.es2022.d.ts"], allowArbitraryExtensions: true, ...options },
  });
  for (const [path, text] of Object.entries(files)) project.createSourceFile(path, text, { overwrite: true });
  return project.getPreEmitDiagnostics().map((d) => `${d.getSourceFile()?.getBaseName()}:${d.getLineNumber()}: TS${d.getCode()} ${ts.flattenDiagnosticMessageText(d.compilerObject.messageText, " ")}`);
}

describe("nnc compile --dts", () => {
  const src = join(dir, "src");
  const out = join(dir, "out");
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, "tagger.nn"), model);

  it("writes <name>.d.nn.ts beside <name>.nn.ts", async () => {
    const r = await nnc(["compile", "--dts", join(src, "tagger.nn"), "-o", out]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(`wrote ${join(out, "tagger.nn.ts")}\nwrote ${join(out, "tagger.d.nn.ts")}\n`);
    const dts = readFileSync(join(out, "tagger.d.nn.ts"), "utf8");
    expect(dts).toContain("export declare class Tagger {");
    // Formatted by Prettier: compare with the line breaks taken out.
    expect(dts.replace(/\s+/g, " ").replace(/; \}/g, " }").replace(/\( /g, "(").replace(/, \)/g, ")")).toContain(
      "forward(inputs: { words: Int32Array; extra: Float32Array; tags?: Int32Array }, dims: { batch: number; T: number }): { logits: Float32Array; features: Float32Array };",
    );
    expect(dts).not.toContain("import "); // self-contained: no runtime types needed
  });

  for (const resolution of ["Bundler", "NodeNext"] as const) {
    it(`types a named import of the .nn file exactly (moduleResolution ${resolution})`, () => {
      copyFileSync(join(out, "tagger.d.nn.ts"), join(src, "tagger.d.nn.ts"));
      const options = resolution === "Bundler" ? { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler } : { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext };
      // NodeNext needs the consumer to be an ES module: a .mts file.
      const file = join(src, resolution === "Bundler" ? "use.ts" : "use.mts");
      expect(typeCheck({ [file]: consumer("./tagger.nn") }, options)).toEqual([]);
    });
  }

  it("each marked mistake is an error of its own", () => {
    const unmarked = consumer("./tagger.nn").replace(/\/\/ @ts-expect-error.*\n/g, "");
    const problems = typeCheck({ [join(src, "unmarked.ts")]: unmarked }, { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler });
    const marked = consumer("./tagger.nn").match(/@ts-expect-error/g)!.length;
    expect(marked).toBe(13);
    // One error on each of the last `marked` lines, and none elsewhere.
    const lines = unmarked.trimEnd().split("\n").length;
    expect(problems.map((p) => Number(p.split(":")[1]))).toEqual(Array.from({ length: marked }, (_, i) => lines - marked + 1 + i));
    expect(problems[0]).toContain("Type 'Float32Array<ArrayBuffer>' is not assignable to type 'Int32Array");
  });

  it("without allowArbitraryExtensions the import is an error that says so", () => {
    const problems = typeCheck({ [join(src, "plain.ts")]: consumer("./tagger.nn") }, { allowArbitraryExtensions: false, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler });
    expect(problems.join("\n")).toContain("allowArbitraryExtensions");
  });

  it("the generated .nn.ts module is typed exactly too", () => {
    const options = { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, allowImportingTsExtensions: true, paths: { "nnc/runtime": [resolve("runtime/index.ts")] }, lib: ["lib.es2022.d.ts", "lib.dom.d.ts"], skipLibCheck: true };
    expect(typeCheck({ [join(out, "use.ts")]: consumer("./tagger.nn.ts") }, options)).toEqual([]);
  });

  it("declares models named with reserved words under their names, and JavaScript's special names as keys", () => {
    const checked = check("model class {\n  input constructor: f32[3]\n  target __proto__: i32\n  y = constructor -> dense(3) as toString\n  output y\n  loss cross_entropy(y, __proto__)\n}\n", { filename: "odd.nn" });
    const d = join(dir, "odd");
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, "odd.d.nn.ts"), emitDeclarations(checked));
    const use = `import { class as Odd } from "./odd.nn";
const m = new Odd();
const y: Float32Array = m.forward({ constructor: new Float32Array(3) }, { batch: 1 }).y;
const l: number = m.lossAndGrads({ constructor: new Float32Array(3), __proto__: new Int32Array(1) }, { batch: 1 });
const k: Float32Array = m.params["toString.kernel"];
void [y, l, k];
`;
    expect(typeCheck({ [join(d, "use.ts")]: use }, { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler })).toEqual([]);
  });

  it("--specialize bakes the sizes into the dims type", () => {
    const dts = emitDeclarations(check(model, { filename: "t.nn" }), { specialize: { batch: 8, T: 5 } });
    expect(dts).toContain('dims: { "batch": 8; "T": 5 }');
  });
});

describe("nnc/nn-modules, the ambient fallback", () => {
  const d = join(dir, "ambient");
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, "tagger.nn"), model);
  const ambient = resolve("types/nn-modules.d.ts");
  const options = { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler };

  it("types a namespace import generically", () => {
    const use = `import * as models from "./tagger.nn";
const m = new models.Tagger({ seed: 1 });
const out: Record<string, Float32Array> = m.forward({ words: new Int32Array(2) }, { batch: 1, T: 2 });
const loss: number | undefined = m.lossAndGrads?.({}, { batch: 1 });
const spec: "f32" | "i32" = models.Tagger.inputs["words"]!.dtype;
void [out, loss, spec];
// @ts-expect-error: inputs are typed arrays
m.forward({ words: [1, 2] }, { batch: 1 });
`;
    expect(typeCheck({ [ambient]: readFileSync(ambient, "utf8"), [join(d, "use.ts")]: use }, options)).toEqual([]);
  });

  it("generated declarations take precedence over it", () => {
    writeFileSync(join(d, "tagger.d.nn.ts"), readFileSync(join(dir, "out", "tagger.d.nn.ts"), "utf8"));
    expect(typeCheck({ [ambient]: readFileSync(ambient, "utf8"), [join(d, "exact.ts")]: consumer("./tagger.nn") }, options)).toEqual([]);
  });
});

describe("the example app", () => {
  it("type-checks against the declarations `npm run app:typecheck` generates", async () => {
    const run = (cmd: string, args: string[]) =>
      new Promise<{ code: number; out: string }>((done) => execFile(cmd, args, (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, out: stdout + stderr })));
    const compiled = await run("node", [resolve("bin/nnc.js"), "compile", "--dts", "examples/app/src/digits.nn", "-o", "examples/app/.nnc"]);
    expect(compiled.code).toBe(0);
    const tsc = await run("node", [resolve("node_modules/typescript/bin/tsc"), "-p", "examples/app"]);
    expect(tsc.out).toBe("");
    expect(tsc.code).toBe(0);
  });
});
