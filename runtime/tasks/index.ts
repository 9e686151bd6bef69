// The generated tasks `nnc train --data <name>` knows, by name.
import type { TaskFactory } from "./task.ts";
import { sentimentTask } from "./sentiment.ts";
import { taggerTask } from "./tagger.ts";

export const tasks: Record<string, TaskFactory> = {
  tagger: (seed) => taggerTask(seed),
  sentiment: (seed) => sentimentTask(seed),
};

export type { TaskData, TaskFactory, ArraySpec } from "./task.ts";
