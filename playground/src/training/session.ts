// Training in slices: the runtime's `train` loop is synchronous, so a worker
// running it could not hear "stop" until it ended. A session trains a few
// steps at a time (each slice one `train` call over the next examples of a
// shuffled order, with one optimiser throughout) and the worker yields to its
// message queue between slices.
import type { ModelInstance } from "../../../compiler/codegen/load.ts";
import type { Optimizer } from "../../../runtime/optimizers.ts";
import { Rng } from "../../../runtime/random.ts";
import { evaluateAccuracy, train, type Split } from "../../../runtime/train.ts";
import type { TrainingData } from "./data.ts";

export interface StepPoint {
  step: number;
  loss: number;
}

export interface SliceReport {
  steps: StepPoint[];
  /** Held-out accuracy after the slice, on a fixed sample (or, on the user's data, at an epoch's end; absent elsewhere and for regression). */
  accuracy?: number;
  stepsPerSecond: number;
  /** Set when the loss stopped being finite. */
  stopped?: string;
}

/** Rows `indices` of every array of a split, as a new split. */
function take(split: Split, indices: ArrayLike<number>): Split {
  const arrays: Split["arrays"] = {};
  for (const [name, a] of Object.entries(split.arrays)) {
    const row = a.length / split.count;
    const out = a instanceof Int32Array ? new Int32Array(row * indices.length) : new Float32Array(row * indices.length);
    for (let r = 0; r < indices.length; r++) out.set(a.subarray(indices[r]! * row, (indices[r]! + 1) * row), r * row);
    arrays[name] = out;
  }
  return { count: indices.length, arrays };
}

export class TrainingSession {
  step = 0;
  private order: Int32Array;
  private cursor = 0;
  private readonly rng: Rng;
  private readonly sample: Split;

  constructor(
    readonly model: ModelInstance,
    readonly data: TrainingData,
    readonly optimizer: Optimizer,
    readonly batch: number,
    seed = 0,
    sampleSize = 200,
  ) {
    this.rng = new Rng(seed);
    this.order = this.shuffled();
    this.sample = take(data.test, Array.from({ length: Math.min(sampleSize, data.test.count) }, (_, i) => i));
  }

  private shuffled(): Int32Array {
    const order = Int32Array.from({ length: this.data.train.count }, (_, i) => i);
    this.rng.shuffle(order);
    return order;
  }

  /** The next `n` training indices, reshuffling at the end of each pass. */
  private next(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      if (this.cursor === this.order.length) {
        this.order = this.shuffled();
        this.cursor = 0;
      }
      out[i] = this.order[this.cursor++]!;
    }
    return out;
  }

  /** Trains `steps` steps (one batch each) and measures held-out accuracy. */
  runSlice(steps: number): SliceReport {
    const started = performance.now();
    const points: StepPoint[] = [];
    const slice = take(this.data.train, this.next(steps * this.batch));
    const result = train(this.model as Parameters<typeof train>[0], slice, undefined, {
      epochs: 1,
      batchSize: this.batch,
      optimizer: this.optimizer,
      seed: this.step,
      dims: this.data.dims,
      onStep: (info) => points.push({ step: this.step + info.step, loss: info.loss }),
    });
    this.step += points.length;
    const seconds = (performance.now() - started) / 1000;
    const accuracy = evaluateAccuracy(this.model as Parameters<typeof train>[0], this.sample, this.data.classification, 100, this.data.dims);
    return { steps: points, accuracy, stepsPerSecond: points.length / Math.max(seconds, 1e-9), ...(result.stopped ? { stopped: result.stopped } : {}) };
  }
}
