// A generated training task: seeded data with the array names a matching
// model declares, so `nnc train --data <task>` and tests can train sequence
// models without downloads.
import type { Classification, Split } from "../train.ts";

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
}

export type TaskFactory = (seed: number) => TaskData;
