// Files shipped at the package's root (package.json, examples/data/…), found
// both from these sources (cli/, one folder down) and from the bundled
// command line in dist/bin/ (two folders down).
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The path of `relative` (from the package root), or undefined when neither layout has it. */
export function packageFile(relative: string): string | undefined {
  return ["../", "../../"].map((up) => fileURLToPath(new URL(up + relative, import.meta.url))).find((path) => existsSync(path));
}

/** This package's version, from its package.json. */
export function packageVersion(): string {
  const path = packageFile("package.json");
  return path ? (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version : "unknown";
}
