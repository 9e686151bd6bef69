// Every example, formatted: a fixed point, every comment kept, the same
// syntax tree and the same checked models; the results are golden files.
import { describe, expect, it } from "vitest";
import { check } from "../../compiler/index.ts";
import { commentTexts, examples, formatNn, meaning, shape } from "./helpers.ts";

describe.each(examples)("formatting $name", ({ name, text }) => {
  it("is idempotent", async () => {
    const once = await formatNn(text);
    expect(await formatNn(once)).toBe(once);
  });

  it("keeps every comment", async () => {
    expect(commentTexts(await formatNn(text))).toEqual(commentTexts(text));
  });

  it("keeps the syntax tree and the checked models", async () => {
    const formatted = await formatNn(text);
    expect(shape(formatted)).toEqual(shape(text));
    const before = meaning(text);
    expect(before.diagnostics).toEqual([]);
    expect(before.models.length).toBeGreaterThan(0);
    expect(meaning(formatted)).toEqual(before);
    expect(check(formatted, { filename: name }).models.map((m) => m.name)).toEqual(check(text, { filename: name }).models.map((m) => m.name));
  });

  it("matches its golden file", async () => {
    await expect(await formatNn(text)).toMatchFileSnapshot(`__snapshots__/${name}`);
  });
});
