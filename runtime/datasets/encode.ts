// Records → the model's arrays, in one pass that checks every example before
// anything trains: a value that is not a number, a NaN, a wrong count of
// values, a label outside the model's classes, an image of the wrong size is
// a DataError naming the file, the line (or example, or image), the field
// and what the model expected. The same pass learns what is saved with the
// weights (DataInfo): class names of string labels (sorted), and the mean
// and standard deviation of each numeric input feature.
//
// Standardisation: f32 inputs read from tables and arrays are standardised
// per feature (the last axis), x' = (x − mean) / std, with the statistics of
// the training data (std 1 where a feature is constant). It is the runtime's
// job, not the model's: every model trains as well on raw measurements of
// any magnitude as on standardised ones, without a layer to add, and the
// statistics travel in the weights file's metadata so that evaluation and
// prediction apply the same. Images are not standardised (they are scaled
// to [0, 1], images.ts).
//
// Sequences of different lengths (a symbol as the first dim, `words: i32[T]`)
// are padded with zeros to the longest, and an i32 lengths input, if the
// model declares one, holds each example's length. Browser-safe.
import { pixelsToInput } from "./images.ts";
import { describeSpec, staticSize, type Feed } from "./mapping.ts";
import { DataError, isArrayValue, isPixels, type DataRecord, type FieldValue, type RecordSource, type Where } from "./source.ts";

/** What turns data into a model's arrays, saved with its weights. */
export interface DataInfo {
  /** Class names of each target whose labels were names, in index order. */
  classes?: Record<string, string[]>;
  /** Each standardised input's per-feature mean and standard deviation. */
  standardize?: Record<string, { mean: number[]; std: number[] }>;
  /** A next-character model's characters, in index order. */
  vocabulary?: string[];
}

/** Examples as the model's arrays, row-major, batch first. */
export interface Encoded {
  count: number;
  arrays: Record<string, Float32Array | Int32Array>;
  /** Sizes of the symbolic dims: sequences are padded to these. */
  dims: Record<string, number>;
  /** The input filled with sequence lengths, if any. */
  lengths?: string;
  /** Sequences: each example's real steps, by the symbol of their first axis (a batch can be cut to its longest). */
  steps?: Record<string, Int32Array>;
  /** Which arrays are sequences, and the symbol of their first axis. */
  sequences?: Record<string, string>;
}

export interface EncodeOptions {
  feeds: readonly Feed[];
  /** Targets that hold class indices, and how many classes the model predicts for each. */
  classes: Readonly<Record<string, number>>;
  /** From the weights (evaluation, prediction) or the training data (validation data): applied, not learned. */
  info?: DataInfo;
  /** Learn and apply standardisation statistics where `info` has none (default true). */
  standardize?: boolean;
  onBytes?(bytes: number): void;
  /**
   * false: check every record and learn the DataInfo and the padded sizes,
   * but keep no arrays (the first pass over a file too large to hold; see
   * stream.ts). Default true.
   */
  keep?: boolean;
}

/** Running per-feature mean and variance, without keeping the values (sums shifted by each feature's first value, in float64). */
class Moments {
  private readonly shift: Float64Array;
  private readonly sum: Float64Array;
  private readonly squares: Float64Array;
  private n = 0;
  constructor(private readonly features: number) {
    this.shift = new Float64Array(features);
    this.sum = new Float64Array(features);
    this.squares = new Float64Array(features);
  }
  add(values: Float32Array, length: number): void {
    const F = this.features;
    if (this.n === 0) for (let f = 0; f < F && f < length; f++) this.shift[f] = values[f]!;
    for (let i = 0; i < length; i++) {
      const d = values[i]! - this.shift[i % F]!;
      this.sum[i % F] += d;
      this.squares[i % F] += d * d;
    }
    this.n += length / F;
  }
  result(): { mean: number[]; std: number[] } {
    const n = Math.max(this.n, 1);
    const mean = Array.from(this.sum, (s, f) => this.shift[f]! + s / n);
    const std = Array.from(this.squares, (q, f) => {
      const m = this.sum[f]! / n;
      const sd = Math.sqrt(Math.max(q / n - m * m, 0));
      return sd > 1e-12 ? sd : 1;
    });
    return { mean, std };
  }
}

