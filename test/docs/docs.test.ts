import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Diagnostics } from "../../compiler/diagnostics.ts";
import { diagnosticsMarkdown } from "../../compiler/diagnostics-doc.ts";

describe("the diagnostic catalogue", () => {
  it("has unique codes in the NNxxxx form", () => {
    const codes = Object.values(Diagnostics).map((d) => d.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(c).toMatch(/^NN[1-6]\d{3}$/);
  });

  it("is documented in docs/diagnostics.md (run `npm run docs` after a change)", () => {
    expect(readFileSync("docs/diagnostics.md", "utf8")).toBe(diagnosticsMarkdown());
  });
});
