// The generated tasks `nnc train --data <name>` knows, by name.
import type { TaskFactory } from "./task.ts";
import { sentimentTask } from "./sentiment.ts";
import { taggerTask } from "./tagger.ts";
import { digitTask } from "./digits.ts";
import { spellTask } from "./spell.ts";
import { charlmTask } from "./charlm.ts";
import { firstLastTask } from "./firstlast.ts";

export const tasks: Record<string, TaskFactory> = {
  tagger: (seed) => taggerTask(seed),
  sentiment: (seed) => sentimentTask(seed),
  "first-last": (seed) => ({ ...firstLastTask(seed), recommended: { epochs: 4, batch: 32, lr: 0.002 } }),
  reverse: (seed) => ({ ...digitTask(seed, { order: "reverse", minLength: 3, maxLength: 6 }), recommended: { epochs: 6, batch: 32, lr: 0.01 } }),
  "reverse-long": (seed) => ({ ...digitTask(seed, { order: "reverse", minLength: 5, maxLength: 10 }), recommended: { epochs: 2, batch: 32, lr: 0.002 } }),
  spell: (_seed, context) => {
    if (!context?.mnist) throw new Error("the spell task needs MNIST images from its host");
    return { ...spellTask(context.mnist()), recommended: { epochs: 4, batch: 32, lr: 0.006 } };
  },
  charlm: (_seed, context) => {
    if (!context?.corpus) throw new Error("the charlm task needs its text from its host");
    return { ...charlmTask(context.corpus()), recommended: { epochs: 12, batch: 32, lr: 0.004 } };
  },
};

export type { TaskData, TaskFactory, TaskContext, ArraySpec } from "./task.ts";
