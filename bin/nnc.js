#!/usr/bin/env node
// The `nnc` command. Installed from npm, it runs the bundled JavaScript in
// dist/bin (built by `npm run build`, which `npm pack` runs). In a checkout of
// the repository, where the TypeScript sources are, it runs them through tsx,
// so an edit needs no build step and a stale dist/ is never used.
import { existsSync } from "node:fs";

const source = new URL("../cli/main.ts", import.meta.url);
const tsx = existsSync(source) ? await import("tsx/esm/api").catch(() => undefined) : undefined;
if (tsx) {
  tsx.register();
  await import(source.href);
} else {
  await import("../dist/bin/main.js");
}
