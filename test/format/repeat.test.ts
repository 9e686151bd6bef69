// The formatter keeps repeated stages (`-> stage * n`), with and without `as`.
import { describe, expect, it } from "vitest";
import { formatNn } from "../../compiler/format/index.ts";

describe("formatting repeated stages", () => {
  it("keeps `* n` after a stage and after its alias, idempotently", async () => {
    const src = "const N = 2\nmodel M {\n  input x: f32[4]\n  output y = x   ->   dense(4) as hidden *N -> relu*3\n}\n";
    const once = await formatNn(src);
    expect(once).toContain("x -> dense(4) as hidden * N -> relu * 3");
    expect(await formatNn(once)).toBe(once);
  });
});
