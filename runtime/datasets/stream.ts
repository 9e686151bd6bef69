// Data too large to hold: a first pass checks every record and learns the
// DataInfo (encodeRecords with keep: false); then every epoch reads the file
// again, through a seeded shuffle buffer, and encodes one batch at a time,
// each padded to its own longest sequence. Memory stays bounded by the
// buffer, whatever the file's size. Browser-safe.
import { Rng } from "../random.ts";
import { encodeRecords, type DataInfo, type Encoded } from "./encode.ts";
import type { Feed, ModelDescription } from "./mapping.ts";
import { evaluate, type Metrics, type Predictor } from "./metrics.ts";
import type { DataRecord, RecordSource } from "./source.ts";

/** A data set read anew on every pass. */
export interface StreamData {
  source: RecordSource;
  feeds: readonly Feed[];
  classes: Readonly<Record<string, number>>;
  /** What the first pass learnt (or the weights hold): class names, statistics. */
  info: DataInfo;
  /** The examples the selection keeps. */
  count: number;
  /** A fresh selection for each pass, called on every record in file order (a validation split's side). */
  select?: () => (record: DataRecord) => boolean;
}

/** The records of one pass, selected. */
async function* selected(data: StreamData, onBytes?: (bytes: number) => void): AsyncGenerator<DataRecord> {
  const keep = data.select?.();
  for await (const r of data.source.records(onBytes)) if (!keep || keep(r)) yield r;
}

/**
 * Items in a seeded random order, holding at most `size` at a time: each
 * item past the first `size` takes the place of a random one held, which
 * comes out; what is held at the end comes out shuffled.
 */
export async function* shuffleBuffer<T>(items: AsyncIterable<T>, rng: Rng, size: number): AsyncGenerator<T> {
  const held: T[] = [];
  for await (const item of items) {
    if (held.length < size) {
      held.push(item);
      continue;
    }
    const j = rng.int(size);
    const out = held[j]!;
    held[j] = item;
    yield out;
  }
  rng.shuffle(held);
  yield* held;
}

/** Batches of records: in file order, or shuffled through a buffer of `bufferSize` when `rng` is given. */
export async function* recordBatches(data: StreamData, batchSize: number, rng: Rng | undefined, bufferSize: number, onBytes?: (bytes: number) => void): AsyncGenerator<DataRecord[]> {
  const records = rng ? shuffleBuffer(selected(data, onBytes), rng, bufferSize) : selected(data, onBytes);
  let batch: DataRecord[] = [];
  for await (const r of records) {
    batch.push(r);
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/** One batch as the model's arrays, read as the first pass read the data (its class names and statistics), padded to the batch's longest sequence. */
export async function encodeBatch(data: StreamData, records: readonly DataRecord[]): Promise<Encoded> {
  const source: RecordSource = {
    name: data.source.name,
    format: data.source.format,
    fields: data.source.fields,
    async *records() {
      yield* records;
    },
  };
  return (await encodeRecords(source, { feeds: data.feeds, classes: data.classes, info: data.info, standardize: false })).data;
}

/**
 * A seeded, stratified split decided record by record in file order, as a
 * pass reads it: of each class's records (by `labelOf`), every 1/fraction-th
 * is held out, starting at a seeded offset per class, so each class gives
 * its share (within one record) without a pass to count them first.
 */
export function streamingSplit(fraction: number, seed: number, labelOf?: (record: DataRecord) => string): { train: () => (r: DataRecord) => boolean; validation: () => (r: DataRecord) => boolean } {
  const held = () => {
    const seen = new Map<string, { k: number; offset: number }>();
    return (r: DataRecord) => {
      const key = labelOf?.(r) ?? "";
      let c = seen.get(key);
      if (!c) seen.set(key, (c = { k: 0, offset: new Rng((fnv1a(key) ^ seed) >>> 0).uniform() }));
      const out = Math.floor((c.k + 1) * fraction + c.offset) > Math.floor(c.k * fraction + c.offset);
      c.k++;
      return out;
    };
  };
  return {
    validation: held,
    train: () => {
      const h = held();
      return (r) => !h(r);
    },
  };
}

/** FNV-1a of a string's UTF-16 units: a class's own seed. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Metrics over a streamed data set, batch by batch, combined as if measured at once. */
export async function evaluateStream(model: Predictor, M: ModelDescription, data: StreamData, batchSize = 256, onBytes?: (bytes: number) => void): Promise<Metrics> {
  let total: Metrics | undefined;
  for await (const records of recordBatches(data, batchSize, undefined, 0, onBytes)) {
    const m = evaluate(model, M, await encodeBatch(data, records), batchSize);
    total = total ? combine(total, m) : m;
  }
  if (!total) throw new Error(`${data.source.name}: no examples to evaluate`);
  return total;
}

/** Two measurements as one, each weighted by the labels it compared. */
function combine(a: Metrics, b: Metrics): Metrics {
  const n = a.labels + b.labels;
  const mean = (x: number | undefined, y: number | undefined) => (x === undefined || y === undefined ? undefined : (x * a.labels + y * b.labels) / n);
  const out: Metrics = { loss: mean(a.loss, b.loss)!, count: a.count + b.count, labels: n };
  const accuracy = mean(a.accuracy, b.accuracy);
  if (accuracy !== undefined) out.accuracy = accuracy;
  if (a.confusion && b.confusion) out.confusion = a.confusion.map((row, i) => row.map((v, j) => v + (b.confusion![i]?.[j] ?? 0)));
  const mse = mean(a.mse, b.mse);
  if (mse !== undefined) {
    out.mse = mse;
    out.mae = mean(a.mae, b.mae)!;
  }
  return out;
}
