// Parameter initialisers: each fills a preallocated Float32Array in place and
// returns it. The choice of initialiser per parameter belongs to the caller
// (the generated model code); Keras's defaults are a good guide:
//
//   dense, conv1d/2d/3d, rnn/lstm/gru and attention kernels: glorotUniform
//     (Keras gives recurrent kernels an orthogonal matrix; glorot is a
//     simpler choice that trains these small models well enough).
//   a dense/conv kernel followed by relu may use heUniform instead.
//   biases: zeros (Keras LSTM sets the forget gate's bias to ones: a choice
//     for the caller, by filling that block with `ones(bias.subarray(u, 2u))`).
//   layernorm: gamma ones, beta zeros.
//   embedding tables: uniform(rng, table, -0.05, 0.05), as Keras does.
//
// Draw order is part of the contract: values are drawn in index order, so a
// given seed and parameter order reproduce the same weights everywhere.

import type { Rng } from "./random.ts";

function checkFan(name: string, value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name}: ${what} must be a positive integer, got ${value}`);
  }
}

/**
 * Keras's fan-in and fan-out for a kernel shape: [n, units] gives (n, units);
 * a conv kernel [k..., C, F] gives (C·Πk, F·Πk); a vector [n] gives (n, n).
 */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  let receptive = 1;
  for (let i = 0; i < shape.length - 2; i++) receptive *= shape[i];
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}

/** Uniform between lo and hi (drawn on [lo, hi); float32 rounding may reach hi). */
export function uniform(rng: Rng, out: Float32Array, lo: number, hi: number): Float32Array {
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi)) {
    throw new Error(`uniform: needs finite lo <= hi, got lo=${lo}, hi=${hi}`);
  }
  const width = hi - lo;
  for (let i = 0; i < out.length; i++) out[i] = lo + width * rng.uniform();
  return out;
}

/** Normal with mean 0 and standard deviation `std`. */
export function normal(rng: Rng, out: Float32Array, std: number): Float32Array {
  if (!(Number.isFinite(std) && std >= 0)) {
    throw new Error(`normal: std must be a finite number >= 0, got ${std}`);
  }
  for (let i = 0; i < out.length; i++) out[i] = std * rng.normal();
  return out;
}

/** Glorot (Xavier) uniform: U(−l, l) with l = √(6 / (fanIn + fanOut)); keeps activation and gradient variance steady for tanh/linear layers. */
export function glorotUniform(rng: Rng, out: Float32Array, fanIn: number, fanOut: number): Float32Array {
  checkFan("glorotUniform", fanIn, "fanIn");
  checkFan("glorotUniform", fanOut, "fanOut");
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return uniform(rng, out, -limit, limit);
}

/** He uniform: U(−l, l) with l = √(6 / fanIn); compensates for relu zeroing half the activations. */
export function heUniform(rng: Rng, out: Float32Array, fanIn: number): Float32Array {
  checkFan("heUniform", fanIn, "fanIn");
  const limit = Math.sqrt(6 / fanIn);
  return uniform(rng, out, -limit, limit);
}

export function zeros(out: Float32Array): Float32Array {
  return out.fill(0);
}

export function ones(out: Float32Array): Float32Array {
  return out.fill(1);
}
