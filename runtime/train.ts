// The training loop shared by `nnc train`, tests and the playground:
// shuffled mini-batches gathered into reused buffers, one optimiser step per
// batch, progress through callbacks (each front end draws its own), held-out
// accuracy per epoch, and a stop that keeps the last good weights when the
// loss or the weights stop being finite. `trainAsync` is the same loop,
// yielding to the event loop between steps (so that Ctrl-C is heard).
import type { Optimizer } from "./optimizers.ts";
import { Rng, type RngState } from "./random.ts";
import { argmax, batches, gather } from "./data.ts";
import type { GenerateOptions } from "./generate.ts";
import { allFinite, describeNonFinite, findNonFinite } from "./types.ts";

type Arrays = Record<string, Float32Array | Int32Array>;
type Dims = { batch: number; [symbol: string]: number };

export interface Trainable {
  readonly params: Record<string, Float32Array>;
  forward(inputs: Arrays, dims: Dims): Record<string, Float32Array>;
  lossAndGrads?(inputs: Arrays, dims: Dims): number;
  readonly grads?: Record<string, Float32Array>;
  /** The generator behind dropout masks (compiled models with a loss): saved with checkpoints so that a resumed run draws the same masks. */
  randomState?: RngState;
  /** Present where the model declares `generate` (see generate.ts). */
  generate?(inputs: Arrays, dims: Dims, options?: GenerateOptions): Int32Array;
}

/** Examples as whole arrays, `count` rows each (inputs and targets by the model's names). */
export interface Split {
  arrays: Arrays;
  count: number;
}

export interface Classification {
  /** The model output holding the logits, and the target holding class indices. */
  output: string;
  target: string;
  classes: number;
  /** The input holding per-example lengths of `[T]` labels: only real steps count. */
  lengths?: string;
  /** Count an example only when all its (real) labels are right: exact sequences. */
  exact?: boolean;
  /**
   * The input that `generate` feeds: predictions then come from decoding (the
   * model's own outputs fed back), not from `forward` on the true sequence.
   */
  decode?: string;
}

export interface StepInfo {
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  loss: number;
  stepsPerSecond: number;
}

/**
 * Where a run stands, to checkpoint and resume it exactly: the epoch under
 * way (1-based) and the steps done in it, the shuffling generator's state at
 * that epoch's start (its order is drawn again from it), the steps taken in
 * all (the schedule's position), the learning rate the schedule starts from,
 * and the sum of the epoch's losses so far (for its mean).
 */
export interface TrainPosition {
  epoch: number;
  step: number;
  stepsTaken: number;
  epochRng: RngState;
  baseLr: number;
  lossSum: number;
}

export interface EpochInfo {
  epoch: number;
  /** Mean training loss over the epoch's steps. */
  loss: number;
  /** Held-out accuracy after the epoch, for classification tasks with test data. */
  testAccuracy?: number;
  seconds: number;
  stepsPerSecond: number;
  /** Where the run stands after this epoch: a checkpoint taken now resumes with the next epoch. */
  position: TrainPosition;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  optimizer: Optimizer;
  /** Shuffling seed (the model's own seed sets its initial weights). */
  seed?: number;
  /** Sizes of symbolic dims, fixed for the whole run. */
  dims?: Record<string, number>;
  classification?: Classification;
  /** `cosine` decays the optimiser's learning rate from its value to 0 over the run (half a cosine); default constant. */
  lrSchedule?: "constant" | "cosine";
  onStep?(info: StepInfo): void;
  onEpoch?(info: EpochInfo): void;
  /** Polled between steps; true ends training after the current step. */
  shouldStop?(): boolean;
  /**
   * Per batch, the arrays and dims to train on instead of those gathered
   * (rows `indices` of the split): fit() cuts sequences to the batch's
   * longest. The arrays may be reused from batch to batch.
   */
  batch?(indices: Int32Array, arrays: Arrays): { arrays: Arrays; dims: Record<string, number> };
  /**
   * Continue a run from a checkpoint's position (with the model's weights and
   * the optimiser's state restored by the caller): the same data, batch size,
   * seed, epochs and schedule then give the same weights, bit for bit, as a
   * run that was never stopped (models with dropout excepted: their dropout
   * stream is the model's own).
   */
  resume?: TrainPosition;
}

