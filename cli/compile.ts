// `nnc compile`: .nn files to TypeScript modules, formatted with Prettier.
import { mkdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import * as prettier from "prettier";
import { checkProgram } from "../compiler/check/program.ts";
import { generate } from "../compiler/codegen/index.ts";
import { emitDeclarations } from "../build/dts.ts";
import type { Diagnostic } from "../compiler/diagnostics.ts";
import type { SourceFile } from "../compiler/source.ts";
import { fsHost } from "./fs-host.ts";
import { writeFileAtomic } from "./write-file-atomic.ts";

export interface CompiledFile {
  file: string;
  diagnostics: Diagnostic[];
  sources: Map<string, SourceFile>;
  code?: string;
  /** The `.d.nn.ts` declarations, when asked for. */
  dts?: string;
  /** The symbolic dims of its models: what `--specialize` may name besides batch. */
  symbols: string[];
}

/** `batch=64,T=20` → { batch: 64, T: 20 }; throws on a malformed entry, a size that is not a positive integer, or a name given twice. */
export function parseSpecialize(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (text === undefined) return out;
  for (const part of text.split(",")) {
    const m = /^\s*([\p{L}_][\p{L}\p{Nd}_]*)\s*=\s*(.*?)\s*$/u.exec(part);
    if (!m) throw new Error(`--specialize expects name=size pairs such as batch=64,T=20; got '${part}'`);
    const [, name, value] = m as unknown as [string, string, string];
    const size = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(size) || size < 1) throw new Error(`--specialize ${name} must be a positive integer, got '${value}'`);
    if (Object.hasOwn(out, name)) throw new Error(`--specialize gives ${name} twice`);
    out[name] = size;
  }
  return out;
}

export async function compileFile(file: string, specialize: Record<string, number>, dts = false): Promise<CompiledFile> {
  const checked = checkProgram(file, fsHost);
  const result = generate(checked, { specialize });
  const compiled: CompiledFile = { file, diagnostics: result.diagnostics, sources: checked.sources, symbols: checked.models.flatMap((m) => [...m.symbols.keys()]) };
  if (result.code) compiled.code = await prettier.format(result.code, typescriptFormat);
  if (result.code && dts) compiled.dts = await prettier.format(emitDeclarations(checked, { specialize, source: file }), typescriptFormat);
  return compiled;
}

/** The files `nnc compile` writes for `file`: `<name>.nn.ts`, and with `dts` `<name>.d.nn.ts`. */
export function outputPaths(file: string, outDir: string, dts: boolean): string[] {
  const name = basename(file, ".nn");
  return [join(outDir, `${name}.nn.ts`), ...(dts ? [join(outDir, `${name}.d.nn.ts`)] : [])];
}

/**
 * Inputs whose outputs would land on the same path (`a/x.nn` and `b/x.nn`
 * both make `x.nn.ts`): one message per clash, naming both inputs. Outputs go
 * flat into the folder, so such files need folders of their own. A file
 * named twice is one input.
 */
export function outputCollisions(files: string[], outDir: string, dts: boolean): string[] {
  const writer = new Map<string, string>();
  const problems: string[] = [];
  for (const file of files) {
    for (const path of outputPaths(file, outDir, dts)) {
      const key = resolve(path);
      const first = writer.get(key);
      if (first === undefined) writer.set(key, file);
      else if (resolve(first) !== resolve(file)) problems.push(`${first} and ${file} would both be written to ${path}`);
    }
  }
  return problems;
}

/** Writes each file's outputs (each to a temporary file renamed into place); returns the paths written. A failed write throws naming its path, which keeps its old contents. */
export function writeCompiled(compiled: CompiledFile[], outDir: string): string[] {
  mkdirSync(outDir, { recursive: true });
  const write = (path: string, text: string) => {
    try {
      writeFileAtomic(path, text);
    } catch (e) {
      throw new Error(`cannot write ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); it was left as it was`, { cause: e });
    }
  };
  return compiled.flatMap((c) => {
    const [path, dtsPath] = outputPaths(c.file, outDir, c.dts !== undefined);
    write(path!, c.code!);
    if (dtsPath === undefined) return [path!];
    write(dtsPath, c.dts!);
    return [path!, dtsPath];
  });
}

/**
 * How Prettier formats emitted TypeScript. The file name ends in `.ts`, so
 * Prettier parses it as TypeScript without JSX directly: without a name it
 * first tests the text with a regular expression for JSX that takes time
 * quadratic in the length of a run of lines without quotes, which generated
 * kernels are (19 s of the 27 s it took to format a 1,000-layer model).
 */
export const typescriptFormat = { parser: "typescript", printWidth: 120, filepath: "module.nn.ts" } as const;
