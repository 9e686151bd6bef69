// Seeded pseudo-random numbers for initialisation, shuffling and dropout.
//
// splitmix32: a Weyl sequence (state += golden ratio) passed through the
// murmur3 finaliser. Every seed, 0 included, gives well-mixed output from the
// first draw (unlike generators whose first float for a small seed is ~1.0),
// the whole state is one 32-bit integer (plus the cached Box–Muller value),
// so saving and restoring it is trivial, and it runs the same in every
// JavaScript engine: only Math.imul and 32-bit integer operations are used.

/** A generator's complete state; plain data, so it can go into JSON or safetensors metadata. */
export interface RngState {
  /** The 32-bit Weyl counter, as an unsigned integer. */
  readonly s: number;
  /** The second Box–Muller value waiting to be returned by `normal()`, or null. */
  readonly spare: number | null;
}

const GOLDEN = 0x9e3779b9;
const TWO_POW_32 = 4294967296;

/** Folds any safe integer into 32 bits, so seeds beyond 2^32 still differ from their low word. */
function seedToState(seed: number): number {
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`Rng seed must be a safe integer, got ${seed}`);
  }
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_POW_32) >>> 0;
  return (lo ^ Math.imul(hi, 0x85ebca6b)) >>> 0;
}

export class Rng {
  private s: number;
  private spare: number | null = null;

  constructor(seed: number) {
    this.s = seedToState(seed);
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextU32(): number {
    this.s = (this.s + GOLDEN) >>> 0;
    let z = this.s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  /**
   * A float in [0, 1) with 32 random bits. That is finer than float32's 24-bit
   * mantissa, which is all the weights and dropout masks ever see.
   */
  uniform(): number {
    return this.nextU32() / TWO_POW_32;
  }

  /**
   * A standard normal sample (mean 0, variance 1), Box–Muller. Each pair of
   * uniforms gives two independent normals; the second is cached for the next
   * call and is part of `state`, so a restored generator continues exactly.
   */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    // 1 - u lies in (0, 1], so the logarithm is finite.
    const r = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const theta = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** A uniformly distributed integer in [0, n), without modulo bias; n is an integer in [1, 2^32]. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new Error(`Rng.int(n) needs an integer n in [1, 2^32], got ${n}`);
    }
    // Reject the top sliver of the 32-bit range that does not divide evenly by n.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x = this.nextU32();
    while (x >= limit) x = this.nextU32();
    return x % n;
  }

  /** Shuffles an array or typed array in place (Fisher–Yates) and returns it. */
  shuffle<A extends { length: number; [index: number]: unknown }>(array: A): A {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = array[i];
      array[i] = array[j];
      array[j] = t;
    }
    return array;
  }

  /**
   * A new generator whose stream is independent of this one's continuation,
   * seeded from this generator's next draw (so forking advances this one).
   * Give each consumer (initialisation, shuffling, dropout) its own fork, and
   * adding draws to one will not change what the others see.
   */
  fork(): Rng {
    return new Rng(this.nextU32());
  }

  /** The complete state, to save with a checkpoint. */
  get state(): RngState {
    return { s: this.s, spare: this.spare };
  }

  /** Restores a state from `state`; the generator then continues exactly where that one was. */
  set state(value: RngState) {
    const { s, spare } = value;
    if (!Number.isInteger(s) || s < 0 || s >= TWO_POW_32) {
      throw new Error(`Rng state.s must be an unsigned 32-bit integer, got ${s}`);
    }
    if (spare !== null && !Number.isFinite(spare)) {
      throw new Error(`Rng state.spare must be a finite number or null, got ${spare}`);
    }
    this.s = s;
    this.spare = spare;
  }

  /** A generator that continues from a saved state. */
  static fromState(state: RngState): Rng {
    const rng = new Rng(0);
    rng.state = state;
    return rng;
  }
}
