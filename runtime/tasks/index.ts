// The tasks `nnc train --data <name>` knows, by name: generated ones, which
// need nothing, and those built on data their host supplies.
import type { ArraySpec, TaskContext, TaskData, TaskFactory } from "./task.ts";
import { sentimentTask } from "./sentiment.ts";
import { taggerTask } from "./tagger.ts";
import { digitTask } from "./digits.ts";
import { SPELL_ARRAYS, spellTask } from "./spell.ts";
import { CHARLM_ARRAYS, charlmTask } from "./charlm.ts";
import { firstLastTask } from "./firstlast.ts";
import { phrasesTask } from "./phrases.ts";

export const tasks: Record<string, TaskFactory> = {
  tagger: (seed) => taggerTask(seed),
  sentiment: (seed) => sentimentTask(seed),
  "first-last": (seed) => ({ ...firstLastTask(seed), recommended: { epochs: 4, batch: 32, lr: 0.002 } }),
  phrases: (seed) => ({ ...phrasesTask(seed), recommended: { epochs: 4, batch: 32, lr: 0.002 } }),
  reverse: (seed) => ({ ...digitTask(seed, { order: "reverse", minLength: 3, maxLength: 6 }), recommended: { epochs: 6, batch: 32, lr: 0.01 } }),
  "reverse-long": (seed) => ({ ...digitTask(seed, { order: "reverse", minLength: 5, maxLength: 10 }), recommended: { epochs: 2, batch: 32, lr: 0.002 } }),
};

/** A task over data its host supplies; its arrays are known before the data is, so a host loads only what fits. */
export interface HostedTask {
  arrays: Record<string, ArraySpec>;
  needs: keyof TaskContext;
  make(context: Required<TaskContext>): TaskData;
}

/** Tasks over MNIST images (Node's loader or a bundled slice) and the language model's text. */
export const hostedTasks: Record<string, HostedTask> = {
  spell: { arrays: SPELL_ARRAYS, needs: "mnist", make: (context) => ({ ...spellTask(context.mnist()), recommended: { epochs: 4, batch: 32, lr: 0.006 } }) },
  charlm: { arrays: CHARLM_ARRAYS, needs: "corpus", make: (context) => ({ ...charlmTask(context.corpus()), recommended: { epochs: 12, batch: 32, lr: 0.004 } }) },
};

export type { TaskData, TaskFactory, TaskContext, ArraySpec } from "./task.ts";
