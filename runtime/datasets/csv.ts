// CSV and TSV with a header line, streamed: text arrives in chunks, is cut
// at the last line break outside quotes, and each run of whole records is
// parsed by Papa Parse (which runs in browsers and Node alike). Cutting
// ourselves keeps each record's line number exact, quoted line breaks
// included, so an error names the line it is on. Browser-safe.
import Papa from "papaparse";
import { counting, DataError, textChunks, type ByteSource, type DataRecord, type RecordSource } from "./source.ts";

export interface CsvRow {
  cells: string[];
  /** The 1-based line the record starts on. */
  line: number;
}

const QUOTE = 34; // "
/** Characters parsed at once. */
const PIECE = 1 << 16;
const LF = 10;

/**
 * The records of a delimited text file, in order, each with the line it
 * starts on; empty lines are skipped. A record that cannot be parsed (a quote
 * left open) is a DataError at its line.
 */
export async function* csvRows(source: ByteSource, delimiter: string): AsyncGenerator<CsvRow, void, undefined> {
  let pending = "";
  let scanned = 0; // how far `pending` has been scanned for quotes and line breaks
  let quoted = false;
  let line = 1; // the line `pending` starts on
  let newline: "\n" | "\r\n" | undefined;
  /** Start lines of the records that end in `pending` before `scanned`, and where the last of them ends. */
  let starts: number[] = [line];
  /** Where each record of `starts` but the last ends (its line break) in `pending`. */
  let ends: number[] = [];
  let cut = -1;
  let lineAt = line; // the line at `scanned`

  const parse = function* (text: string, lines: number[]): Generator<CsvRow> {
    const nl = text.indexOf("\n");
    newline ??= (nl > 0 ? text.charCodeAt(nl - 1) : text.charCodeAt(text.length - 1)) === 13 ? "\r\n" : "\n";
    const body = newline === "\r\n" && text.endsWith("\r") ? text.slice(0, -1) : text;
    const result = Papa.parse<string[]>(body, { delimiter, newline, quoteChar: '"', header: false, dynamicTyping: false, skipEmptyLines: false });
    const problem = result.errors.find((e) => e.type === "Quotes");
    if (problem) {
      const at = lines[Math.min(problem.row ?? 0, lines.length - 1)]!;
      throw new DataError({ file: source.name, line: at }, `cannot read this record: ${problem.message.toLowerCase()}`);
    }
    for (let r = 0; r < result.data.length; r++) {
      const cells = result.data[r]!;
      if (cells.length === 1 && cells[0] === "") continue; // an empty line
      const last = cells[cells.length - 1]!;
      if (last.endsWith("\r")) cells[cells.length - 1] = last.slice(0, -1); // a CRLF line in a LF file
      yield { cells, line: lines[r]! };
    }
  };

  for await (const text of textChunks(source)) {
    pending += text;
    for (let i = scanned; i < pending.length; i++) {
      const c = pending.charCodeAt(i);
      if (c === QUOTE) quoted = !quoted; // "" inside quotes toggles twice
      else if (c === LF) {
        lineAt++;
        if (!quoted) {
          cut = i;
          ends.push(i);
          starts.push(lineAt);
        }
      }
    }
    scanned = pending.length;
    if (cut < 0) continue;
    // Whole records up to the last line break outside quotes; the rest waits for more text.
    // In pieces of about PIECE characters: the rows of each piece are done with before the next is parsed, so they die young.
    for (let first = 0, from = 0; first < ends.length; ) {
      let last = first;
      while (last + 1 < ends.length && ends[last + 1]! - from < PIECE) last++;
      yield* parse(pending.slice(from, ends[last]), starts.slice(first, last + 1));
      from = ends[last]! + 1;
      first = last + 1;
    }
    pending = pending.slice(cut + 1);
    scanned = pending.length;
    line = starts[starts.length - 1]!;
    starts = [line];
    ends = [];
    cut = -1;
  }
  if (quoted) throw new DataError({ file: source.name, line }, "a quoted field is never closed (a \" without its closing \")");
  if (pending.trim() !== "") yield* parse(pending, starts);
}

/** The file's header: its column names, checked to be present and distinct. */
function header(source: ByteSource, row: CsvRow | undefined): string[] {
  if (!row) throw new DataError({ file: source.name }, "the file is empty; expected a header line naming the columns, then one line per example");
  const names = row.cells.map((c) => c.trim());
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    if (name === "") throw new DataError({ file: source.name, line: row.line }, `column ${i + 1} of the header has no name`);
    if (seen.has(name)) throw new DataError({ file: source.name, line: row.line }, `the header names column '${name}' twice (columns ${seen.get(name)! + 1} and ${i + 1})`);
    seen.set(name, i);
  });
  return names;
}

/**
 * A CSV (`,`) or TSV (`\t`) file with a header line as a RecordSource: each
 * record's fields are its cells (strings) by column name. A record with more
 * or fewer cells than the header is a DataError at its line.
 */
export async function openCsv(source: ByteSource, delimiter: "," | "\t" = ","): Promise<RecordSource> {
  const first = csvRows(source, delimiter);
  const head = await first.next();
  await first.return();
  const fields = header(source, head.done ? undefined : head.value);
  return {
    name: source.name,
    format: delimiter === "\t" ? "tsv" : "csv",
    fields,
    size: source.size,
    async *records(onBytes) {
      let skipped = false;
      for await (const row of csvRows(counting(source, onBytes), delimiter)) {
        if (!skipped) {
          skipped = true;
          continue;
        }
        if (row.cells.length !== fields.length) {
          throw new DataError(
            { file: source.name, line: row.line },
            `has ${row.cells.length} ${row.cells.length === 1 ? "field" : "fields"}, but the header has ${fields.length} (${fields.join(", ")})`,
          );
        }
        const record: Record<string, string> = Object.create(null);
        for (let i = 0; i < fields.length; i++) record[fields[i]!] = row.cells[i]!;
        yield { fields: record, where: { file: source.name, line: row.line } } satisfies DataRecord;
      }
    },
  };
}