export interface TrainResult {
  epochs: EpochInfo[];
  /** Why training ended early, if it did. */
  stopped?: string;
  /** Training ended because the loss or the weights stopped being finite (the weights from before were put back). */
  nonFinite?: boolean;
  /** Where the run stands at its end: after the last step taken (a checkpoint taken now resumes from there). */
  position?: TrainPosition;
}

/** Gathers batches of a split into buffers allocated once per batch size. */
class Batcher {
  private readonly buffers = new Map<number, Arrays>();
  constructor(private readonly split: Split) {}

  take(indices: Int32Array): Arrays {
    let out = this.buffers.get(indices.length);
    if (!out) {
      out = {};
      for (const [name, a] of Object.entries(this.split.arrays)) {
        const row = a.length / this.split.count;
        out[name] = a instanceof Int32Array ? new Int32Array(row * indices.length) : new Float32Array(row * indices.length);
      }
      this.buffers.set(indices.length, out);
    }
    for (const [name, a] of Object.entries(this.split.arrays)) {
      const row = a.length / this.split.count;
      if (a instanceof Int32Array) gather(a, row, indices, out[name] as Int32Array);
      else gather(a, row, indices, out[name] as Float32Array);
    }
    return out;
  }
}

/** Trains to completion on this thread: the loop never yields (tests, the playground's slices). */
export function train(model: Trainable, trainSplit: Split, testSplit: Split | undefined, options: TrainOptions): TrainResult {
  const steps = trainSteps(model, trainSplit, testSplit, options);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** Milliseconds, where `performance` is missing too. */
const now = () => (typeof performance !== "undefined" ? performance.now() : Date.now());

/** Runs the next macrotask: a signal or timer queued meanwhile gets handled. */
const { setImmediate: immediate } = globalThis as { setImmediate?: (callback: () => void) => unknown };
const nextTask: () => Promise<void> = typeof immediate === "function" ? () => new Promise((done) => immediate(done)) : () => new Promise((done) => setTimeout(done, 0));

/**
 * `train`, yielding to the event loop between steps (at most every
 * `yieldMs`, 10 by default) so that signals, timers and messages are handled
 * while it runs: `shouldStop` set by a Ctrl-C handler is seen after the step
 * under way.
 */
export async function trainAsync(model: Trainable, trainSplit: Split, testSplit: Split | undefined, options: TrainOptions & { yieldMs?: number }): Promise<TrainResult> {
  const steps = trainSteps(model, trainSplit, testSplit, options);
  const every = options.yieldMs ?? 10;
  let last = now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (now() - last >= every) {
      await nextTask();
      last = now();
    }
  }
}

/**
 * The weights a run can go back to and where its schedule stands: what one
 * step hands the next. A loop makes one with `stepper` and calls `step`.
 */
export interface Stepper {
  /** Steps taken so far (the schedule's position). */
  readonly stepsTaken: number;
  /**
   * One step on a batch: the loss and gradients, the learning rate the
   * schedule gives now, the update, and the checks that the loss and then
   * the weights are finite. Returns the loss, or why training must stop (the
   * weights from before the offending update are back in place).
   */
  step(inputs: Arrays, dims: Dims, epoch: number, step: number): { loss: number } | { stopped: string };
}

export function stepper(model: Trainable, optimizer: Optimizer, schedule: { cosine: boolean; baseLr: number; totalSteps: number; stepsTaken: number }): Stepper {
  const lastGood = Object.fromEntries(Object.entries(model.params).map(([k, v]) => [k, new Float32Array(v.length)]));
  const restore = () => {
    for (const [k, v] of Object.entries(lastGood)) model.params[k]!.set(v);
  };
  let stepsTaken = schedule.stepsTaken;
  return {
    get stepsTaken() {
      return stepsTaken;
    },
    step(inputs, dims, epoch, step) {
      const loss = model.lossAndGrads!(inputs, dims);
      if (!Number.isFinite(loss)) {
        // The weights that produced this loss came from the last update: go back to those before it.
        if (stepsTaken > 0) restore();
        return { stopped: `the loss became ${loss} at epoch ${epoch}, step ${step + 1}; training stopped and kept the weights of the last finite step` };
      }
      for (const [k, v] of Object.entries(model.params)) lastGood[k]!.set(v);
      if (schedule.cosine) optimizer.lr = schedule.baseLr * 0.5 * (1 + Math.cos((Math.PI * stepsTaken) / schedule.totalSteps));
      optimizer.step(model.params, model.grads!);
      // A finite loss does not prove finite weights (a relu hides a NaN weight behind it): check them too.
      if (!allFinite(model.params)) {
        const bad = describeNonFinite(findNonFinite(model.params));
        restore();
        return { stopped: `the weights were no longer finite after epoch ${epoch}, step ${step + 1}: ${bad}; training stopped and kept the weights from before that step` };
      }
      stepsTaken++;
      return { loss };
    },
  };
}