/** A growable typed array. */
class Grow<T extends Float32Array | Int32Array> {
  length = 0;
  constructor(public data: T) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new (this.data.constructor as { new (n: number): T })(Math.max(16, this.data.length * 2));
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
  done(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

/** The labels of a class target, interned as they are read; indices are decided at the end. */
class Labels {
  readonly keys = new Map<string, { id: number; where: Where; field?: string }>();
  readonly byId: string[] = [];
  intern(key: string, where: Where, field: string): number {
    let k = this.keys.get(key);
    if (!k) {
      k = { id: this.byId.length, where, field };
      this.keys.set(key, k);
      this.byId.push(key);
    }
    return k.id;
  }
}

interface Sink {
  feed: Feed;
  values: Grow<Float32Array> | Grow<Int32Array>;
  /** Per-example first-axis lengths of a sequence feed. */
  steps?: Grow<Int32Array>;
  /** Values per step (after the first axis) of a sequence feed, else per example. */
  inner: number;
  labels?: Labels;
  /** Symbols of later axes, bound by the first example. */
  bound: Map<string, number>;
}

const INTEGER = /^[+-]?\d+$/;

/** A value as a number for `feed`, or a DataError saying why it is not one. */
function toNumber(v: unknown, sink: Sink, where: Where, field: string): number {
  const { feed } = sink;
  const what = `${feed.role} ${describeSpec(feed.name, feed.spec)}`;
  if (sink.labels) {
    const key = typeof v === "number" ? String(v) : typeof v === "string" ? v.trim() : typeof v === "bigint" ? String(v) : undefined;
    if (key === undefined || key === "") throw new DataError(where, `${v === "" ? "is empty" : `holds ${JSON.stringify(v)}`}; ${what} takes a class: a name or an index`, field);
    return sink.labels.intern(key, where, field);
  }
  let x: number;
  if (typeof v === "number") x = v;
  else if (typeof v === "bigint") x = Number(v);
  else if (typeof v === "boolean") x = v ? 1 : 0;
  else if (typeof v === "string") {
    const t = v.trim();
    x = t === "" ? NaN : Number(t);
    if (t === "" || (Number.isNaN(x) && !/^[+-]?nan$/i.test(t))) throw new DataError(where, `${t === "" ? "is empty" : `'${v}' is not a number`}; ${what} takes numbers`, field);
  } else throw new DataError(where, `holds ${v === null ? "null" : Array.isArray(v) ? "an array" : typeof v}; ${what} takes a number here`, field);
  if (!Number.isFinite(x)) throw new DataError(where, `is ${x}; ${what} takes finite numbers`, field);
  if (feed.spec.dtype === "i32" && !(Number.isInteger(x) && Math.abs(x) <= 0x7fffffff)) throw new DataError(where, `${x} is not a whole number; ${what} takes integers`, field);
  return x;
}

/** Appends a nested JSON array's leaves, checking its shape; returns the length of its first axis. */
function pushNested(v: unknown, shape: readonly (number | string)[], sink: Sink, where: Where, field: string): number {
  const visit = (x: unknown, axis: number): number => {
    if (axis === shape.length) {
      sink.values.push(toNumber(x, sink, where, field));
      return 1;
    }
    const dim = shape[axis]!;
    const expected = `${sink.feed.role} ${describeSpec(sink.feed.name, sink.feed.spec)} (axis ${axis} of its per-example shape)`;
    if (!Array.isArray(x)) throw new DataError(where, `holds ${JSON.stringify(x)?.slice(0, 40)} where ${expected} needs an array of ${typeof dim === "number" ? dim : dim} values`, field);
    if (typeof dim === "number" && x.length !== dim) throw new DataError(where, `has ${x.length} values along axis ${axis}; ${expected} takes ${dim}`, field);
    if (typeof dim === "string") {
      if (x.length === 0) throw new DataError(where, `is an empty sequence; ${expected} needs at least one step`, field);
      if (axis > 0) {
        const b = sink.bound.get(dim);
        if (b === undefined) sink.bound.set(dim, x.length);
        else if (b !== x.length) throw new DataError(where, `has ${x.length} values along axis ${axis} (${dim}), earlier examples had ${b}; only the first axis may vary between examples`, field);
      }
    }
    for (const item of x) visit(item, axis + 1);
    return x.length;
  };
  return visit(v, 0);
}

/** Appends one record's values for a sink's feed; returns its sequence length (or 1). */
function pushRecord(sink: Sink, record: DataRecord, lengthOf: Map<string, number>): number {
  const { feed } = sink;
  const where = record.where;
  if (feed.from === "lengths") {
    const n = lengthOf.get(feed.of)!;
    sink.values.push(n);
    return 1;
  }
  if (feed.from === "columns") {
    for (const c of feed.columns) sink.values.push(toNumber(record.fields[c], sink, where, c));
    return 1;
  }
  const field = feed.field;
  const v: FieldValue | undefined = record.fields[field];
  const describe = `${feed.role} ${describeSpec(feed.name, feed.spec)}`;
  if (v === undefined) throw new DataError(where, `missing; ${describe} reads it`, field);
  const shape = feed.spec.shape;
  const sequence = typeof shape[0] === "string";
  if (isPixels(v)) {
    if (feed.spec.dtype !== "f32") throw new DataError(where, `is an image; ${describe} does not take images`, field);
    const k = staticSize(feed.spec)!;
    const out = new Float32Array(k);
    pixelsToInput(v, shape, out, 0, where, feed.name);
    for (let i = 0; i < k; i++) sink.values.push(out[i]!);
    return 1;
  }
  if (isArrayValue(v)) {
    const squeeze = (s: readonly (number | string)[]) => s.filter((d) => d !== 1).join(",");
    if (v.shape.length !== shape.length && staticSize(feed.spec) === v.data.length && squeeze(v.shape) === squeeze(shape)) {
      for (let i = 0; i < v.data.length; i++) sink.values.push(toNumber(v.data[i], sink, where, field)); // [] for [1], [k] for [k, 1]
      return 1;
    }
    if (v.shape.length !== shape.length) throw new DataError(where, `is an array of shape [${v.shape.join(", ")}] per example; ${describe} takes ${shape.length} ${shape.length === 1 ? "axis" : "axes"}`, field);
    shape.forEach((d, i) => {
      if (typeof d === "number" && d !== v.shape[i]) throw new DataError(where, `is an array of shape [${v.shape.join(", ")}] per example; ${describe} takes [${shape.join(", ")}]`, field);
      if (typeof d === "string" && i > 0) {
        const b = sink.bound.get(d);
        if (b === undefined) sink.bound.set(d, v.shape[i]!);
      }
    });
    for (let i = 0; i < v.data.length; i++) sink.values.push(toNumber(v.data[i], sink, where, field));
    return sequence ? v.shape[0]! : 1;
  }
  if (shape.length === 0 || (!Array.isArray(v) && staticSize(feed.spec) === 1)) {
    sink.values.push(toNumber(v, sink, where, field));
    return 1;
  }
  return pushNested(v, shape, sink, where, field);
}

/** Per-feature statistics of values laid out with `features` as the last axis (float64 sums). */
function statistics(values: Float32Array, features: number): { mean: number[]; std: number[] } {
  const sum = new Float64Array(features);
  const squares = new Float64Array(features);
  const rows = values.length / features;
  for (let i = 0; i < values.length; i++) sum[i % features] += values[i]!;
  const mean = Array.from(sum, (s) => s / Math.max(rows, 1));
  for (let i = 0; i < values.length; i++) {
    const d = values[i]! - mean[i % features]!;
    squares[i % features] += d * d;
  }
  const std = Array.from(squares, (s) => {
    const sd = Math.sqrt(s / Math.max(rows, 1));
    return sd > 1e-12 ? sd : 1;
  });
  return { mean, std };
}

/** Applies (x − mean) / std per feature, in place. */
export function standardizeInPlace(values: Float32Array, stats: { mean: readonly number[]; std: readonly number[] }): void {
  const F = stats.mean.length;
  for (let i = 0; i < values.length; i++) values[i] = (values[i]! - stats.mean[i % F]!) / stats.std[i % F]!;
}

/** The features (last-axis size) a standardised input has: 1 for a scalar. */
function featureCount(feed: Feed): number | undefined {
  const last = feed.spec.shape.at(-1);
  return feed.spec.shape.length === 0 ? 1 : typeof last === "number" ? last : undefined;
}

/** Class indices for a target's interned labels: names from `known`, else integers as they are, else sorted names. */
function classIndices(sink: Sink, classes: number, known: readonly string[] | undefined): { index: Int32Array; names?: string[] } {
  const labels = sink.labels!;
  const what = `${sink.feed.role} ${describeSpec(sink.feed.name, sink.feed.spec)}`;
  const at = (key: string) => labels.keys.get(key)!;
  const integers = labels.byId.every((k) => INTEGER.test(k));
  if (!known && integers) {
    const index = Int32Array.from(labels.byId, Number);
    labels.byId.forEach((k, i) => {
      if (index[i]! < 0 || index[i]! >= classes) throw new DataError(at(k).where, `label ${k} is outside the model's ${classes} classes (0 … ${classes - 1}) for ${what}`, at(k).field);
    });
    return { index };
  }
  const names = known ? [...known] : [...labels.byId].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (!known && names.length > classes) {
    throw new DataError({ file: at(names[0]!).where.file }, `the data has ${names.length} classes (${names.join(", ")}) in ${sink.feed.name}, but the model predicts ${classes}`, sink.feed.name);
  }
  const position = new Map(names.map((n, i) => [n, i]));
  const index = Int32Array.from(labels.byId, (k) => {
    const i = position.get(k);
    if (i === undefined) {
      if (known && !INTEGER.test(k)) throw new DataError(at(k).where, `label '${k}' is not one of the model's classes (${names.join(", ")})`, at(k).field);
      const n = Number(k);
      if (!Number.isInteger(n) || n < 0 || n >= names.length) throw new DataError(at(k).where, `label '${k}' is not one of the model's classes (${names.join(", ")})`, at(k).field);
      return n;
    }
    return i;
  });
  return { index, names };
}

/** Reads every record of `source` into the arrays of `options.feeds`; see the top of this file. */
export async function encodeRecords(source: RecordSource, options: EncodeOptions): Promise<{ data: Encoded; info: DataInfo }> {
  const sinks: Sink[] = options.feeds.map((feed) => {
    const sequence = typeof feed.spec.shape[0] === "string" && feed.from !== "lengths";
    const inner = sequence ? (staticSize({ ...feed.spec, shape: feed.spec.shape.slice(1) }) ?? 0) : (staticSize(feed.spec) ?? 0);
    const isClass = feed.role === "target" && Object.hasOwn(options.classes, feed.name);
    return {
      feed,
      values: feed.spec.dtype === "f32" ? new Grow(new Float32Array(1024)) : new Grow(new Int32Array(1024)),
      steps: sequence ? new Grow(new Int32Array(256)) : undefined,
      inner,
      labels: isClass ? new Labels() : undefined,
      bound: new Map(),
    };
  });
  const keep = options.keep !== false;
  const learnsStats = (sink: Sink) =>
    sink.feed.role === "input" && sink.feed.spec.dtype === "f32" && source.format !== "images" && !options.info?.standardize?.[sink.feed.name] && options.standardize !== false && featureCount(sink.feed) !== undefined;
  const moments = new Map<Sink, Moments>(keep ? [] : sinks.filter(learnsStats).map((sink) => [sink, new Moments(featureCount(sink.feed)!)]));
  const maxSteps = new Map<string, number>();
  // Lengths feeds read the length of another feed of the same record: fill them last.
  const order = [...sinks].sort((a, b) => Number(a.feed.from === "lengths") - Number(b.feed.from === "lengths"));
  let count = 0;
  const lengthOf = new Map<string, number>();
  const symbolSteps = new Map<string, { length: number; feed: string }>();
  for await (const record of source.records(options.onBytes)) {
    lengthOf.clear();
    symbolSteps.clear();
    for (const sink of order) {
      const before = sink.values.length;
      const n = pushRecord(sink, record, lengthOf);
      if (sink.steps) {
        const symbol = sink.feed.spec.shape[0] as string;
        const other = symbolSteps.get(symbol);
        if (other && other.length !== n) throw new DataError(record.where, `${sink.feed.name} has ${n} steps but ${other.feed} has ${other.length}; both are [${symbol}, …] and must have the same length`, sink.feed.from === "field" ? sink.feed.field : undefined);
        symbolSteps.set(symbol, { length: n, feed: sink.feed.name });
        sink.steps.push(n);
        lengthOf.set(sink.feed.name, n);
        if (sink.inner === 0) sink.inner = (sink.values.length - before) / n;
      } else if (sink.inner === 0) sink.inner = sink.values.length - before;
    }
    if (!keep) {
      for (const sink of sinks) {
        moments.get(sink)?.add(sink.values.data as Float32Array, sink.values.length);
        sink.values.length = 0;
        if (sink.steps) {
          const symbol = sink.feed.spec.shape[0] as string;
          maxSteps.set(symbol, Math.max(maxSteps.get(symbol) ?? 0, sink.steps.data[0]!));
          sink.steps.length = 0;
        }
      }
    }
    count++;
  }
  if (count === 0) throw new DataError({ file: source.name }, "holds no examples");

  const info: DataInfo = {};
  const data: Encoded = { count, arrays: Object.create(null), dims: {} };
  for (const sink of sinks) {
    const { feed } = sink;
    if (feed.from === "lengths") data.lengths = feed.name;
    let values = sink.values.done();
    if (sink.labels) {
      const known = options.info?.classes?.[feed.name];
      const { index, names } = classIndices(sink, options.classes[feed.name]!, known);
      const ids = values as Int32Array;
      for (let i = 0; i < ids.length; i++) ids[i] = index[ids[i]!]!;
      if (names) (info.classes ??= {})[feed.name] = names;
    }
    if (!keep) {
      const stats = moments.get(sink)?.result() ?? options.info?.standardize?.[feed.name];
      if (stats && feed.role === "input") (info.standardize ??= {})[feed.name] = stats;
      if (sink.steps) data.dims[feed.spec.shape[0] as string] = maxSteps.get(feed.spec.shape[0] as string)!;
      for (const [s, v] of sink.bound) data.dims[s] = v;
      continue;
    }
    if (feed.role === "input" && feed.spec.dtype === "f32" && source.format !== "images") {
      const known = options.info?.standardize?.[feed.name];
      const F = featureCount(feed);
      const stats = known ?? (options.standardize !== false && F !== undefined ? statistics(values as Float32Array, F) : undefined);
      if (stats) {
        standardizeInPlace(values as Float32Array, stats);
        (info.standardize ??= {})[feed.name] = stats;
      }
    }
    if (sink.steps) {
      const symbol = feed.spec.shape[0] as string;
      const steps = sink.steps.done();
      let T = data.dims[symbol] ?? 0;
      for (const n of steps) if (n > T) T = n;
      data.dims[symbol] = T;
      values = pad(values, steps, sink.inner, T);
      (data.steps ??= {})[symbol] ??= steps.slice();
      (data.sequences ??= {})[feed.name] = symbol;
    }
    for (const [s, v] of sink.bound) data.dims[s] = v;
    data.arrays[feed.name] = values.slice();
  }
  return { data, info };
}

/** Sequences of `steps[e]` steps (of `inner` values each), one after another, padded with zeros to T steps each. */
function pad<T extends Float32Array | Int32Array>(values: T, steps: Int32Array, inner: number, T: number): T {
  const out = new (values.constructor as { new (n: number): T })(steps.length * T * inner);
  let from = 0;
  for (let e = 0; e < steps.length; e++) {
    const n = steps[e]! * inner;
    out.set(values.subarray(from, from + n), e * T * inner);
    from += n;
  }
  return out;
}
