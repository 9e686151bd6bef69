// `nnc eval` and `nnc predict`: saved weights on the user's data, read as
// training read it (the class names, standardisation statistics and
// vocabulary in the weights' metadata). `eval` prints the loss and metrics;
// `predict` writes one row per example: the class name and the probability
// of each class for a classifier, the values for a regressor, the classes of
// each real step for a sequence tagger.
import { extname } from "node:path";
import { evaluate, forEachBatch, type Metrics } from "../runtime/datasets/metrics.ts";
import { describeFeeds } from "../runtime/datasets/mapping.ts";
import { evaluateStream } from "../runtime/datasets/stream.ts";
import { collectingEvery } from "./gc.ts";
import { infoFromMetadata } from "../runtime/datasets/info.ts";
import type { Encoded } from "../runtime/datasets/encode.ts";
import type { ModelClass, ModelInstance } from "../compiler/codegen/load.ts";
import { classTargets, confusionTable, dataLine, describeModel, GC_EVERY, mapOption, metricsLine, readData, scanData, shouldStream } from "./data.ts";
import { compileAndChoose, loadWeights, type Report } from "./train.ts";
import { UserError } from "./user-error.ts";
import { writeFileAtomic } from "./write-file-atomic.ts";

export interface DataCommandOptions {
  data: string;
  load: string;
  model?: string;
  map?: string[];
  batch?: number;
  window?: number;
  allowNonfinite?: boolean;
  /** predict: where to write (.csv or .jsonl); standard output (CSV) without. */
  out?: string;
  /** predict, for a model that declares `generate` with a symbolic length: tokens to decode (default 32). */
  steps?: number;
}

/** Compiles, loads the weights and the DataInfo they carry; `prepare` reads the data with them. */
async function load(file: string, opts: DataCommandOptions, targets: boolean, report: Report) {
  const compiled = compileAndChoose(file, opts.model, targets, report);
  if (!compiled) return undefined;
  const { name, M } = compiled;
  const model = new M();
  const info = infoFromMetadata(loadWeights(opts.load, model, M, !!opts.allowNonfinite));
  const described = describeModel(name, M);
  // Prediction by decoding feeds the model's own outputs back: the fed input is not data.
  const feed = !targets && M.generation ? M.generation.feed : undefined;
  const description = feed ? { ...described, inputs: Object.fromEntries(Object.entries(M.inputs).filter(([k]) => k !== feed)) } : described;
  const classes = classTargets(model, name, M);
  const options = { map: mapOption(opts.map), targets, classes, info, standardize: false, window: opts.window, stride: opts.window };
  return { name, M, model, info, description, classes, options };
}

async function setUp(file: string, opts: DataCommandOptions, targets: boolean, report: Report) {
  const s = await load(file, opts, targets, report);
  if (!s) return undefined;
  const read = await readData(opts.data, s.description, s.options);
  return { ...s, info: { ...s.info, ...read.info }, read };
}

export async function runEval(file: string, opts: DataCommandOptions, report: Report): Promise<number> {
  let m: Metrics;
  let s;
  if (shouldStream(opts.data, false)) {
    // A large file is read batch by batch, after a first pass that checks it.
    s = await load(file, opts, true, report);
    if (!s) return 1;
    const scanned = await scanData(opts.data, s.description, { ...s.options, seed: 0 });
    process.stdout.write(`Data: ${opts.data} (${scanned.format}, ${scanned.count} examples, read in batches): ${describeFeeds(scanned.feeds)}\n`);
    m = await evaluateStream(s.model, s.description, scanned.train, opts.batch ?? 256, collectingEvery(GC_EVERY));
  } else {
    s = await setUp(file, opts, true, report);
    if (!s) return 1;
    process.stdout.write(dataLine("Data", opts.data, s.read));
    m = evaluate(s.model, s.description, s.read.data, opts.batch ?? 256);
  }
  process.stdout.write(`${metricsLine(m)} on ${m.count} examples\n`);
  if (m.confusion) process.stdout.write(confusionTable(m.confusion, s.info.classes?.[s.M.loss!.target!]));
  return 0;
}

type Row = Record<string, unknown>;

