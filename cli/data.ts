// What `nnc train --data <file>`, `nnc eval` and `nnc predict` share: open a
// data path, map it to the model and read every example (a progress bar on a
// terminal when the file is large), turning a data error into a message that
// names the file, line and field; and print metrics.
import { statSync } from "node:fs";
import cliProgress from "cli-progress";
import { encodeRecords, type DataInfo } from "../runtime/datasets/encode.ts";
import { formatOf } from "../runtime/datasets/formats.ts";
import { planFeeds, type Feed } from "../runtime/datasets/mapping.ts";
import { firstRecord } from "../runtime/datasets/prepare.ts";
import { streamingSplit, type StreamData } from "../runtime/datasets/stream.ts";
import type { RecordSource } from "../runtime/datasets/source.ts";
import { DataError } from "../runtime/datasets/source.ts";
import { openData } from "../runtime/datasets/node.ts";
import { describeFeeds, parseMap, type ModelDescription } from "../runtime/datasets/mapping.ts";
import { prepareRecords, prepareText, type Prepared, type PrepareOptions } from "../runtime/datasets/prepare.ts";
import { probeClasses, type Metrics } from "../runtime/datasets/metrics.ts";
import type { ModelClass, ModelInstance } from "../compiler/codegen/load.ts";
import { UserError } from "./user-error.ts";
import { collectingEvery } from "./gc.ts";

/** Bytes read between garbage collections when a file is streamed (cli/gc.ts): a 40 MB CSV peaked at 427 MB without, 282 MB with, and took 12% longer. */
export const GC_EVERY = 2 << 20;

export function describeModel(name: string, M: ModelClass): ModelDescription {
  return { name, inputs: M.inputs, targets: M.targets, loss: M.loss };
}

/** The class targets of a cross_entropy model and how many classes each has. */
export function classTargets(model: ModelInstance, name: string, M: ModelClass): Record<string, number> {
  const classes = probeClasses(model, { ...describeModel(name, M), minDims: M.minDims });
  return classes !== undefined && M.loss?.target ? { [M.loss.target]: classes } : {};
}

/** Parses --map texts, as a usage problem reported like a data problem. */
export function mapOption(texts: readonly string[] | undefined): Record<string, string[]> {
  try {
    return parseMap(texts ?? []);
  } catch (e) {
    throw new UserError((e as Error).message);
  }
}

const BAR_FROM_BYTES = 8 << 20;

/** Opens and reads `path` for the model; a DataError becomes a UserError with its location. */
export async function readData(path: string, model: ModelDescription, options: Omit<PrepareOptions, "onBytes">): Promise<Prepared & { format: string }> {
  let bar: cliProgress.SingleBar | undefined;
  try {
    const opened = await openData(path);
    if (opened.kind === "text") return { ...prepareText(model, path, opened.text, options), format: "text" };
    const { source } = opened;
    const size = source.size;
    if (process.stderr.isTTY && size !== undefined && (source.format === "images" ? size >= 200 : size >= BAR_FROM_BYTES)) {
      bar = new cliProgress.SingleBar({ format: `reading ${path} [{bar}] {percentage}%`, stream: process.stderr, clearOnComplete: true, hideCursor: true }, cliProgress.Presets.shades_classic);
      bar.start(size, 0);
    }
    const prepared = await prepareRecords(model, source, { ...options, onBytes: bar ? (n) => bar!.update(n) : undefined });
    return { ...prepared, format: source.format };
  } catch (e) {
    if (e instanceof DataError) throw new UserError(e.message);
    throw e;
  } finally {
    bar?.stop();
  }
}

