// runtime/wasm/binary.ts is committed (so installs, bundlers and browser
// workers need no build step); this rebuilds it from the AssemblyScript
// source and requires the same bytes, so the binary cannot drift from it.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { binaryPath, buildBinaryModule } from "../../scripts/build-wasm.ts";

describe("the WebAssembly kernels' binary", () => {
  it("is what its source builds to today", async () => {
    expect(await buildBinaryModule()).toBe(readFileSync(binaryPath, "utf8"));
  });
});
