// `--data first-last`: does a sequence end with the token it starts with?
// For examples/transformer.nn. Sequences are T = 24 tokens drawn from 1–9
// (0 is never used); half the examples end with their first token and half
// do not, so the label depends on exactly two tokens as far apart as
// possible. Every token count is the same in both classes on average, so a
// model that ignores positions (a bag of words) stays at 50%. Held-out
// sequences never occur in training. Browser-safe.
import { Rng } from "../random.ts";
import type { Split } from "../train.ts";
import type { TaskData } from "./task.ts";

export const FIRST_LAST_STEPS = 24;
export const FIRST_LAST_SYMBOLS = 9;

export interface FirstLastOptions {
  /** Training sequences (default 6000). */
  train?: number;
  /** Held-out sequences (default 1000). */
  test?: number;
}

export function firstLastTask(seed: number, options: FirstLastOptions = {}): TaskData {
  const T = FIRST_LAST_STEPS;
  const rng = new Rng(seed);
  const seen = new Set<string>();
  const draw = (count: number): Split => {
    const tokens = new Int32Array(count * T);
    const label = new Int32Array(count);
    for (let e = 0; e < count; ) {
      const s = Array.from({ length: T }, () => 1 + rng.int(FIRST_LAST_SYMBOLS));
      const same = e % 2 === 0;
      if (same) s[T - 1] = s[0]!;
      else if (s[T - 1] === s[0]) s[T - 1] = 1 + ((s[0]! + rng.int(FIRST_LAST_SYMBOLS - 1)) % FIRST_LAST_SYMBOLS);
      const key = s.join(",");
      if (seen.has(key)) continue;
      seen.add(key);
      tokens.set(s, e * T);
      label[e] = same ? 1 : 0;
      e++;
    }
    return { count, arrays: { tokens, label } };
  };
  const test = draw(options.test ?? 1000);
  const train = draw(options.train ?? 6000);
  return {
    name: "first-last",
    description: `does a sequence of ${T} tokens end with the token it starts with?`,
    train,
    test,
    dims: { T },
    arrays: {
      tokens: { dtype: "i32", shape: ["T"] },
      label: { dtype: "i32", shape: [] },
    },
    classification: { target: "label", classes: 2 },
  };
}
