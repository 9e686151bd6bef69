// The safetensors format (https://github.com/huggingface/safetensors), so
// trained weights load in PyTorch, JAX or Hugging Face tools and back:
//
//   8 bytes   N, the header's length, unsigned 64-bit little-endian
//   N bytes   UTF-8 JSON: {"__metadata__"?: {string: string},
//             name: {"dtype", "shape", "data_offsets": [begin, end]}, …},
//             padded with spaces so the data starts 8-byte aligned
//   the rest  the tensors' bytes, little-endian, row-major; offsets count
//             from the start of this buffer
//
// The writer matches the reference implementation byte for byte: compact
// JSON, `__metadata__` first, tensors by descending dtype then by name, data
// in that order. The reader validates the whole header, as the reference
// does, before allocating anything in proportion to what the file claims.

import { describeNonFinite, findNonFinite, formatShape, shapeSize, type NonFiniteParam, type ParamMap, type ShapeMap } from "./types.ts";

export type Dtype = "F32" | "I32";

export type Tensor =
  | { dtype: "F32"; shape: number[]; data: Float32Array }
  | { dtype: "I32"; shape: number[]; data: Int32Array };

export interface TensorInput {
  shape: readonly number[];
  data: Float32Array | Int32Array;
}

export interface DecodeOptions {
  /** Largest header accepted, in bytes (the reference's limit, 100 MB, by default). */
  maxHeaderBytes?: number;
}

export interface Decoded {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

/** A file (or tensors given to the writer) that is not valid safetensors. */
export class SafetensorsError extends Error {
  override readonly name = "SafetensorsError";
}

export const DEFAULT_MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = "__metadata__";
/** Every dtype of the reference: to tell "unknown" from "not supported here". */
const REFERENCE_DTYPES = new Set(["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"]);
/** The reference sorts tensors by its dtype enum, descending: F32 comes before I32. */
const DTYPE_RANK: Record<Dtype, number> = { I32: 0, F32: 1 };
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const fail = (message: string): never => {
  throw new SafetensorsError(`safetensors: ${message}`);
};

/** Orders strings by UTF-8 bytes (= code points), as Rust's `str` ordering does; JS `<` compares UTF-16 units. */
function compareUtf8(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) ?? 0);
  const y = Array.from(b, (c) => c.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

function dtypeOf(data: Float32Array | Int32Array): Dtype {
  return data instanceof Float32Array ? "F32" : "I32";
}

/** Bytes of a typed array in little-endian order (a view when the host is little-endian). */
function littleEndianBytes(data: Float32Array | Int32Array): Uint8Array {
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float32Array) view.setFloat32(4 * i, data[i], true);
    else view.setInt32(4 * i, data[i], true);
  }
  return out;
}

