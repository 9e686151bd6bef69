// What every reader shares: bytes come from an injected ByteSource (Node's
// file streams, a browser's File.stream(), or bytes in memory), examples come
// out as DataRecords that carry where they came from, and a problem with the
// data is a DataError that names the file, the line (or example, or image),
// the field and what was expected. Browser-safe.

/** Where an example came from: its file, and its line (text formats), index (arrays) or image path. */
export interface Where {
  file: string;
  /** 1-based line of a text file (CSV, JSON Lines). */
  line?: number;
  /** 0-based example of an array file (.npy, .npz, safetensors). */
  index?: number;
  /** An image file of a folder. */
  path?: string;
}

/** `data.csv:12`, `x.npz (example 7)`, `digits/3/a.png`. */
export function describeWhere(where: Where): string {
  if (where.path !== undefined) return where.path;
  if (where.line !== undefined) return `${where.file}:${where.line}`;
  if (where.index !== undefined) return `${where.file} (example ${where.index})`;
  return where.file;
}

/** Data that cannot be used as it is: the message names where, the field, and what the model expected. */
export class DataError extends Error {
  override readonly name = "DataError";
  constructor(
    readonly where: Where,
    message: string,
    readonly field?: string,
  ) {
    super(`${describeWhere(where)}: ${field !== undefined ? `${field}: ` : ""}${message}`);
  }
}

/**
 * A file's bytes, read in chunks. Injected, so that the readers run unchanged
 * in Node (runtime/datasets/node.ts) and in a browser (`file.stream()`).
 * `chunks` may be called again to read the file again (one call per epoch).
 */
export interface ByteSource {
  /** The name errors use: a path, or a dropped file's name. */
  readonly name: string;
  /** Bytes in all, where known (for a progress bar). */
  readonly size?: number;
  chunks(): AsyncIterable<Uint8Array>;
}

/** Bytes already in memory as a ByteSource (tests, browsers). */
export function bytesSource(name: string, bytes: Uint8Array | string, chunkSize = 1 << 16): ByteSource {
  const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  return {
    name,
    size: data.length,
    async *chunks() {
      for (let at = 0; at < data.length; at += chunkSize) yield data.subarray(at, Math.min(at + chunkSize, data.length));
    },
  };
}

/** The whole of a source (for formats that cannot be streamed: .npz's zip directory is at its end). */
export async function readAll(source: ByteSource): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of source.chunks()) {
    parts.push(chunk);
    length += chunk.length;
  }
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Text of a source, decoded as UTF-8 chunk by chunk (a character split across chunks is kept whole); a leading BOM is dropped. */
export async function* textChunks(source: ByteSource): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false });
  for await (const chunk of source.chunks()) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** The lines of a text source with their 1-based numbers, without their line endings (LF or CRLF). */
export async function* lines(source: ByteSource): AsyncGenerator<{ text: string; line: number }, void, undefined> {
  let pending = "";
  let line = 0;
  for await (const text of textChunks(source)) {
    pending += text;
    let start = 0;
    for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n", start)) {
      const end = nl > start && pending.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield { text: pending.slice(start, end), line: ++line };
      start = nl + 1;
    }
    pending = pending.slice(start);
  }
  if (pending !== "") yield { text: pending.endsWith("\r") ? pending.slice(0, -1) : pending, line: ++line };
}

/** One value of an array file, per example: a flat typed array and its shape. */
export interface ArrayValue {
  readonly shape: readonly number[];
  readonly data: Float32Array | Float64Array | Int32Array | Uint8Array | BigInt64Array | Int8Array | Int16Array | Uint16Array | Uint32Array;
}

/** An image, decoded: `channels` values per pixel (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA), 0–255, row-major. */
export interface Pixels {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly data: Uint8Array | Uint8ClampedArray;
}

/**
 * A field of a record: a CSV cell (a string), a JSON value (number, string,
 * boolean, null, nested arrays), an array file's slice or an image.
 */
export type FieldValue = string | number | boolean | null | readonly FieldValue[] | ArrayValue | Pixels | { readonly [key: string]: unknown };

/** One example as a reader gives it: its fields by name, and where it came from. */
export interface DataRecord {
  readonly fields: Readonly<Record<string, FieldValue>>;
  readonly where: Where;
}

/** The formats nnc reads, by what their files end with. */
export type DataFormat = "csv" | "tsv" | "jsonl" | "npy" | "npz" | "safetensors" | "images" | "text";

/**
 * A data set as a reader opens it: its field names (a CSV's header, a JSON
 * Lines file's first object's keys, an array file's arrays) and its records,
 * which may be read again (each call of `records` reads the file anew).
 */
export interface RecordSource {
  readonly name: string;
  readonly format: DataFormat;
  /** Field names, in the file's order. */
  readonly fields: readonly string[];
  /** Bytes in all, where known. */
  readonly size?: number;
  /** The records, in file order; `onBytes` hears how many bytes have been read so far (a progress bar). */
  records(onBytes?: (bytes: number) => void): AsyncIterable<DataRecord>;
}

/** A ByteSource that reports how many bytes have been read. */
export function counting(source: ByteSource, onBytes?: (bytes: number) => void): ByteSource {
  if (!onBytes) return source;
  return {
    name: source.name,
    size: source.size,
    async *chunks() {
      let read = 0;
      for await (const chunk of source.chunks()) {
        yield chunk;
        read += chunk.length;
        onBytes(read);
      }
    },
  };
}

export function isArrayValue(v: unknown): v is ArrayValue {
  return typeof v === "object" && v !== null && "shape" in v && "data" in v && ArrayBuffer.isView((v as ArrayValue).data);
}

export function isPixels(v: unknown): v is Pixels {
  return typeof v === "object" && v !== null && "width" in v && "height" in v && "channels" in v;
}
