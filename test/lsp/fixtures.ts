// A throwaway workspace for the protocol tests: a block library, a model
// that imports it, and LeNet-5, written to a temporary folder (imports are
// read from the disk when their file is not open in the editor).
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repo } from "./client.ts";

export const LIB = `const WIDTH = 8
block Residual(n, hidden = 16) {
  input x: f32[n]
  output y = x + (x -> dense(hidden) -> relu -> dense(n))
}
`;

export const MAIN = `import { Residual, WIDTH } from "./lib.nn"
model Net {
  input x: f32[WIDTH]
  h = x -> Residual(WIDTH)
  output y = h -> Residual(WIDTH, hidden: 4)
}
`;

export function makeWorkspace(): { dir: string; lib: string; main: string; lenet: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "nnc-lsp-"));
  const lib = join(dir, "lib.nn");
  const main = join(dir, "main.nn");
  const lenet = join(dir, "lenet.nn");
  writeFileSync(lib, LIB);
  writeFileSync(main, MAIN);
  cpSync(join(repo, "examples/lenet.nn"), lenet);
  return { dir, lib, main, lenet, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The 0-based line and character of `needle`'s first occurrence in `text`, plus `delta` characters. */
export function positionOf(text: string, needle: string, delta = 0): { line: number; character: number } {
  const offset = text.indexOf(needle);
  if (offset < 0) throw new Error(`'${needle}' is not in the text`);
  const before = text.slice(0, offset + delta);
  const line = before.split("\n").length - 1;
  return { line, character: before.length - before.lastIndexOf("\n") - 1 };
}
