// `fitStream`: `fit` for data read anew every epoch (datasets/stream.ts):
// batches come through a seeded shuffle buffer, are encoded one at a time
// (each padded to its own longest sequence) and train as in train.ts: the
// cosine schedule, the stop that keeps the last finite weights, Ctrl-C after
// the step under way, validation metrics and early stopping, and a position
// to resume from exactly (a resumed epoch reads its first batches again
// without training on them). Browser-safe.
import type { Encoded } from "./datasets/encode.ts";
import type { ModelDescription } from "./datasets/mapping.ts";
import { evaluate, type Metrics } from "./datasets/metrics.ts";
import { encodeBatch, evaluateStream, recordBatches, type StreamData } from "./datasets/stream.ts";
import type { FitOptions, FitResult } from "./fit.ts";
import { Rng } from "./random.ts";
import { stepper, type EpochInfo, type Trainable, type TrainPosition } from "./train.ts";

export interface FitStreamOptions extends Omit<FitOptions, "validation"> {
  /** Streamed too, or held in memory. */
  validation?: StreamData | Encoded;
  /** Examples the shuffle buffer holds (default 16,384). */
  bufferSize?: number;
  /** Bytes read so far in the epoch under way (a progress bar). */
  onBytes?(bytes: number): void;
}

const now = () => (typeof performance !== "undefined" ? performance.now() : Date.now());
const { setImmediate: immediate } = globalThis as { setImmediate?: (callback: () => void) => unknown };
const nextTask: () => Promise<void> = typeof immediate === "function" ? () => new Promise((done) => immediate(done)) : () => new Promise((done) => setTimeout(done, 0));

const isStream = (v: StreamData | Encoded): v is StreamData => "source" in v;

export async function fitStream(model: Trainable, M: ModelDescription, train: StreamData, options: FitStreamOptions): Promise<FitResult> {
  if (!model.lossAndGrads || !model.grads) throw new Error("this model has no loss, so it cannot be trained: add a `loss` statement");
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${options.batchSize}`);
  if (train.count < 1) throw new RangeError("no training examples");
  if (options.patience !== undefined && !options.validation) throw new Error("early stopping (patience) needs validation data");
  const { optimizer, batchSize } = options;
  const rng = new Rng(options.seed ?? 0);
  const stepsPerEpoch = Math.ceil(train.count / batchSize);
  const totalSteps = stepsPerEpoch * options.epochs;
  const resume = options.resume;
  const baseLr = resume?.baseLr ?? optimizer.lr;
  const steps = stepper(model, optimizer, { cosine: options.lrSchedule === "cosine", baseLr, totalSteps, stepsTaken: resume?.stepsTaken ?? 0 });
  if (resume) rng.state = resume.epochRng;
  const firstEpoch = resume?.epoch ?? 1;
  const result: FitResult = { epochs: [], validation: [] };
  let best: { loss: number; epoch: number; params: Record<string, Float32Array> } | undefined;
  let stale = 0;
  let position: TrainPosition | undefined;
  let lastYield = now();
  const validate = async (): Promise<Metrics | undefined> => {
    const v = options.validation;
    if (!v) return undefined;
    return isStream(v) ? evaluateStream(model, M, v, 256, options.onBytes) : evaluate(model, M, v);
  };

  for (let epoch = firstEpoch; epoch <= options.epochs; epoch++) {
    if (epoch > firstEpoch && options.shouldStop?.()) {
      result.stopped ??= `stopped after epoch ${epoch - 1}`;
      break;
    }
    const started = now();
    const resumed = resume && epoch === resume.epoch ? resume : undefined;
    let sum = resumed?.lossSum ?? 0;
    let step = resumed?.step ?? 0;
    const epochRng = rng.state;
    let skip = step;
    for await (const records of recordBatches(train, batchSize, rng, options.bufferSize ?? 16384, options.onBytes)) {
      if (skip > 0) {
        skip--;
        continue;
      }
      const batch = await encodeBatch(train, records);
      const outcome = steps.step(batch.arrays, { ...batch.dims, batch: batch.count }, epoch, step);
      if ("stopped" in outcome) {
        result.stopped = outcome.stopped;
        result.nonFinite = true;
        result.position = position;
        return result;
      }
      const loss = outcome.loss;
      sum += loss;
      step++;
      position = { epoch, step, stepsTaken: steps.stepsTaken, epochRng, baseLr, lossSum: sum };
      options.onStep?.({ epoch, step, stepsPerEpoch, loss, stepsPerSecond: ((step - (resumed?.step ?? 0)) * 1000) / Math.max(now() - started, 1e-9) });
      if (now() - lastYield >= 10) {
        await nextTask();
        lastYield = now();
      }
      if (options.shouldStop?.()) {
        result.stopped = `stopped at epoch ${epoch}, step ${step}`;
        break;
      }
    }
    const seconds = (now() - started) / 1000;
    const stepsTaken = steps.stepsTaken;
    const next: TrainPosition = result.stopped ? (position ?? { epoch, step, stepsTaken, epochRng, baseLr, lossSum: sum }) : { epoch: epoch + 1, step: 0, stepsTaken, epochRng: rng.state, baseLr, lossSum: 0 };
    position = next;
    const info: EpochInfo = { epoch, loss: sum / Math.max(step, 1), seconds, stepsPerSecond: (step - (resumed?.step ?? 0)) / Math.max(seconds, 1e-9), position: next };
    result.epochs.push(info);
    const metrics = await validate();
    if (metrics) result.validation.push(metrics);
    if (metrics && options.patience !== undefined) {
      if (!best || metrics.loss < best.loss) {
        best = { loss: metrics.loss, epoch, params: Object.fromEntries(Object.entries(model.params).map(([k, v]) => [k, v.slice()])) };
        stale = 0;
      } else if (++stale >= options.patience) result.stopped ??= `the validation loss has not improved for ${options.patience} epochs; stopped after epoch ${epoch}`;
    }
    options.onEpoch?.({ ...info, ...(metrics ? { validation: metrics } : {}) });
    if (result.stopped) break;
  }
  result.position = position;
  if (best) {
    for (const [k, v] of Object.entries(best.params)) model.params[k]!.set(v);
    result.bestEpoch = best.epoch;
  }
  return result;
}
