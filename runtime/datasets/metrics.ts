// Metrics by loss: for cross_entropy the loss, accuracy and a confusion
// matrix (true class × predicted class); for mse the MSE and MAE; for
// binary_cross_entropy the loss and accuracy at a threshold of 0.5. All from
// `forward` (dropout off), over real steps only where sequences were padded.
// Browser-safe.
import { evaluateDim } from "../io.ts";
import type { Encoded } from "./encode.ts";
import type { ModelDescription } from "./mapping.ts";

type Arrays = Record<string, Float32Array | Int32Array>;
type Dims = { batch: number; [symbol: string]: number };

/** What evaluation needs of a model instance. */
export interface Predictor {
  forward(inputs: Arrays, dims: Dims): Record<string, Float32Array>;
}

export interface Metrics {
  /** The model's loss on the data. */
  loss: number;
  /** Examples evaluated. */
  count: number;
  /** Values compared: labels (real steps) for classification, elements for regression. */
  labels: number;
  /** Classification: the share of labels (real steps) predicted right. */
  accuracy?: number;
  /** Classification: confusion[true][predicted] counts. */
  confusion?: number[][];
  /** Regression. */
  mse?: number;
  mae?: number;
}

/** Examples start … start+n-1 as views (no copies). */
export function rowsOf(data: Encoded, start: number, n: number): Arrays {
  const out: Arrays = {};
  for (const [name, a] of Object.entries(data.arrays)) {
    const per = a.length / data.count;
    out[name] = a.subarray(start * per, (start + n) * per);
  }
  return out;
}

/** Runs `forward` over the data in order, in batches; calls `each` with the outputs, the batch's arrays and where it starts. */
export function forEachBatch(model: Predictor, data: Encoded, targets: readonly string[], batchSize: number, each: (outputs: Record<string, Float32Array>, arrays: Arrays, start: number, n: number) => void): void {
  for (let start = 0; start < data.count; start += batchSize) {
    const n = Math.min(batchSize, data.count - start);
    const arrays = rowsOf(data, start, n);
    const inputs: Arrays = {};
    for (const [k, v] of Object.entries(arrays)) if (!targets.includes(k)) inputs[k] = v;
    each(model.forward(inputs, { ...data.dims, batch: n }), arrays, start, n);
  }
}

/** The number of classes a cross_entropy model predicts: its output's values per label, probed with one forward pass. */
export function probeClasses(model: Predictor, M: ModelDescription & { minDims?: Readonly<Record<string, { min: number }>> }): number | undefined {
  const loss = M.loss;
  if (!loss || loss.kind !== "cross_entropy" || !loss.prediction || !loss.target) return undefined;
  const symbols: Record<string, number> = {};
  const specs = [...Object.values(M.inputs), ...Object.values(M.targets)];
  for (const s of specs) for (const d of s.shape) if (typeof d === "string") for (const id of d.match(/[\p{L}_][\p{L}\p{N}_]*/gu) ?? []) symbols[id] = Math.max(symbols[id] ?? 1, M.minDims?.[id]?.min ?? 1);
  const inputs: Arrays = {};
  for (const [name, spec] of Object.entries(M.inputs)) {
    const size = spec.shape.reduce<number>((p, d) => p * (typeof d === "number" ? d : evaluateDim(d, symbols)), 1);
    // Zeros: a valid token for embeddings; a scalar i32 input may be a length, which must be ≥ 1.
    inputs[name] = spec.dtype === "f32" ? new Float32Array(size) : new Int32Array(size).fill(spec.shape.length === 0 ? 1 : 0);
  }
  const out = model.forward(inputs, { ...symbols, batch: 1 })[loss.prediction];
  const target = M.targets[loss.target];
  if (!out || !target) return undefined;
  const labels = target.shape.reduce<number>((p, d) => p * (typeof d === "number" ? d : evaluateDim(d, symbols)), 1);
  return out.length / labels;
}

/** The loss and metrics of the model on `data` (see the top of this file). */
export function evaluate(model: Predictor, M: ModelDescription, data: Encoded, batchSize = 256): Metrics {
  const loss = M.loss;
  if (!loss?.prediction || !loss.target) throw new Error(`${M.name} has no loss against a target to evaluate`);
  const prediction = loss.prediction;
  const target = loss.target;
  const labelsPer = data.arrays[target]!.length / data.count;
  const lengths = data.lengths !== undefined && typeof M.targets[target]?.shape[0] === "string" ? (data.arrays[data.lengths] as Int32Array) : undefined;
  let sum = 0;
  let counted = 0;
  if (loss.kind === "cross_entropy") {
    let right = 0;
    let confusion: number[][] | undefined;
    forEachBatch(model, data, Object.keys(M.targets), batchSize, (outputs, arrays, start, n) => {
      const out = outputs[prediction]!;
      const labels = arrays[target] as Int32Array;
      const C = out.length / labels.length;
      confusion ??= Array.from({ length: C }, () => new Array<number>(C).fill(0));
      for (let b = 0; b < n; b++) {
        const real = lengths ? lengths[start + b]! : labelsPer;
        for (let p = 0; p < real; p++) {
          const row = b * labelsPer + p;
          const o = row * C;
          let best = 0;
          let top = out[o]!;
          for (let j = 1; j < C; j++) if (out[o + j]! > top) top = out[o + (best = j)]!;
          let total = 0;
          for (let j = 0; j < C; j++) total += Math.exp(out[o + j]! - top);
          const label = labels[row]!;
          sum += top + Math.log(total) - out[o + label]!;
          counted++;
          if (best === label) right++;
          confusion[label]![best]!++;
        }
      }
    });
    return { loss: sum / counted, count: data.count, labels: counted, accuracy: right / counted, confusion: confusion ?? [] };
  }
  let absolute = 0;
  let right = 0;
  forEachBatch(model, data, Object.keys(M.targets), batchSize, (outputs, arrays) => {
    const out = outputs[prediction]!;
    const y = arrays[target]!;
    for (let i = 0; i < out.length; i++) {
      const z = out[i]!;
      const t = y[i]!;
      if (loss.kind === "binary_cross_entropy") {
        sum += Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
        if (z > 0 === t > 0.5) right++;
      } else {
        sum += (z - t) * (z - t);
        absolute += Math.abs(z - t);
      }
      counted++;
    }
  });
  if (loss.kind === "binary_cross_entropy") return { loss: sum / counted, count: data.count, labels: counted, accuracy: right / counted };
  return { loss: sum / counted, count: data.count, labels: counted, mse: sum / counted, mae: absolute / counted };
}
