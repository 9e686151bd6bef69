// Array files: one array per input and target, named like them, the first
// axis counting examples. A .npy file holds one array (named after the file)
// and is streamed row by row; a .npz (a zip of .npy files, read with fflate)
// holds several and a safetensors file several tensors, and those two are
// read whole: a zip's directory is at its end, and a .npz's arrays follow
// one another, so one example's values are spread over the whole file.
// Browser-safe.
import { unzipSync } from "fflate";
import { decodeSafetensors, SafetensorsError } from "../safetensors.ts";
import { npyLengthError, parseNpy, parseNpyHeader, type NamedArray } from "./npy.ts";
import { DataError, readAll, type ByteSource, type DataFormat, type DataRecord, type RecordSource } from "./source.ts";

/** Arrays that share a first axis as a RecordSource whose records are each array's slice for one example. */
export function arraysSource(name: string, format: DataFormat, arrays: Record<string, NamedArray>, size?: number): RecordSource {
  const fields = Object.keys(arrays);
  if (fields.length === 0) throw new DataError({ file: name }, "holds no arrays");
  const counts = fields.map((f) => arrays[f]!.shape[0]);
  fields.forEach((f, i) => {
    if (arrays[f]!.shape.length === 0) throw new DataError({ file: name }, `array '${f}' is a scalar; its first axis must count the examples`, f);
    if (counts[i] !== counts[0]) {
      const list = fields.map((g, j) => `'${g}' ${counts[j]}`).join(", ");
      throw new DataError({ file: name }, `the arrays hold different numbers of examples along their first axis (${list})`);
    }
  });
  const count = counts[0]!;
  const rows = fields.map((f) => {
    const a = arrays[f]!;
    const shape = a.shape.slice(1);
    return { f, a, shape, n: shape.reduce((p, d) => p * d, 1) };
  });
  return {
    name,
    format,
    fields,
    size,
    async *records(onBytes) {
      for (let i = 0; i < count; i++) {
        const values: DataRecord["fields"] = Object.create(null);
        for (const { f, a, shape, n } of rows) (values as Record<string, unknown>)[f] = { shape, data: a.data.subarray(i * n, (i + 1) * n), dtype: a.dtype };
        yield { fields: values, where: { file: name, index: i } };
        if (onBytes && size !== undefined && (i + 1) % 1024 === 0) onBytes(Math.round((size * (i + 1)) / count));
      }
      if (onBytes && size !== undefined) onBytes(size);
    },
  };
}

/**
 * A .npy file: one array, named after the file (`x.npy` feeds `x`). Read as
 * a stream, an example's row at a time (a .npy file is its header, then the
 * rows in order), so a file of any size is never held whole.
 */
export async function openNpy(source: ByteSource): Promise<RecordSource> {
  const name = source.name;
  const field = name.replace(/^.*[\\/]/, "").replace(/\.npy$/i, "");
  const header = await readNpyHeader(source);
  if (header.shape.length === 0) throw new DataError({ file: name }, `array '${field}' is a scalar; its first axis must count the examples`, field);
  if (source.size !== undefined && source.size - header.dataStart !== header.dataBytes) throw npyLengthError(header, name, source.size - header.dataStart);
  const count = header.shape[0]!;
  const rowShape = header.shape.slice(1);
  const rowBytes = count === 0 ? 0 : header.dataBytes / count;
  const perRow = rowBytes / header.ctor.BYTES_PER_ELEMENT;
  return {
    name,
    format: "npy",
    fields: [field],
    size: source.size,
    async *records(onBytes) {
      let skip = header.dataStart;
      let row = new Uint8Array(rowBytes);
      let filled = 0;
      let index = 0;
      let read = 0;
      for await (const chunk of source.chunks()) {
        read += chunk.length;
        let at = Math.min(skip, chunk.length);
        skip -= at;
        while (at < chunk.length) {
          if (index === count) throw npyLengthError(header, name, read - header.dataStart);
          const take = Math.min(rowBytes - filled, chunk.length - at);
          row.set(chunk.subarray(at, at + take), filled);
          filled += take;
          at += take;
          if (filled === rowBytes) {
            const values: DataRecord["fields"] = Object.create(null);
            (values as Record<string, unknown>)[field] = { shape: rowShape, data: new header.ctor(row.buffer, 0, perRow), dtype: header.dtype };
            yield { fields: values, where: { file: name, index: index++ } };
            row = new Uint8Array(rowBytes);
            filled = 0;
          }
        }
        onBytes?.(read);
      }
      if (index !== count || filled !== 0) throw npyLengthError(header, name, read - header.dataStart);
    },
  };
}

/** The header of a .npy source, from as many of its first chunks as it takes. */
async function readNpyHeader(source: ByteSource) {
  let head = new Uint8Array(0);
  for await (const chunk of source.chunks()) {
    const grown = new Uint8Array(head.length + chunk.length);
    grown.set(head);
    grown.set(chunk, head.length);
    head = grown;
    const header = parseNpyHeader(head, source.name);
    if (header) return header;
  }
  // The file ended inside its header: parseNpy says how (not a .npy file, or a header cut short).
  parseNpy(head, source.name);
  throw new DataError({ file: source.name }, "the header runs beyond the end of the file");
}

/** A .npz file (numpy.savez or savez_compressed): its arrays by name. */
export async function openNpz(source: ByteSource): Promise<RecordSource> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(await readAll(source));
  } catch (e) {
    throw new DataError({ file: source.name }, `not a readable .npz (zip) file: ${(e as Error).message}`);
  }
  const arrays: Record<string, NamedArray> = Object.create(null);
  for (const [entry, bytes] of Object.entries(files)) {
    if (!entry.endsWith(".npy")) continue;
    arrays[entry.slice(0, -4)] = parseNpy(bytes, `${source.name}/${entry}`);
  }
  return arraysSource(source.name, "npz", arrays, source.size);
}

/** A safetensors file of data: one F32 or I32 tensor per input and target. */
export async function openSafetensorsData(source: ByteSource): Promise<RecordSource> {
  let tensors;
  try {
    ({ tensors } = decodeSafetensors(await readAll(source)));
  } catch (e) {
    if (e instanceof SafetensorsError) throw new DataError({ file: source.name }, e.message);
    throw e;
  }
  const arrays: Record<string, NamedArray> = Object.create(null);
  for (const [name, t] of Object.entries(tensors)) arrays[name] = { dtype: t.dtype === "F32" ? "float32" : "int32", shape: t.shape, data: t.data };
  return arraysSource(source.name, "safetensors", arrays, source.size);
}
