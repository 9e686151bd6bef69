// Plain text for next-character models: a model with one i32[T] input and
// one i32[T] target learns to predict each character from those before it.
// The vocabulary is the text's distinct characters (code points), sorted;
// it is saved with the weights, so evaluation and prediction encode and
// decode the same way. The text is cut into windows of T characters, every
// T/2 characters (the input) and the same window one character on (the
// target). Browser-safe.
import { DataError, textChunks, type ByteSource } from "./source.ts";

/** The text of a source, whole (a next-character model's training text is small). */
export async function readText(source: ByteSource): Promise<string> {
  let text = "";
  for await (const chunk of textChunks(source)) text += chunk;
  if (text.length === 0) throw new DataError({ file: source.name }, "the file is empty");
  return text.replace(/\r\n/g, "\n");
}

/** The sorted distinct characters of `text`. */
export function buildVocabulary(text: string): string[] {
  return [...new Set(text)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
}

/** `text` as indices into `vocabulary`; a character outside it is a DataError at its line and column. */
export function encodeCharacters(text: string, vocabulary: readonly string[], file: string): Int32Array {
  const index = new Map(vocabulary.map((c, i) => [c, i]));
  const out = new Int32Array([...text].length);
  let i = 0;
  let line = 1;
  let column = 0;
  for (const c of text) {
    column++;
    const k = index.get(c);
    if (k === undefined) {
      const shown = JSON.stringify(c);
      throw new DataError({ file, line }, `column ${column}: the character ${shown} is not in the model's vocabulary of ${vocabulary.length} characters (saved with its weights)`);
    }
    out[i++] = k;
    if (c === "\n") {
      line++;
      column = 0;
    }
  }
  return out;
}

/** Windows of T tokens every `stride` (the input) and the same windows one token on (the target). */
export function textWindows(tokens: Int32Array, T: number, stride: number): { count: number; input: Int32Array; target: Int32Array } {
  const count = tokens.length > T ? Math.floor((tokens.length - T - 1) / stride) + 1 : 0;
  const input = new Int32Array(count * T);
  const target = new Int32Array(count * T);
  for (let e = 0; e < count; e++) {
    input.set(tokens.subarray(e * stride, e * stride + T), e * T);
    target.set(tokens.subarray(e * stride + 1, e * stride + T + 1), e * T);
  }
  return { count, input, target };
}

export function decodeCharacters(tokens: ArrayLike<number>, vocabulary: readonly string[]): string {
  return Array.from(tokens, (t) => vocabulary[t] ?? "�").join("");
}
