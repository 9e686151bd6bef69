// Source text with a line index, so offsets become 1-based line/column pairs
// (columns count Unicode code points, spec §2).

export interface Span {
  file: string;
  /** UTF-16 offsets into the (BOM-stripped) text: [start, end). */
  start: number;
  end: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export class SourceFile {
  readonly text: string;
  private readonly lineStarts: number[];
  /** Lines holding a surrogate (a code point beyond U+FFFF): only these need counting. */
  private readonly wideLines = new Set<number>();

  constructor(
    readonly name: string,
    rawText: string,
  ) {
    this.text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
    this.lineStarts = [0];
    const t = this.text;
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === 10) this.lineStarts.push(i + 1);
      else if (c === 13) {
        if (t.charCodeAt(i + 1) === 10) i++;
        this.lineStarts.push(i + 1);
      } else if (c >= 0xd800 && c <= 0xdfff) this.wideLines.add(this.lineStarts.length - 1);
    }
  }

  /** 1-based line and column (in code points) of an offset. */
  position(offset: number): { line: number; column: number } {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= clamped) lo = mid;
      else hi = mid - 1;
    }
    const start = this.lineStarts[lo]!;
    // Without surrogates a code unit is a code point: no scan, so long lines stay linear.
    if (!this.wideLines.has(lo)) return { line: lo + 1, column: clamped - start + 1 };
    let column = 1;
    for (let i = start; i < clamped; i++) {
      const c = this.text.charCodeAt(i);
      // The low half of a pair is not a code point of its own; a lone low surrogate is.
      const pairedLow = c >= 0xdc00 && c <= 0xdfff && i > start && this.text.charCodeAt(i - 1) >= 0xd800 && this.text.charCodeAt(i - 1) <= 0xdbff;
      if (!pairedLow) column++;
    }
    return { line: lo + 1, column };
  }

  span(start: number, end: number): Span {
    const a = this.position(start);
    const b = this.position(Math.max(start, end));
    return { file: this.name, start, end: Math.max(start, end), line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }
}

/** The smallest span covering both. */
export function joinSpans(a: Span, b: Span): Span {
  const first = a.start <= b.start ? a : b;
  const last = a.end >= b.end ? a : b;
  return { file: a.file, start: first.start, end: last.end, line: first.line, column: first.column, endLine: last.endLine, endColumn: last.endColumn };
}