/** Builds a JSON object from ordered pairs; JS objects would move integer-like keys ("0") first. */
function jsonObject(entries: readonly (readonly [string, string])[]): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`;
}

export function encodeSafetensors(tensors: Record<string, TensorInput>, metadata?: Record<string, string>): Uint8Array {
  const names = Object.keys(tensors);
  for (const name of names) {
    if (name === METADATA_KEY) fail(`'${METADATA_KEY}' is reserved and cannot name a tensor`);
    const { shape, data } = tensors[name];
    if (!(data instanceof Float32Array || data instanceof Int32Array)) {
      fail(`tensor '${name}' must be a Float32Array or Int32Array`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(`tensor '${name}' has shape ${preview(shape)}; dims must be integers >= 0`);
    }
    if (shapeSize(shape) !== data.length) {
      fail(`tensor '${name}' has shape ${formatShape(shape)} (${shapeSize(shape)} values) but ${data.length} values`);
    }
  }
  names.sort((a, b) => DTYPE_RANK[dtypeOf(tensors[b].data)] - DTYPE_RANK[dtypeOf(tensors[a].data)] || compareUtf8(a, b));

  const entries: [string, string][] = [];
  if (metadata !== undefined) {
    const keys = Object.keys(metadata).sort(compareUtf8);
    for (const k of keys) if (typeof metadata[k] !== "string") fail(`metadata '${k}' must be a string, got ${typeof metadata[k]}`);
    entries.push([METADATA_KEY, jsonObject(keys.map((k) => [k, JSON.stringify(metadata[k])]))]);
  }
  let offset = 0;
  for (const name of names) {
    const { shape, data } = tensors[name];
    const info = `{"dtype":"${dtypeOf(data)}","shape":[${shape.join(",")}],"data_offsets":[${offset},${offset + data.byteLength}]}`;
    entries.push([name, info]);
    offset += data.byteLength;
  }
  const json = new TextEncoder().encode(jsonObject(entries));
  const headerLength = Math.ceil(json.length / 8) * 8;

  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength); // spaces: still valid JSON
  let at = 8 + headerLength;
  for (const name of names) {
    const bytes = littleEndianBytes(tensors[name].data);
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

interface Entry {
  name: string;
  dtype: Dtype;
  shape: number[];
  begin: number;
  end: number;
}

/** A value for an error message, cut short: a hostile header may hold megabytes in one field. */
function preview(x: unknown): string {
  const text = JSON.stringify(x) ?? String(x);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A tensor name from a file, quoted and cut short like `preview`. */
const quote = (name: string): string => (name.length > 80 ? `'${name.slice(0, 77)}...'` : `'${name}'`);

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
const isCount = (x: unknown): x is number => typeof x === "number" && Number.isSafeInteger(x) && x >= 0;

/** Checks one tensor's header entry against the data buffer's length. */
function parseEntry(name: string, raw: unknown, dataLength: number): Entry {
  if (!isRecord(raw)) return fail(`tensor ${quote(name)}: header entry must be an object, got ${preview(raw)}`);
  const { dtype, shape, data_offsets: offsets } = raw;
  if (typeof dtype !== "string" || !REFERENCE_DTYPES.has(dtype)) {
    fail(`tensor ${quote(name)}: unknown dtype ${preview(dtype)} (safetensors dtypes: ${[...REFERENCE_DTYPES].join(", ")})`);
  }
  if (dtype !== "F32" && dtype !== "I32") return fail(`tensor ${quote(name)}: dtype ${dtype} is not supported (supported: F32, I32)`);
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    return fail(`tensor ${quote(name)}: shape must be an array of integers >= 0, got ${preview(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    return fail(`tensor ${quote(name)}: data_offsets must be [begin, end] with integers >= 0, got ${preview(offsets)}`);
  }
  const [begin, end] = offsets;
  if (begin > end) fail(`tensor ${quote(name)}: data_offsets [${begin}, ${end}] end before they begin`);
  if (end > dataLength) fail(`tensor ${quote(name)}: data_offsets [${begin}, ${end}] go beyond the data, which has ${dataLength} bytes`);
  // Dims are >= 1 unless one is 0, so the product only grows: stop once it
  // passes what the offsets hold, before an absurd shape loses precision.
  const held = end - begin;
  let bytes = shape.includes(0) ? 0 : 4;
  let i = 0;
  for (; i < shape.length && bytes > 0 && bytes <= held; i++) bytes *= shape[i];
  if (bytes !== held) {
    const exact = (i === shape.length || bytes === 0) && Number.isSafeInteger(bytes);
    const needs = exact ? String(bytes) : `more than ${held}`;
    fail(`tensor ${quote(name)}: shape ${formatShape(shape)} of ${dtype} needs ${needs} bytes but data_offsets [${begin}, ${end}] hold ${held}`);
  }
  return { name, dtype, shape, begin, end };
}

/** Reads header and tensors; throws a SafetensorsError naming the first problem found. */
export function decodeSafetensors(bytes: Uint8Array, options: DecodeOptions = {}): Decoded {
  const maxHeaderBytes = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  if (bytes.length < 8) fail(`file has ${bytes.length} bytes, fewer than the 8 of the header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const claimed = view.getBigUint64(0, true);
  if (claimed > BigInt(Number.MAX_SAFE_INTEGER)) fail(`header length ${claimed} is beyond any possible file size`);
  const headerLength = Number(claimed);
  if (headerLength > maxHeaderBytes) fail(`header length ${headerLength} bytes is above the limit of ${maxHeaderBytes} bytes`);
  if (8 + headerLength > bytes.length) {
    fail(`header length ${headerLength} bytes goes beyond the end of the file (${bytes.length - 8} bytes follow the length)`);
  }

  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    return fail("header is not valid UTF-8");
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    return fail(`header is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isRecord(header)) return fail(`header must be a JSON object, got ${Array.isArray(header) ? "an array" : preview(header)}`);

  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  // Null prototypes: a tensor named "__proto__" or "constructor" is just a name.
  const metadata: Record<string, string> = Object.create(null);
  const entries: Entry[] = [];
  for (const key of Object.keys(header)) {
    if (key === METADATA_KEY) {
      const raw = header[key];
      if (!isRecord(raw)) fail(`'${METADATA_KEY}' must be an object of strings`);
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== "string") fail(`'${METADATA_KEY}' value ${quote(k)} must be a string, got ${preview(v)}`);
        metadata[k] = v as string;
      }
    } else {
      entries.push(parseEntry(key, header[key], dataLength));
    }
  }

  // The reference requires the ranges, in offset order, to tile the buffer exactly.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const e of entries) {
    if (e.begin < covered) fail(`tensor ${quote(e.name)}: data_offsets [${e.begin}, ${e.end}] overlap the previous tensor, which ends at ${covered}`);
    if (e.begin > covered) fail(`tensor ${quote(e.name)}: data_offsets [${e.begin}, ${e.end}] leave a gap after byte ${covered}`);
    covered = e.end;
  }
  if (covered !== dataLength) fail(`the tensors cover ${covered} bytes of data, but the file has ${dataLength} after the header`);

  const tensors: Record<string, Tensor> = Object.create(null);
  for (const { name, dtype, shape, begin, end } of entries) {
    const src = bytes.subarray(dataStart + begin, dataStart + end);
    tensors[name] = dtype === "F32" ? { dtype, shape, data: readF32(src) } : { dtype, shape, data: readI32(src) };
  }
  return { tensors, metadata };
}

