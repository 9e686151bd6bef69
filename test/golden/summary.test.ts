// Golden files: `nnc summary` of every example, checked in under
// test/golden/summaries/. Regenerate after an intended change with
// `npx vitest run test/golden -u` and review the diff.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { check } from "../../compiler/index.ts";
import { formatSummary, summarize } from "../../compiler/summary.ts";

const examples = readdirSync("examples").filter((f) => f.endsWith(".nn"));

describe("nnc summary golden files", () => {
  it("covers every example", () => {
    expect(examples.length).toBeGreaterThanOrEqual(7);
  });
  for (const file of examples) {
    it(file, async () => {
      const path = `examples/${file}`;
      const result = check(readFileSync(path, "utf8"), { filename: path });
      expect(result.diagnostics).toEqual([]);
      const text = result.models.map((m) => formatSummary(summarize(m), path)).join("\n\n") + "\n";
      await expect(text).toMatchFileSnapshot(`summaries/${file.replace(/\.nn$/, "")}.txt`);
    });
  }
});
