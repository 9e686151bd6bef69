// Training on the user's file, as `nnc train --data f --val-split s` does:
// a seeded validation split (stratified by class), Adam, `fit` over whole
// epochs with the validation metrics after each, then the metrics of the
// held-out examples and the weights file. Steps are reported in slices for
// the live chart; `fit` yields between steps, so Stop gets through.
import type { ModelClass, ModelInstance } from "../../../compiler/codegen/load.ts";
import type { Encoded } from "../../../runtime/datasets/encode.ts";
import type { ModelDescription } from "../../../runtime/datasets/mapping.ts";
import { evaluate, type Metrics } from "../../../runtime/datasets/metrics.ts";
import { splitValidation } from "../../../runtime/datasets/split.ts";
import { fit } from "../../../runtime/fit.ts";
import { createOptimizer } from "../../../runtime/optimizers.ts";
import { allFinite } from "../../../runtime/types.ts";
import type { SliceReport, StepPoint } from "./session.ts";
import type { UserData } from "./user-data.ts";
import { weightsFile } from "./weights-file.ts";

export interface UserRunOptions {
  epochs: number;
  batch: number;
  lr: number;
  /** Share held out for validation (0: none, metrics on the training data). */
  valSplit: number;
  seed?: number;
  /** Recurrent models clip the gradient norm at 5, as `nnc train` does. */
  clipNorm?: number;
  /** The model's source file, recorded in the weights' metadata as `nnc train` records it (default playground.nn). */
  modelFile?: string;
}

export interface UserRunResult {
  /** Why training ended. */
  reason: string;
  /** `Validation` or `Training data`, and its metrics. */
  label: string;
  metrics?: Metrics;
  /** Class names of the target, where its labels were names. */
  classNames?: string[];
  /** The .safetensors file; absent when no step ran or the weights are not finite. */
  weights?: Uint8Array;
  trainCount: number;
  validationCount: number;
}

const SLICE = 10;

/** Splits off the validation examples; a split that leaves either side empty throws a RangeError saying so. */
export function splitForRun(data: Encoded, description: ModelDescription, classes: Record<string, number>, valSplit: number, seed: number): { train: Encoded; validation?: Encoded } {
  if (!(valSplit > 0)) return { train: data };
  const target = description.loss?.target;
  const stratify = target !== undefined && target !== null && Object.hasOwn(classes, target) && description.targets[target]?.shape.length === 0 ? target : undefined;
  return splitValidation(data, valSplit, seed, stratify);
}

export async function fitUserData(
  M: ModelClass,
  name: string,
  model: ModelInstance,
  user: UserData,
  classes: Record<string, number>,
  options: UserRunOptions,
  hooks: { onSlice(report: SliceReport, step: number, total: number): void; shouldStop(): boolean },
): Promise<UserRunResult> {
  const description: ModelDescription = { name, inputs: M.inputs, targets: M.targets, loss: M.loss };
  const seed = options.seed ?? 0;
  const { train, validation } = splitForRun(user.data, description, classes, options.valSplit, seed);
  const optimizer = createOptimizer("adam", { lr: options.lr, ...(options.clipNorm ? { clipNorm: options.clipNorm } : {}) });
  const total = Math.ceil(train.count / options.batch) * options.epochs;
  let points: StepPoint[] = [];
  let done = 0;
  let started = performance.now();
  const flush = (accuracy?: number) => {
    const seconds = (performance.now() - started) / 1000;
    hooks.onSlice({ steps: points, ...(accuracy !== undefined ? { accuracy } : {}), stepsPerSecond: points.length / Math.max(seconds, 1e-9) }, done, total);
    points = [];
    started = performance.now();
  };
  const result = await fit(model as Parameters<typeof fit>[0], { ...description, minDims: M.minDims } as ModelDescription, train, {
    epochs: options.epochs,
    batchSize: options.batch,
    optimizer,
    seed,
    lrSchedule: "cosine",
    ...(validation ? { validation } : {}),
    shouldStop: hooks.shouldStop,
    onStep: (s) => {
      points.push({ step: ++done, loss: s.loss });
      if (points.length >= SLICE) flush();
    },
    onEpoch: (e) => flush(e.validation?.accuracy),
  });
  if (points.length) flush();
  const reason = result.stopped ?? (hooks.shouldStop() ? `stopped at step ${done}` : `trained ${result.epochs.length} epochs (${done} steps)`);
  const measured = validation ?? train;
  const metrics = done > 0 ? evaluate(model, description, measured) : undefined;
  const target = M.loss?.target ?? undefined;
  const classNames = target ? user.info.classes?.[target] : undefined;
  const weights = done > 0 && allFinite(model.params) ? weightsFile(model, M.params, name, options.modelFile ?? "playground.nn", user.info) : undefined;
  return { reason, label: validation ? "Validation" : "Training data", ...(metrics ? { metrics } : {}), ...(classNames ? { classNames } : {}), ...(weights ? { weights } : {}), trainCount: train.count, validationCount: validation?.count ?? 0 };
}
