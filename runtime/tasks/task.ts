// A generated training task: seeded data with the array names a matching
// model declares, so `nnc train --data <task>` and tests can train sequence
// models without downloads.
import type { Classification, Split, Trainable } from "../train.ts";

export interface ArraySpec {
  dtype: "f32" | "i32";
  /** Per-example shape; strings are the model's symbols (fixed for the task by `dims`). */
  shape: (number | string)[];
}

export interface TaskData {
  name: string;
  /** One line for `nnc train --help` and logs. */
  description: string;
  train: Split;
  test: Split;
  /** Values of the symbolic dims (sequences are padded to these). */
  dims: Record<string, number>;
  /** The inputs and targets a model must declare to train on this task, by name. */
  arrays: Record<string, ArraySpec>;
  /** How held-out accuracy is measured (the output is the model's loss prediction). */
  classification: Omit<Classification, "output">;
  /** Training settings that work for the task's example model; `nnc train` flags override them. */
  recommended?: { epochs?: number; batch?: number; lr?: number };
  /** Also report the held-out loss per prediction (a language model's measure). */
  reportLoss?: boolean;
  /** After training: a few lines that show the model at work (decoded held-out examples, sampled text). */
  showcase?(model: Trainable): string[];
}

/** What a task may need from its host: MNIST comes from a Node loader or a bundled slice. */
export interface TaskContext {
  /** The text a language-model task trains on (examples/data/moby-dick.txt). */
  corpus?: () => string;
  mnist?: () => { train: { images: Float32Array; labels: Int32Array; count: number }; test: { images: Float32Array; labels: Int32Array; count: number } };
}

export type TaskFactory = (seed: number) => TaskData;

/**
 * Draws `count` examples none of which has a key seen before (in `seen`,
 * which it extends): drawing the held-out split first keeps it out of the
 * training split. Throws when the space of examples is too small.
 */
export function drawDistinct<T>(count: number, seen: Set<string>, make: () => T, key: (example: T) => string, what: string): T[] {
  const out: T[] = [];
  for (let tries = 0; out.length < count; tries++) {
    if (tries > count * 100) throw new Error(`could not draw ${count} distinct ${what}`);
    const example = make();
    const k = key(example);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(example);
  }
  return out;
}
