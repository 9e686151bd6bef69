// The runtime's index must load in a browser: no module it reaches may import
// Node built-ins or use Node-only globals. Only mnist-node.ts,
// threads-node.ts (worker_threads) and datasets/node.ts may; index.ts must
// not reach them. Of npm packages it may import only those that run in
// browsers as they are (BROWSER_PACKAGES).
import { readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { describe, expect, it } from "vitest";
import * as runtime from "../../runtime/index.ts";

const dir = join(process.cwd(), "runtime");
const source = (file: string) => readFileSync(join(dir, file), "utf8");
/** Packages the runtime may import: plain JavaScript without Node built-ins (Papa Parse for CSV, fflate for .npz). */
const BROWSER_PACKAGES = new Set(["papaparse", "fflate"]);
const imports = (text: string) => Array.from(text.matchAll(/^\s*(?:import|export)\b[^;]*?from\s+"([^"]+)"/gm), (m) => m[1]);

/** Every runtime file reachable from index.ts through its imports. */
function reachable(): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of imports(source(file))) if (spec!.startsWith(".")) visit(posix.join(posix.dirname(file), spec!));
  };
  visit("index.ts");
  return seen;
}

describe("browser safety", () => {
  it("index.ts reaches only browser-safe modules", () => {
    const files = reachable();
    expect(files.has("mnist-node.ts")).toBe(false);
    expect(files.has("threads-node.ts")).toBe(false);
    expect(files.has("datasets/node.ts")).toBe(false);
    for (const file of files) {
      const text = source(file);
      expect(file, "a runtime module outside runtime/").not.toMatch(/^\.\./);
      for (const spec of imports(text)) if (!BROWSER_PACKAGES.has(spec!)) expect(spec, `${file} imports ${spec}`).toMatch(/^\.\.?\/[\w/.-]+\.ts$/);
      // An optional `process` (`process?.env`, a `process?:` property type) is a guarded read, browser-safe; a bare one is not.
      const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "").replace(/\bprocess\?[.:]/g, "");
      expect(code, `${file} uses a Node-only global`).not.toMatch(/\b(process|Buffer|require|__dirname|__filename|global)\b/);
    }
  });

  it("exports the runtime's API", () => {
    for (const name of [
      "Rng", "glorotUniform", "heUniform", "zeros", "ones", "uniform", "normal", "computeFans",
      "sgd", "momentum", "adam", "adamw", "createOptimizer", "encodeSafetensors", "decodeSafetensors",
      "loadParams", "saveParams", "SafetensorsError", "ParamsMismatchError", "batches", "gather", "argmax", "accuracy", "countCorrect",
    ]) {
      expect(runtime, name).toHaveProperty(name);
    }
  });
});
