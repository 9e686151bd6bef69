// Offsets in source text: the word under the cursor, span containment.

/** Identifier characters (spec §2: Unicode letters and decimal digits, `_`). */
const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{Nd}_]/u.test(c);

/** The identifier touching `offset`, if any. */
export function identifierAt(text: string, offset: number): { name: string; start: number; end: number } | undefined {
  let start = offset;
  let end = offset;
  while (start > 0 && isWordChar(text[start - 1])) start--;
  while (end < text.length && isWordChar(text[end])) end++;
  if (start === end || /\p{Nd}/u.test(text[start]!)) return undefined;
  return { name: text.slice(start, end), start, end };
}

export const contains = (span: { start: number; end: number }, offset: number) => span.start <= offset && offset <= span.end;

/** A valid identifier that is not a keyword (rename's new names). */
export const isIdentifier = (name: string) => /^[\p{L}_][\p{L}\p{Nd}_]*$/u.test(name);
