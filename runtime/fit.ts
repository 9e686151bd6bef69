// `fit(model, M, train, options)`: Keras's model.fit for prepared data
// (runtime/datasets): the shared training loop (train.ts), with the loss and
// metrics on validation data after every epoch, and early stopping that
// keeps the best weights. `nnc train --data <file>` runs it; so can a
// program or a browser worker. Browser-safe.
import type { Encoded } from "./datasets/encode.ts";
import type { ModelDescription } from "./datasets/mapping.ts";
import { evaluate, type Metrics } from "./datasets/metrics.ts";
import type { MinDims } from "./io.ts";
import type { Optimizer } from "./optimizers.ts";
import { trainAsync, type EpochInfo, type StepInfo, type Trainable, type TrainPosition, type TrainResult } from "./train.ts";

export interface FitOptions {
  epochs: number;
  batchSize: number;
  optimizer: Optimizer;
  /** Shuffling seed (default 0). */
  seed?: number;
  lrSchedule?: "constant" | "cosine";
  /** Evaluated after every epoch (loss and metrics). */
  validation?: Encoded;
  /** Stop when the validation loss has not improved for this many epochs, and keep the best epoch's weights. */
  patience?: number;
  onStep?(info: StepInfo): void;
  onEpoch?(info: EpochInfo & { validation?: Metrics }): void;
  shouldStop?(): boolean;
  /** Continue a run from a checkpoint (see checkpoint.ts): weights and optimiser state restored by the caller. */
  resume?: TrainPosition;
}

export interface FitResult extends TrainResult {
  /** Validation metrics per epoch. */
  validation: Metrics[];
  /** With patience: the epoch whose weights the model holds now. */
  bestEpoch?: number;
}

/**
 * Cuts a batch's sequences to its longest example (they were padded to the
 * longest of all the data): a batch of short sentences costs what short
 * sentences cost. Buffers are kept per size and reused.
 */
function cutToLongest(data: Encoded, minDims: MinDims): (indices: Int32Array, arrays: Record<string, Float32Array | Int32Array>) => { arrays: Record<string, Float32Array | Int32Array>; dims: Record<string, number> } {
  const buffers = new Map<string, Float32Array | Int32Array>();
  return (indices, arrays) => {
    const dims = { ...data.dims };
    for (const [symbol, steps] of Object.entries(data.steps!)) {
      // Never below the model's smallest legal length (a conv1d with kernel 5 needs T ≥ 5).
      let longest = Math.max(1, minDims[symbol]?.min ?? 1);
      for (const i of indices) longest = Math.max(longest, steps[i]!);
      dims[symbol] = longest;
    }
    const out: Record<string, Float32Array | Int32Array> = { ...arrays };
    for (const [name, symbol] of Object.entries(data.sequences!)) {
      const T = data.dims[symbol]!;
      const t = dims[symbol]!;
      const a = arrays[name];
      if (!a || t === T) continue;
      const inner = a.length / indices.length / T;
      const key = `${name}:${indices.length * t * inner}`;
      let b = buffers.get(key);
      if (!b) buffers.set(key, (b = new (a.constructor as { new (n: number): Float32Array | Int32Array })(indices.length * t * inner)));
      for (let e = 0; e < indices.length; e++) b.set(a.subarray(e * T * inner, (e * T + t) * inner), e * t * inner);
      out[name] = b;
    }
    return { arrays: out, dims };
  };
}

export async function fit(model: Trainable, M: ModelDescription, train: Encoded, options: FitOptions): Promise<FitResult> {
  const validation: Metrics[] = [];
  const patience = options.patience;
  if (patience !== undefined && !options.validation) throw new Error("early stopping (patience) needs validation data");
  let best: { loss: number; epoch: number; params: Record<string, Float32Array> } | undefined;
  let stale = 0;
  let early = false;
  const result: FitResult = {
    validation,
    ...(await trainAsync(model, { count: train.count, arrays: train.arrays }, undefined, {
      epochs: options.epochs,
      batchSize: options.batchSize,
      optimizer: options.optimizer,
      seed: options.seed,
      dims: train.dims,
      lrSchedule: options.lrSchedule,
      resume: options.resume,
      ...(train.steps && train.sequences ? { batch: cutToLongest(train, (M as { minDims?: MinDims }).minDims ?? {}) } : {}),
      onStep: options.onStep,
      shouldStop: () => early || !!options.shouldStop?.(),
      onEpoch: (info) => {
        const metrics = options.validation ? evaluate(model, M, options.validation) : undefined;
        if (metrics) validation.push(metrics);
        if (metrics && patience !== undefined) {
          if (!best || metrics.loss < best.loss) {
            best = { loss: metrics.loss, epoch: info.epoch, params: Object.fromEntries(Object.entries(model.params).map(([k, v]) => [k, v.slice()])) };
            stale = 0;
          } else if (++stale >= patience) early = true;
        }
        options.onEpoch?.({ ...info, ...(metrics ? { validation: metrics } : {}) });
      },
    })),
  };
  if (early) result.stopped = `the validation loss has not improved for ${patience} epochs; stopped after epoch ${result.epochs.length}`;
  if (best && !result.nonFinite) {
    for (const [k, v] of Object.entries(best.params)) model.params[k]!.set(v);
    result.bestEpoch = best.epoch;
  }
  return result;
}
