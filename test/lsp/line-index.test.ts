// LSP positions count UTF-16 code units per line (the protocol's default),
// while the compiler's offsets skip a leading byte-order mark: lsp/line-index.ts.
import { describe, expect, it } from "vitest";
import { LineIndex } from "../../lsp/line-index.ts";

describe("LineIndex", () => {
  it("maps offsets to lines and UTF-16 characters, with LF, CRLF and CR line breaks", () => {
    const lines = new LineIndex("ab\ncd\r\nef\rgh");
    expect([0, 2, 3, 5, 7, 10, 11].map((o) => lines.position(o))).toEqual([
      { line: 0, character: 0 },
      { line: 0, character: 2 },
      { line: 1, character: 0 },
      { line: 1, character: 2 },
      { line: 2, character: 0 },
      { line: 3, character: 0 },
      { line: 3, character: 1 },
    ]);
    expect(lines.offset({ line: 2, character: 1 })).toBe(8);
    // A character past the end of its line stops at the line break.
    expect(lines.offset({ line: 0, character: 99 })).toBe(3);
  });

  it("counts a character beyond U+FFFF as two, as the protocol does", () => {
    const lines = new LineIndex("// 𝔘 x\nm");
    expect(lines.position("// 𝔘 x".indexOf("x"))).toEqual({ line: 0, character: 6 });
  });

  it("shifts line 0 by the byte-order mark the compiler's offsets skip", () => {
    const lines = new LineIndex("\uFEFFmodel M {}\nx");
    expect(lines.position(0)).toEqual({ line: 0, character: 1 });
    expect(lines.offset({ line: 0, character: 1 })).toBe(0);
    expect(lines.position(11)).toEqual({ line: 1, character: 0 });
  });
});
