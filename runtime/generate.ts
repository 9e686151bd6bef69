// Decoding for models that declare `generate feed from source(start:, stop:)`:
// each step's prediction is fed back as the next step of `feed`. The checker
// has proved that step t of `source` depends only on steps ≤ t of `feed`, so
// running the whole model on the sequence so far (later steps still zero)
// gives step t's scores exactly; one buffer size serves every step.
import { Rng } from "./random.ts";
import { checkMinDims, type MinDims } from "./io.ts";

/** What the emitted `static generation` holds. */
export interface GenerationSpec {
  readonly feed: string;
  readonly source: string;
  /** The feed's length: a size, or the symbol that `dims` binds. */
  readonly steps: number | string;
  readonly classes: number;
  readonly start: number;
  readonly stop: number | null;
}

export interface GenerateOptions {
  /** Tokens that begin every sequence, `[batch, P]` row-major (P ≤ steps): fed as given and returned first. */
  prompt?: Int32Array;
  /** 0 (the default) takes the most likely class; above 0 samples from softmax(scores / temperature). */
  temperature?: number;
  /** Seeds the sampling (default 0): equal seeds give equal samples. */
  seed?: number;
}

interface Decodable {
  forward(inputs: Record<string, Float32Array | Int32Array>, dims: { batch: number; [symbol: string]: number }): Record<string, Float32Array>;
}

/**
 * Decodes `[batch, steps]` tokens: token t is the prediction at step t (the
 * prompt's tokens where one is given). After an example predicts `stop`, its
 * remaining tokens are `stop`; decoding ends early once every example has.
 */
export function generateSequences(
  model: Decodable,
  spec: GenerationSpec,
  inputs: Record<string, Float32Array | Int32Array>,
  dims: { batch: number; [symbol: string]: number },
  options: GenerateOptions = {},
): Int32Array {
  const B = dims.batch;
  const T = typeof spec.steps === "number" ? spec.steps : dims[spec.steps];
  if (!Number.isInteger(B) || B < 1) throw new RangeError(`generate: dims.batch must be a positive integer, got ${B}`);
  if (T === undefined || !Number.isInteger(T) || T < 1) throw new RangeError(`generate: dims.${String(spec.steps)} (the number of steps to decode) must be a positive integer, got ${T}`);
  // The model class's smallest legal dims: rejected here, before any step, under generate's name.
  const minDims = (model.constructor as { minDims?: MinDims } | undefined)?.minDims;
  if (minDims) checkMinDims("generate", minDims, dims);
  if (Object.hasOwn(inputs, spec.feed)) throw new Error(`generate: leave out '${spec.feed}', which decoding feeds from '${spec.source}'; pass options.prompt to fix its first tokens`);
  const temperature = options.temperature ?? 0;
  if (!(temperature >= 0) || !Number.isFinite(temperature)) throw new RangeError(`generate: options.temperature must be a finite number ≥ 0, got ${temperature}`);
  const prompt = options.prompt ?? new Int32Array(0);
  const P = prompt.length / B;
  if (!Number.isInteger(P) || P > T) throw new RangeError(`generate: options.prompt has ${prompt.length} tokens; expected batch (${B}) × at most ${T} steps`);
  prompt.forEach((token, i) => {
    if (!(token >= 0 && token < spec.classes)) throw new RangeError(`generate: options.prompt[${i}] is ${token}, outside [0, ${spec.classes})`);
  });

  const V = spec.classes;
  const rng = new Rng(options.seed ?? 0);
  const feed = new Int32Array(B * T);
  const tokens = new Int32Array(B * T);
  const done = new Uint8Array(B);
  for (let b = 0; b < B; b++) feed[b * T] = spec.start;
  const all = { ...inputs, [spec.feed]: feed };
  for (let t = 0; t < T; t++) {
    const scores = t < P ? undefined : model.forward(all, dims)[spec.source]!;
    for (let b = 0; b < B; b++) {
      const token = t < P ? prompt[b * P + t]! : done[b] ? spec.stop! : pick(scores!, (b * T + t) * V, V, temperature, rng);
      tokens[b * T + t] = token;
      if (t + 1 < T) feed[b * T + t + 1] = token;
      if (token === spec.stop) done[b] = 1;
    }
    if (spec.stop !== null && done.every((d) => d === 1)) {
      for (let b = 0; b < B; b++) tokens.fill(spec.stop, b * T + t + 1, (b + 1) * T);
      break;
    }
  }
  return tokens;
}

/** The argmax of one row of scores, or a sample from its softmax at a temperature. */
function pick(scores: Float32Array, offset: number, V: number, temperature: number, rng: Rng): number {
  let best = 0;
  for (let j = 1; j < V; j++) if (scores[offset + j]! > scores[offset + best]!) best = j;
  if (temperature === 0) return best;
  const top = scores[offset + best]!;
  let total = 0;
  for (let j = 0; j < V; j++) total += Math.exp((scores[offset + j]! - top) / temperature);
  let u = rng.uniform() * total;
  for (let j = 0; j < V; j++) {
    u -= Math.exp((scores[offset + j]! - top) / temperature);
    if (u <= 0) return j;
  }
  return best;
}
