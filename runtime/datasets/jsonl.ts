// JSON Lines: one example per line, a JSON object whose fields are named
// like the model's inputs and targets; vectors, matrices and sequences are
// nested arrays. Blank lines are skipped. Browser-safe.
import { counting, DataError, lines, type ByteSource, type DataRecord, type FieldValue, type RecordSource } from "./source.ts";

function parseLine(source: ByteSource, text: string, line: number): Record<string, FieldValue> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new DataError({ file: source.name, line }, `not valid JSON (${(e as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new DataError({ file: source.name, line }, `expected a JSON object such as {"x": [1, 2], "label": "cat"}, got ${Array.isArray(value) ? "an array" : JSON.stringify(value)}`);
  }
  return value as Record<string, FieldValue>;
}

/** A JSON Lines file as a RecordSource; its field names are those of the first object. */
export async function openJsonl(source: ByteSource): Promise<RecordSource> {
  let fields: string[] | undefined;
  for await (const { text, line } of lines(source)) {
    if (text.trim() === "") continue;
    fields = Object.keys(parseLine(source, text, line));
    break;
  }
  if (!fields) throw new DataError({ file: source.name }, "the file is empty; expected one JSON object per line");
  return {
    name: source.name,
    format: "jsonl",
    fields,
    size: source.size,
    async *records(onBytes) {
      for await (const { text, line } of lines(counting(source, onBytes))) {
        if (text.trim() === "") continue;
        yield { fields: parseLine(source, text, line), where: { file: source.name, line } } satisfies DataRecord;
      }
    },
  };
}