/** `Data: iris.csv (csv, 150 examples): x ← a, b, c, d; label ← species`. */
export function dataLine(label: string, path: string, prepared: Prepared & { format: string }): string {
  const dims = Object.entries(prepared.data.dims).map(([s, v]) => `${s} = ${v}`);
  return `${label}: ${path} (${prepared.format}, ${prepared.data.count} examples${dims.length ? `, ${prepared.format === "text" ? "windows of" : "padded to"} ${dims.join(", ")}` : ""}): ${describeFeeds(prepared.feeds)}\n`;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const num = (x: number) => (Math.abs(x) >= 1e5 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(3) : x.toFixed(4));

/** One line of metrics: `loss 0.1234  accuracy 95.00%` or `loss 1.2  mse 1.2  mae 0.9`. */
export function metricsLine(m: Metrics, prefix = ""): string {
  const parts = [`${prefix}loss ${num(m.loss)}`];
  if (m.accuracy !== undefined) parts.push(`${prefix}accuracy ${pct(m.accuracy)}`);
  if (m.mse !== undefined) parts.push(`${prefix}mse ${num(m.mse)}`, `${prefix}mae ${num(m.mae!)}`);
  return parts.join("  ");
}

/** The confusion matrix as a table: rows are true classes, columns predicted ones, with each class's recall. */
export function confusionTable(confusion: number[][], names: readonly string[] | undefined): string {
  const C = confusion.length;
  const label = (i: number) => names?.[i] ?? String(i);
  const rows = confusion.map((row, i) => ({ name: label(i), row, total: row.reduce((a, b) => a + b, 0) })).filter((r, i) => r.total > 0 || confusion.some((x) => x[i]! > 0));
  if (C > 20) return `(${C} classes: the confusion matrix is left out)\n`;
  const first = Math.max(16, ...rows.map((r) => r.name.length));
  const width = Math.max(7, ...Array.from({ length: C }, (_, i) => label(i).length));
  const cell = (s: string) => s.padStart(width);
  const lines = [`${"true \\ predicted".padEnd(first)}  ${Array.from({ length: C }, (_, i) => cell(label(i))).join(" ")}  ${cell("recall")}`];
  for (const r of rows) lines.push(`${r.name.padEnd(first)}  ${r.row.map((v) => cell(String(v))).join(" ")}  ${cell(r.total ? pct(r.row[confusion.indexOf(r.row)]! / r.total) : "-")}`);
  return lines.join("\n") + "\n";
}

/** Files at least this large (CSV, TSV, JSON Lines, .npy) are streamed every epoch rather than held in memory. */
export const STREAM_FROM_BYTES = 64 << 20;

/** Whether `path` should be streamed: a CSV, TSV, JSON Lines or .npy file of STREAM_FROM_BYTES or more, or any of them with `force`. */
export function shouldStream(path: string, force: boolean): boolean {
  const format = formatOf(path);
  if (format !== "csv" && format !== "tsv" && format !== "jsonl" && format !== "npy") return false;
  try {
    return force || statSync(path).size >= STREAM_FROM_BYTES;
  } catch {
    return false;
  }
}

export interface StreamedData {
  train: StreamData;
  validation?: StreamData;
  info: DataInfo;
  feeds: Feed[];
  format: string;
  /** Examples in the file (both sides of a split). */
  count: number;
  dims: Record<string, number>;
}

/**
 * The first pass over a file too large to hold: maps it, checks every
 * record, learns the DataInfo and counts the examples (of each side of a
 * streaming --val-split), keeping no arrays. A progress bar on a terminal.
 */
export async function scanData(path: string, model: ModelDescription, options: Omit<PrepareOptions, "onBytes"> & { valSplit?: number; seed: number }): Promise<StreamedData> {
  let bar: cliProgress.SingleBar | undefined;
  try {
    const opened = await openData(path);
    if (opened.kind !== "records") throw new UserError(`${path}: only CSV, TSV, JSON Lines and .npy files are streamed`);
    const source = opened.source;
    const feeds = planFeeds(model, source, await firstRecord(source), { map: options.map, targets: options.targets });
    const target = model.loss?.target;
    const targetFeed = feeds.find((f) => f.name === target);
    const stratify = targetFeed && Object.hasOwn(options.classes, targetFeed.name) && targetFeed.spec.shape.length === 0 && targetFeed.from !== "lengths";
    const labelField = stratify ? (targetFeed.from === "field" ? targetFeed.field : targetFeed.from === "columns" ? targetFeed.columns[0] : undefined) : undefined;
    const split = options.valSplit !== undefined ? streamingSplit(options.valSplit, options.seed, labelField !== undefined ? (r) => String(r.fields[labelField] ?? "").trim() : undefined) : undefined;
    let held = 0;
    const isHeld = split?.validation();
    const counted: RecordSource = {
      ...source,
      async *records(onBytes) {
        for await (const r of source.records(onBytes)) {
          if (isHeld?.(r)) held++;
          yield r;
        }
      },
    };
    if (process.stderr.isTTY && source.size !== undefined) {
      bar = new cliProgress.SingleBar({ format: `checking ${path} [{bar}] {percentage}%`, stream: process.stderr, clearOnComplete: true, hideCursor: true }, cliProgress.Presets.shades_classic);
      bar.start(source.size, 0);
    }
    const scan = await encodeRecords(counted, { feeds, classes: options.classes, info: options.info, standardize: options.standardize, keep: false, onBytes: collectingEvery(GC_EVERY, bar ? (n) => bar!.update(n) : undefined) });
    const info = { ...options.info, ...scan.info };
    const count = scan.data.count;
    const base = { source, feeds, classes: options.classes, info };
    if (split && (held === 0 || held === count)) throw new UserError(`a validation split of ${options.valSplit} of ${count} examples leaves ${held === 0 ? "none to validate on" : "none to train on"}`);
    return {
      train: split ? { ...base, count: count - held, select: split.train } : { ...base, count },
      ...(split ? { validation: { ...base, count: held, select: split.validation } } : {}),
      info,
      feeds,
      format: source.format,
      count,
      dims: scan.data.dims,
    };
  } catch (e) {
    if (e instanceof DataError) throw new UserError(e.message);
    throw e;
  } finally {
    bar?.stop();
  }
}
