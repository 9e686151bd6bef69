// NumPy's .npy format (numpy.lib.format): a magic string, a version, a
// Python dict literal of descr, fortran_order and shape, then the values,
// row-major. Little-endian (or byte-order-free) float32, float64, int32,
// int64, uint8, int8, int16, uint16 and uint32 are read; conversion to the
// model's dtypes happens where the values are used (see encode.ts).
// Browser-safe.
import { DataError, type ArrayValue } from "./source.ts";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

type Ctor = { new (buffer: ArrayBuffer, offset?: number, length?: number): ArrayValue["data"]; BYTES_PER_ELEMENT: number };
const DTYPES: Record<string, { ctor: Ctor; name: string }> = {
  f4: { ctor: Float32Array, name: "float32" },
  f8: { ctor: Float64Array, name: "float64" },
  i4: { ctor: Int32Array, name: "int32" },
  i8: { ctor: BigInt64Array, name: "int64" },
  u1: { ctor: Uint8Array, name: "uint8" },
  i1: { ctor: Int8Array, name: "int8" },
  i2: { ctor: Int16Array, name: "int16" },
  u2: { ctor: Uint16Array, name: "uint16" },
  u4: { ctor: Uint32Array, name: "uint32" },
};

/** An array of an array file: its NumPy dtype's name, shape (first axis: examples) and values. */
export interface NamedArray extends ArrayValue {
  readonly dtype: string;
}

/** What a .npy header says: the values' dtype, the shape, and where the values start. */
export interface NpyHeader {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly dataStart: number;
  /** Bytes of values in all. */
  readonly dataBytes: number;
  readonly ctor: Ctor;
}

/**
 * The header at the start of `bytes` (which may be only the file's first
 * chunk), or undefined when more bytes are needed to read it.
 */
export function parseNpyHeader(bytes: Uint8Array, name: string): NpyHeader | undefined {
  const fail = (message: string): never => {
    throw new DataError({ file: name }, message);
  };
  if (bytes.length < 12) return undefined;
  if (MAGIC.some((b, i) => bytes[i] !== b)) fail("not a .npy file (it does not start with \\x93NUMPY)");
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLength > bytes.length) return undefined;
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) return fail(`cannot read the header ${header.trim()}`);
  if (fortran === "True") fail("the array is stored in Fortran (column-major) order; save it with np.ascontiguousarray(x) first");
  const order = descr[0];
  const dtype = DTYPES[descr.slice(1)];
  if (!dtype || (order !== "<" && order !== "|" && order !== "=")) {
    fail(`dtype '${descr}' is not supported; use little-endian float32, float64, int32, int64 or uint8 (x.astype('<f4'))`);
  }
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) fail(`cannot read the shape (${shapeText})`);
  const count = shape.reduce((a, b) => a * b, 1);
  return { dtype: dtype!.name, shape, dataStart: start + headerLength, dataBytes: count * dtype!.ctor.BYTES_PER_ELEMENT, ctor: dtype!.ctor };
}

/** The error for a file whose values are not as many as its header's shape needs. */
export function npyLengthError(header: NpyHeader, name: string, have: number): DataError {
  return new DataError({ file: name }, `shape (${header.shape.join(", ")}) of ${header.dtype} needs ${header.dataBytes} bytes of data, the file has ${have}`);
}

/** Reads one .npy file whole; `name` is used in errors. */
export function parseNpy(bytes: Uint8Array, name: string): NamedArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new DataError({ file: name }, "not a .npy file (it does not start with \\x93NUMPY)");
  const header = parseNpyHeader(bytes, name);
  if (!header) throw new DataError({ file: name }, "the header runs beyond the end of the file");
  if (bytes.length - header.dataStart !== header.dataBytes) throw npyLengthError(header, name, bytes.length - header.dataStart);
  // A copy: the values need not be aligned within the file.
  const copy = bytes.slice(header.dataStart, header.dataStart + header.dataBytes);
  return { dtype: header.dtype, shape: header.shape, data: new header.ctor(copy.buffer, 0, header.dataBytes / header.ctor.BYTES_PER_ELEMENT) };
}