// Copies into fresh arrays: a tensor's bytes need not be 4-aligned within the file.
function readF32(src: Uint8Array): Float32Array {
  const out = new Float32Array(src.length / 4);
  if (LITTLE_ENDIAN_HOST) new Uint8Array(out.buffer).set(src);
  else {
    const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
  }
  return out;
}
function readI32(src: Uint8Array): Int32Array {
  const out = new Int32Array(src.length / 4);
  if (LITTLE_ENDIAN_HOST) new Uint8Array(out.buffer).set(src);
  else {
    const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = view.getInt32(4 * i, true);
  }
  return out;
}

/** The parameters of a model as a safetensors file (F32, shapes from `shapes`). */
export function saveParams(params: ParamMap, shapes: ShapeMap, metadata?: Record<string, string>): Uint8Array {
  const tensors: Record<string, TensorInput> = {};
  for (const name of Object.keys(shapes)) {
    const data = Object.hasOwn(params, name) ? params[name] : undefined;
    if (data === undefined) throw new Error(`saveParams: parameter '${name}' (shape ${formatShape(shapes[name])}) is missing from params`);
    tensors[name] = { shape: shapes[name], data };
  }
  for (const name of Object.keys(params)) {
    if (!Object.hasOwn(tensors, name)) throw new Error(`saveParams: parameter '${name}' has no shape in shapes`);
  }
  return encodeSafetensors(tensors, metadata);
}

/** The file does not fit the model; `problems` lists every difference, one per parameter. */
export class ParamsMismatchError extends Error {
  override readonly name = "ParamsMismatchError";
  constructor(readonly problems: readonly string[]) {
    super(`the weights do not fit this model (${problems.length} ${problems.length === 1 ? "difference" : "differences"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** The file fits the model but holds NaN or infinite weights; `params` names each such parameter. */
export class NonFiniteParamsError extends Error {
  override readonly name = "NonFiniteParamsError";
  constructor(readonly params: readonly NonFiniteParam[]) {
    super(`the weights are not all finite: ${describeNonFinite(params)}`);
  }
}

export interface LoadOptions extends DecodeOptions {
  /** Load NaN and infinite weights too (by default they are refused with a NonFiniteParamsError). */
  allowNonFinite?: boolean;
}

/**
 * Loads a safetensors file into a model's parameter arrays (in place; the
 * arrays are never replaced). Everything is checked first: every missing,
 * unexpected, wrongly shaped or wrongly typed parameter is listed in one
 * ParamsMismatchError; NaN or infinite weights throw a NonFiniteParamsError
 * naming each parameter that holds them (unless `allowNonFinite`); on any
 * error `target` is left untouched. Returns the file's metadata.
 */
export function loadParams(target: ParamMap, expectedShapes: ShapeMap, bytes: Uint8Array, options?: LoadOptions): Record<string, string> {
  const { tensors, metadata } = decodeSafetensors(bytes, options);
  const problems: string[] = [];
  for (const name of Object.keys(expectedShapes)) {
    const shape = expectedShapes[name];
    const dest = Object.hasOwn(target, name) ? target[name] : undefined;
    if (dest === undefined) problems.push(`'${name}': the model has no array for it (expected shape ${formatShape(shape)})`);
    else if (dest.length !== shapeSize(shape)) {
      problems.push(`'${name}': the model's array has ${dest.length} values but shape ${formatShape(shape)} needs ${shapeSize(shape)}`);
    }
    const found = tensors[name];
    if (found === undefined) {
      problems.push(`'${name}': missing from the file (expected F32 ${formatShape(shape)})`);
      continue;
    }
    const shapeDiffers = found.shape.length !== shape.length || found.shape.some((d, i) => d !== shape[i]);
    if (found.dtype !== "F32" || shapeDiffers) {
      problems.push(`'${name}': expected F32 ${formatShape(shape)}, found ${found.dtype} ${formatShape(found.shape)}`);
    }
  }
  for (const name of Object.keys(tensors)) {
    if (!Object.hasOwn(expectedShapes, name)) {
      problems.push(`${quote(name)}: in the file (${tensors[name].dtype} ${formatShape(tensors[name].shape)}) but not a parameter of this model`);
    }
  }
  if (problems.length > 0) throw new ParamsMismatchError(problems);
  if (!options?.allowNonFinite) {
    const found = findNonFinite(Object.fromEntries(Object.keys(expectedShapes).map((name) => [name, tensors[name].data as Float32Array])));
    if (found.length > 0) throw new NonFiniteParamsError(found);
  }
  for (const name of Object.keys(expectedShapes)) target[name].set(tensors[name].data);
  return metadata;
}
