// `nnc compile`: .nn files to TypeScript modules, formatted with Prettier, or
// with --js to JavaScript modules and their declarations.
import { mkdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import * as prettier from "prettier";
import { checkProgram } from "../compiler/check/program.ts";
import { generate } from "../compiler/codegen/index.ts";
import { emitDeclarations } from "../build/dts.ts";
import { toJavaScript } from "../build/transpile.ts";
import type { Diagnostic } from "../compiler/diagnostics.ts";
import type { SourceFile } from "../grammar/source.ts";
import { fsHost } from "./fs-host.ts";
import { writeFileAtomic } from "./write-file-atomic.ts";

/** What `nnc compile` makes of each file. */
export interface CompileFlags {
  specialize: Record<string, number>;
  /** Also write `<name>.d.nn.ts`, the types of `import … from "./<name>.nn"`. */
  dts?: boolean;
  /** Leave out training: no backward code, `grads` or `lossAndGrads`. */
  inference?: boolean;
  /** Write JavaScript, `<name>.nn.js` with its declarations `<name>.nn.d.ts`, instead of `<name>.nn.ts`. */
  js?: boolean;
}

export interface CompiledFile {
  file: string;
  diagnostics: Diagnostic[];
  sources: Map<string, SourceFile>;
  /** The texts to write, in the order of outputPaths; absent when there were errors. */
  outputs?: string[];
  /** The symbolic dims of its models: what `--specialize` may name besides batch. */
  symbols: string[];
}

export { parseSpecialize } from "./specialize-flag.ts";

export async function compileFile(file: string, flags: CompileFlags): Promise<CompiledFile> {
  const { specialize, inference = false } = flags;
  const checked = checkProgram(file, fsHost);
  const result = generate(checked, { specialize, inference });
  const compiled: CompiledFile = { file, diagnostics: result.diagnostics, sources: checked.sources, symbols: checked.models.flatMap((m) => [...m.symbols.keys()]) };
  if (result.code === undefined) return compiled;
  const code = await prettier.format(result.code, typescriptFormat);
  const declarations = flags.dts || flags.js ? await prettier.format(emitDeclarations(checked, { specialize, source: file, inference }), typescriptFormat) : "";
  // Transpiled from the formatted TypeScript, whose layout it keeps.
  const module = flags.js ? [toJavaScript(code, `${basename(file)}.ts`), declarations] : [code];
  compiled.outputs = [...module, ...(flags.dts ? [declarations] : [])];
  return compiled;
}

/**
 * The files `nnc compile` writes for `file`: `<name>.nn.ts`, or with `js`
 * `<name>.nn.js` and `<name>.nn.d.ts` (the name TypeScript looks for beside
 * a .js file); with `dts` also `<name>.d.nn.ts`.
 */
export function outputPaths(file: string, outDir: string, flags: Pick<CompileFlags, "dts" | "js">): string[] {
  const name = basename(file, ".nn");
  const module = flags.js ? [`${name}.nn.js`, `${name}.nn.d.ts`] : [`${name}.nn.ts`];
  return [...module, ...(flags.dts ? [`${name}.d.nn.ts`] : [])].map((f) => join(outDir, f));
}

/**
 * Inputs whose outputs would land on the same path (`a/x.nn` and `b/x.nn`
 * both make `x.nn.ts`): one message per clash, naming both inputs. Outputs go
 * flat into the folder, so such files need folders of their own. A file
 * named twice is one input.
 */
export function outputCollisions(files: string[], outDir: string, flags: Pick<CompileFlags, "dts" | "js">): string[] {
  const writer = new Map<string, string>();
  const problems: string[] = [];
  for (const file of files) {
    for (const path of outputPaths(file, outDir, flags)) {
      const key = resolve(path);
      const first = writer.get(key);
      if (first === undefined) writer.set(key, file);
      else if (resolve(first) !== resolve(file)) problems.push(`${first} and ${file} would both be written to ${path}`);
    }
  }
  return problems;
}

/** Writes each file's outputs (each to a temporary file renamed into place); returns the paths written. A failed write throws naming its path, which keeps its old contents. */
export function writeCompiled(compiled: CompiledFile[], outDir: string, flags: Pick<CompileFlags, "dts" | "js">): string[] {
  mkdirSync(outDir, { recursive: true });
  const write = (path: string, text: string) => {
    try {
      writeFileAtomic(path, text);
    } catch (e) {
      throw new Error(`cannot write ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); it was left as it was`, { cause: e });
    }
  };
  return compiled.flatMap((c) =>
    outputPaths(c.file, outDir, flags).map((path, i) => {
      write(path, c.outputs![i]!);
      return path;
    }),
  );
}

/**
 * How Prettier formats emitted TypeScript. The file name ends in `.ts`, so
 * Prettier parses it as TypeScript without JSX directly: without a name it
 * first tests the text with a regular expression for JSX that takes time
 * quadratic in the length of a run of lines without quotes, which generated
 * kernels are (19 s of the 27 s it took to format a 1,000-layer model).
 */
export const typescriptFormat = { parser: "typescript", printWidth: 120, filepath: "module.nn.ts" } as const;
