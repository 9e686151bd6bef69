// Golden files: the module generated for a convolutional and a recurrent
// example, checked in under test/golden/generated/, so that a change to code
// generation shows in review as a diff of the code it emits. Regenerate after
// an intended change with `npx vitest run test/golden -u` and read the diff.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compile } from "../../compiler/index.ts";

describe("generated code golden files", () => {
  for (const example of ["lenet", "tagger"]) {
    it(`${example}.nn`, async () => {
      const path = `examples/${example}.nn`;
      const { diagnostics, code } = compile(readFileSync(path, "utf8"), { filename: path });
      expect(diagnostics).toEqual([]);
      await expect(code).toMatchFileSnapshot(`generated/${example}.nn.ts`);
    });
  }
});
