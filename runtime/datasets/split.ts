// Held-out examples: `--val-split 0.1` takes a seeded tenth of the data,
// the same share of each class (stratified) where the target is one class
// per example. Browser-safe.
import { Rng } from "../random.ts";
import type { Encoded } from "./encode.ts";

/** The examples at `rows`, in that order. */
export function takeRows(data: Encoded, rows: ArrayLike<number>): Encoded {
  const arrays: Encoded["arrays"] = Object.create(null);
  for (const [name, a] of Object.entries(data.arrays)) {
    const per = a.length / data.count;
    const out = new (a.constructor as { new (n: number): typeof a })(rows.length * per);
    for (let r = 0; r < rows.length; r++) out.set(a.subarray(rows[r]! * per, (rows[r]! + 1) * per), r * per);
    arrays[name] = out;
  }
  const out: Encoded = { count: rows.length, arrays, dims: { ...data.dims }, ...(data.lengths !== undefined ? { lengths: data.lengths } : {}) };
  if (data.steps) {
    out.steps = Object.fromEntries(Object.entries(data.steps).map(([s, steps]) => [s, Int32Array.from(rows, (r) => steps[r]!)]));
    out.sequences = { ...data.sequences };
  }
  return out;
}

/**
 * Splits off `fraction` of the examples as validation data, seeded. With
 * `stratify` (a target of one class index per example) each class gives the
 * same share, rounded, so that rare classes are held out too.
 */
export function splitValidation(data: Encoded, fraction: number, seed: number, stratify?: string): { train: Encoded; validation: Encoded } {
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`the validation split must be a fraction between 0 and 1, got ${fraction}`);
  const rng = new Rng(seed);
  const labels = stratify !== undefined ? data.arrays[stratify] : undefined;
  const groups = new Map<number, number[]>();
  for (let i = 0; i < data.count; i++) {
    const key = labels instanceof Int32Array && labels.length === data.count ? labels[i]! : 0;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  }
  const held: number[] = [];
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const g = rng.shuffle(groups.get(key)!);
    held.push(...g.slice(0, Math.round(g.length * fraction)));
  }
  if (held.length === 0 || held.length === data.count) throw new RangeError(`a validation split of ${fraction} of ${data.count} examples leaves ${held.length === 0 ? "none to validate on" : "none to train on"}`);
  const isHeld = new Uint8Array(data.count);
  for (const i of held) isHeld[i] = 1;
  const train: number[] = [];
  for (let i = 0; i < data.count; i++) if (!isHeld[i]) train.push(i);
  held.sort((a, b) => a - b);
  return { train: takeRows(data, train), validation: takeRows(data, held) };
}
