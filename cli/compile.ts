// `nnc compile`: .nn files to TypeScript modules, formatted with Prettier.
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import * as prettier from "prettier";
import { checkProgram } from "../compiler/check/program.ts";
import { generate } from "../compiler/codegen/index.ts";
import { emitDeclarations } from "../build/dts.ts";
import type { Diagnostic } from "../compiler/diagnostics.ts";
import type { SourceFile } from "../compiler/source.ts";
import { fsHost } from "./fs-host.ts";

export interface CompiledFile {
  file: string;
  diagnostics: Diagnostic[];
  sources: Map<string, SourceFile>;
  code?: string;
  /** The `.d.nn.ts` declarations, when asked for. */
  dts?: string;
}

/** `batch=64,T=20` → { batch: 64, T: 20 }; throws on a malformed entry. */
export function parseSpecialize(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (!text) return out;
  for (const part of text.split(",")) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(\d+)\s*$/.exec(part);
    if (!m || Number(m[2]) < 1) throw new Error(`--specialize expects name=positive integer pairs such as batch=64,T=20; got '${part}'`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

export async function compileFile(file: string, specialize: Record<string, number>, dts = false): Promise<CompiledFile> {
  const checked = checkProgram(file, fsHost);
  const result = generate(checked, { specialize });
  const compiled: CompiledFile = { file, diagnostics: result.diagnostics, sources: checked.sources };
  if (result.code) compiled.code = await prettier.format(result.code, typescriptFormat);
  if (result.code && dts) compiled.dts = await prettier.format(emitDeclarations(checked, { specialize, source: file }), typescriptFormat);
  return compiled;
}

export function writeCompiled(compiled: CompiledFile[], outDir: string): string[] {
  mkdirSync(outDir, { recursive: true });
  return compiled.flatMap((c) => {
    const path = join(outDir, `${basename(c.file, ".nn")}.nn.ts`);
    writeFileSync(path, c.code!);
    if (c.dts === undefined) return [path];
    const dtsPath = join(outDir, `${basename(c.file, ".nn")}.d.nn.ts`);
    writeFileSync(dtsPath, c.dts);
    return [path, dtsPath];
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
