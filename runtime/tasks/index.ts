// The generated tasks `nnc train --data <name>` knows, by name.
import type { TaskFactory } from "./task.ts";
import { sentimentTask } from "./sentiment.ts";
import { taggerTask } from "./tagger.ts";
import { digitTask } from "./digits.ts";

export const tasks: Record<string, TaskFactory> = {
  tagger: (seed) => taggerTask(seed),
  sentiment: (seed) => sentimentTask(seed),
  reverse: (seed) => digitTask(seed, { order: "reverse", minLength: 3, maxLength: 6 }),
};

export type { TaskData, TaskFactory, ArraySpec } from "./task.ts";