/** One row per example of what the model predicts (see the top of this file). */
function predictions(model: ModelInstance, M: ModelClass, data: Encoded, names: readonly string[] | undefined, classes: number | undefined, batch: number): Row[] {
  const loss = M.loss;
  const output = loss?.prediction ?? undefined;
  const rows: Row[] = [];
  const targets = Object.keys(M.targets);
  const target = loss?.target ? M.targets[loss.target] : undefined;
  const lengths = data.lengths !== undefined ? (data.arrays[data.lengths] as Int32Array) : undefined;
  forEachBatch(model, data, targets, batch, (outputs, _arrays, start, n) => {
    const name = output ?? Object.keys(outputs)[0]!;
    const out = outputs[name]!;
    const per = out.length / n;
    for (let b = 0; b < n; b++) {
      const values = out.subarray(b * per, (b + 1) * per);
      if (loss?.kind === "cross_entropy" && target && classes !== undefined) {
        const C = classes;
        const label = (k: number) => names?.[k] ?? k;
        if (target.shape.length === 0) {
          const p = softmax(values);
          const best = p.indexOf(Math.max(...p));
          rows.push({ prediction: label(best), probabilities: Object.fromEntries(p.map((v, k) => [String(label(k)), round(v)])) });
        } else {
          const T = per / C;
          const real = lengths ? lengths[start + b]! : T;
          const seq = [];
          for (let t = 0; t < real; t++) {
            const p = Array.from(values.subarray(t * C, (t + 1) * C));
            seq.push(label(p.indexOf(Math.max(...p))));
          }
          rows.push({ prediction: seq });
        }
      } else {
        const v = Array.from(values, (x) => round(loss?.kind === "binary_cross_entropy" ? 1 / (1 + Math.exp(-x)) : x));
        rows.push({ prediction: v.length === 1 ? v[0] : v });
      }
    }
  });
  return rows;
}

/** For a model that declares `generate`: each example's sequence, decoded greedily up to its stop token, as class names (or characters) where known. */
function decoded(model: ModelInstance, M: ModelClass, data: Encoded, names: readonly string[] | undefined, steps: number, batch: number): Row[] {
  const g = M.generation!;
  const T = typeof g.steps === "number" ? g.steps : steps;
  const rows: Row[] = [];
  const targets = Object.keys(M.targets);
  for (let start = 0; start < data.count; start += batch) {
    const n = Math.min(batch, data.count - start);
    const inputs: Record<string, Float32Array | Int32Array> = {};
    for (const [k, a] of Object.entries(data.arrays)) if (!targets.includes(k) && k !== g.feed) inputs[k] = a.subarray((start * a.length) / data.count, ((start + n) * a.length) / data.count);
    const tokens = model.generate!(inputs, { ...data.dims, ...(typeof g.steps === "string" ? { [g.steps]: T } : {}), batch: n });
    for (let b = 0; b < n; b++) {
      const seq: (string | number)[] = [];
      for (const t of tokens.subarray(b * T, (b + 1) * T)) {
        if (t === g.stop) break;
        seq.push(names?.[t] ?? t);
      }
      rows.push({ prediction: names && names.every((c) => [...c].length === 1) ? seq.join("") : seq });
    }
  }
  return rows;
}

const round = (x: number) => Number(x.toPrecision(6));

function softmax(values: Float32Array): number[] {
  let top = -Infinity;
  for (const v of values) top = Math.max(top, v);
  const e = Array.from(values, (v) => Math.exp(v - top));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

const csvCell = (v: unknown): string => {
  const s = Array.isArray(v) ? v.join(" ") : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Rows as CSV: `prediction`, then each class's probability (`p_<class>`) or each value (`prediction.<i>`). */
function toCsv(rows: Row[]): string {
  if (rows.length === 0) return "";
  const first = rows[0]!;
  const header: string[] = [];
  const cells: ((r: Row) => unknown)[] = [];
  if (first.probabilities) {
    header.push("prediction", ...Object.keys(first.probabilities as object).map((k) => `p_${k}`));
    cells.push((r) => r.prediction, ...Object.keys(first.probabilities as object).map((k) => (r: Row) => (r.probabilities as Record<string, number>)[k]));
  } else if (Array.isArray(first.prediction) && typeof first.prediction[0] === "number") {
    (first.prediction as number[]).forEach((_, i) => {
      header.push(`prediction.${i}`);
      cells.push((r) => (r.prediction as number[])[i]);
    });
  } else {
    header.push("prediction");
    cells.push((r) => r.prediction);
  }
  return [header.map(csvCell).join(","), ...rows.map((r) => cells.map((c) => csvCell(c(r))).join(","))].join("\n") + "\n";
}

export async function runPredict(file: string, opts: DataCommandOptions, report: Report): Promise<number> {
  const s = await setUp(file, opts, false, report);
  if (!s) return 1;
  const names = s.M.loss?.target ? s.info.classes?.[s.M.loss.target] : undefined;
  const rows = s.M.generation ? decoded(s.model, s.M, s.read.data, names ?? s.info.vocabulary, opts.steps ?? 32, opts.batch ?? 256) : predictions(s.model, s.M, s.read.data, names, s.classes[s.M.loss?.target ?? ""], opts.batch ?? 256);
  const jsonl = opts.out !== undefined && [".jsonl", ".ndjson"].includes(extname(opts.out).toLowerCase());
  const text = jsonl ? rows.map((r) => JSON.stringify(r)).join("\n") + "\n" : toCsv(rows);
  if (opts.out === undefined) {
    process.stdout.write(text);
    return 0;
  }
  try {
    writeFileAtomic(opts.out, text);
  } catch (e) {
    throw new UserError(`cannot write ${opts.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  process.stderr.write(`${dataLine("Data", opts.data, s.read)}Wrote ${rows.length} predictions to ${opts.out}\n`);
  return 0;
}