/** The training loop, suspended after each step (before `shouldStop` is asked) so that a driver may yield there. */
function* trainSteps(model: Trainable, trainSplit: Split, testSplit: Split | undefined, options: TrainOptions): Generator<void, TrainResult, void> {
  if (!model.lossAndGrads || !model.grads) throw new Error("this model has no loss, so it cannot be trained: add a `loss` statement");
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${options.batchSize}`);
  if (trainSplit.count < 1) throw new RangeError("no training examples");
  const rng = new Rng(options.seed ?? 0);
  const batcher = new Batcher(trainSplit);
  const result: TrainResult = { epochs: [] };
  const stepsPerEpoch = Math.ceil(trainSplit.count / options.batchSize);
  const totalSteps = stepsPerEpoch * options.epochs;
  const resume = options.resume;
  if (resume && !(Number.isInteger(resume.epoch) && resume.epoch >= 1 && Number.isInteger(resume.step) && resume.step >= 0 && resume.step <= stepsPerEpoch)) {
    throw new RangeError(`cannot resume at epoch ${resume.epoch}, step ${resume.step}: an epoch has ${stepsPerEpoch} steps`);
  }
  const baseLr = resume?.baseLr ?? options.optimizer.lr;
  const steps = stepper(model, options.optimizer, { cosine: options.lrSchedule === "cosine", baseLr, totalSteps, stepsTaken: resume?.stepsTaken ?? 0 });
  if (resume) rng.state = resume.epochRng;
  const firstEpoch = resume?.epoch ?? 1;

  let position: TrainPosition | undefined;
  for (let epoch = firstEpoch; epoch <= options.epochs; epoch++) {
    // Between epochs too, so that a stop decided at an epoch's end starts no new one.
    if (epoch > firstEpoch && options.shouldStop?.()) {
      result.stopped = `stopped after epoch ${epoch - 1}`;
      break;
    }
    const started = now();
    const resumed = resume && epoch === resume.epoch ? resume : undefined;
    let sum = resumed?.lossSum ?? 0;
    let step = resumed?.step ?? 0;
    // The epoch's order is drawn from this state: a run resumed mid-epoch draws it again.
    const epochRng = rng.state;
    let skip = step;
    for (const indices of batches(trainSplit.count, options.batchSize, rng)) {
      if (skip > 0) {
        skip--;
        continue;
      }
      const taken = batcher.take(indices);
      const { arrays: inputs, dims } = options.batch ? options.batch(indices, taken) : { arrays: taken, dims: options.dims };
      const outcome = steps.step(inputs, { ...dims, batch: indices.length }, epoch, step);
      if ("stopped" in outcome) {
        result.stopped = outcome.stopped;
        result.nonFinite = true;
        result.position = position;
        return result;
      }
      sum += outcome.loss;
      step++;
      position = { epoch, step, stepsTaken: steps.stepsTaken, epochRng, baseLr, lossSum: sum };
      options.onStep?.({ epoch, step, stepsPerEpoch, loss: outcome.loss, stepsPerSecond: (step * 1000) / Math.max(now() - started, 1e-9) });
      yield;
      if (options.shouldStop?.()) {
        result.stopped = `stopped at epoch ${epoch}, step ${step}`;
        break;
      }
    }
    const seconds = (now() - started) / 1000;
    const stepsHere = step - (resumed?.step ?? 0);
    const stepsTaken = steps.stepsTaken;
    const next: TrainPosition = result.stopped ? (position ?? { epoch, step, stepsTaken, epochRng, baseLr, lossSum: sum }) : { epoch: epoch + 1, step: 0, stepsTaken, epochRng: rng.state, baseLr, lossSum: 0 };
    position = next;
    const info: EpochInfo = { epoch, loss: sum / Math.max(step, 1), seconds, stepsPerSecond: stepsHere / Math.max(seconds, 1e-9), position: next };
    if (testSplit && options.classification) info.testAccuracy = evaluateAccuracy(model, testSplit, options.classification, options.batchSize, options.dims);
    result.epochs.push(info);
    options.onEpoch?.(info);
    if (result.stopped) break;
  }
  result.position = position;
  return result;
}

/**
 * `split` in batches of held-out inputs (no target, nor the input that
 * decoding feeds), with each example's labels and real length: what
 * evaluateAccuracy and evaluateLoss share.
 */
function* heldOutBatches(split: Split, task: Classification, batchSize: number) {
  const inputsOnly: Split = { count: split.count, arrays: Object.fromEntries(Object.entries(split.arrays).filter(([k]) => k !== task.target && k !== task.decode)) };
  const batcher = new Batcher(inputsOnly);
  const labels = split.arrays[task.target];
  if (!(labels instanceof Int32Array)) throw new TypeError(`target '${task.target}' must be an Int32Array of class indices`);
  const lengths = task.lengths === undefined ? undefined : split.arrays[task.lengths];
  if (lengths !== undefined && !(lengths instanceof Int32Array)) throw new TypeError(`lengths '${task.lengths}' must be an Int32Array`);
  const perExample = labels.length / split.count;
  for (let start = 0; start < split.count; start += batchSize) {
    const n = Math.min(batchSize, split.count - start);
    const inputs = batcher.take(Int32Array.from({ length: n }, (_, i) => start + i));
    /** Example b of the batch: its real steps and the label of step p. */
    const real = (b: number) => (lengths ? lengths[start + b]! : perExample);
    const label = (b: number, p: number) => labels[(start + b) * perExample + p]!;
    yield { n, inputs, perExample, real, label };
  }
}

/** The fraction of `split` whose argmax logit (or decoded token) equals its label. */
export function evaluateAccuracy(model: Trainable, split: Split, task: Classification, batchSize = 256, dims: Record<string, number> = {}): number {
  if (task.decode !== undefined && !model.generate) throw new Error(`decoding '${task.decode}' needs a model that declares \`generate\``);
  let correct = 0;
  let counted = 0;
  for (const { n, inputs, perExample, real, label } of heldOutBatches(split, task, batchSize)) {
    const tokens = task.decode !== undefined ? model.generate!(inputs, { ...dims, batch: n }) : undefined;
    const out = tokens ? undefined : model.forward(inputs, { ...dims, batch: n })[task.output];
    if (!tokens && !out) throw new Error(`the model has no output '${task.output}'`);
    const predicted = (row: number) => (tokens ? tokens[row]! : argmax(out!, row * task.classes, task.classes));
    for (let b = 0; b < n; b++) {
      let right = 0;
      for (let p = 0; p < real(b); p++) if (predicted(b * perExample + p) === label(b, p)) right++;
      if (task.exact) {
        correct += right === real(b) ? 1 : 0;
        counted += 1;
      } else {
        correct += right;
        counted += real(b);
      }
    }
  }
  return counted === 0 ? NaN : correct / counted;
}

/** The mean softmax cross-entropy of the output's logits against the labels over `split` (real steps only where `lengths` is given). */
export function evaluateLoss(model: Trainable, split: Split, task: Classification, batchSize = 256, dims: Record<string, number> = {}): number {
  const V = task.classes;
  let sum = 0;
  let counted = 0;
  for (const { n, inputs, perExample, real, label } of heldOutBatches(split, { ...task, decode: undefined }, batchSize)) {
    const out = model.forward(inputs, { ...dims, batch: n })[task.output];
    if (!out) throw new Error(`the model has no output '${task.output}'`);
    for (let b = 0; b < n; b++) {
      for (let p = 0; p < real(b); p++) {
        const o = (b * perExample + p) * V;
        let top = -Infinity;
        for (let j = 0; j < V; j++) top = Math.max(top, out[o + j]!);
        let total = 0;
        for (let j = 0; j < V; j++) total += Math.exp(out[o + j]! - top);
        sum += top + Math.log(total) - out[o + label(b, p)]!;
        counted++;
      }
    }
  }
  return sum / counted;
}
