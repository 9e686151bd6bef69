// Every example compiles to a module that type-checks under `tsc --strict`
// against the real runtime.
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Project, ts } from "ts-morph";
import { describe, expect, it } from "vitest";
import { check } from "../../compiler/index.ts";
import { generate } from "../../compiler/codegen/index.ts";

const examples = readdirSync("examples").filter((f) => f.endsWith(".nn"));

function strictProject(): Project {
  return new Project({
    compilerOptions: {
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      allowImportingTsExtensions: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
      lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
      paths: { "nnc/runtime": [resolve("runtime/index.ts")] },
    },
  });
}

describe("examples compile to strict TypeScript", () => {
  for (const file of examples) {
    it(file, () => {
      const path = `examples/${file}`;
      const result = generate(check(readFileSync(path, "utf8"), { filename: path }));
      expect(result.diagnostics).toEqual([]);
      const project = strictProject();
      const source = project.createSourceFile(resolve(`test/codegen/__generated__/${file}.ts`), result.code!, { overwrite: true });
      const problems = source.getPreEmitDiagnostics().map((d) => {
        const text = d.getMessageText();
        return `${d.getLineNumber()}: ${typeof text === "string" ? text : text.getMessageText()}`;
      });
      expect(problems).toEqual([]);
    });
  }
});
