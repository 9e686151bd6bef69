// LSP positions (0-based line, UTF-16 character) for offsets into a file's
// text as the compiler sees it: without a leading byte-order mark, which the
// editor's text still has, so a file with one shifts line 0 by a character.
import type { Position, Range } from "vscode-languageserver/node";

export class LineIndex {
  private readonly starts: number[] = [0];
  /** 1 when the raw text starts with a BOM the compiler's offsets skip. */
  private readonly bom: number;
  private readonly length: number;

  constructor(raw: string) {
    this.bom = raw.charCodeAt(0) === 0xfeff ? 1 : 0;
    this.length = raw.length;
    for (let i = 0; i < raw.length; i++) {
      const c = raw.charCodeAt(i);
      if (c === 13 && raw.charCodeAt(i + 1) === 10) i++;
      if (c === 10 || c === 13) this.starts.push(i + 1);
    }
  }

  /** The position of a compiler offset. */
  position(offset: number): Position {
    const raw = Math.max(0, Math.min(offset + this.bom, this.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= raw) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: raw - this.starts[lo]! };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(end) };
  }

  /** The compiler offset of a position (clamped to the text). */
  offset(p: Position): number {
    const line = Math.max(0, Math.min(p.line, this.starts.length - 1));
    const lineEnd = line + 1 < this.starts.length ? this.starts[line + 1]! : this.length;
    const raw = Math.min(this.starts[line]! + Math.max(0, p.character), lineEnd);
    return Math.max(0, raw - this.bom);
  }
}
