import { describe, expect, it } from "vitest";
import { decodeSource, encodeSource } from "../../playground/src/state/persist.ts";

describe("the source in the URL", () => {
  it("round-trips any text, non-ASCII included, through URL-safe characters", () => {
    const source = "// tagger.nn — étiquetage, 词性, 🙂\nmodel M {\n  input x: f32[T, 4]\n  output y = x -> dense(2) + x -> dense(2)\n}\n";
    const encoded = encodeSource(source);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeSource(encoded)).toBe(source);
  });

  it("ignores a fragment that is not valid base64url of UTF-8", () => {
    expect(decodeSource("%%%")).toBeUndefined();
    expect(decodeSource(encodeSource("ok").slice(0, 1) + "_w")).toBeUndefined();
  });
});
