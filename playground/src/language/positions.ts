// Offsets in source text: the word under the cursor, span containment.

/** The identifier (letters, digits, `_`) touching `offset`, if any. */
export function identifierAt(text: string, offset: number): { name: string; start: number; end: number } | undefined {
  const isWord = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);
  let start = offset;
  let end = offset;
  while (start > 0 && isWord(text[start - 1])) start--;
  while (end < text.length && isWord(text[end])) end++;
  if (start === end || /[0-9]/.test(text[start]!)) return undefined;
  return { name: text.slice(start, end), start, end };
}

export const contains = (span: { start: number; end: number }, offset: number) => span.start <= offset && offset <= span.end;
