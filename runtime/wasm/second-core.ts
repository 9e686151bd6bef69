// Large products split over two threads: this thread computes the first
// block of rows (or columns) and a helper, which runs the same module on the
// same shared memory, the rest. Browser-safe: the helper itself is started
// by runtime/threads-node.ts (Node worker_threads); without one, nothing
// here runs and every product stays on this thread.
//
// The job goes through a control block in the shared memory: the arguments,
// then a sequence number stored atomically (Atomics.store orders the plain
// argument writes before it). The helper spins on that number for a while
// after each job (an Atomics.wait/notify round trip costs ~50–90 µs, a
// spinning helper answers in well under a µs) and then sleeps on
// Atomics.wait, saying so in a flag so that only then is it notified.
// Rows computed by the same routine give the same bits wherever the split
// falls (4-row tiles; leftover rows add in the tile's order), and so do
// whole 8-column blocks, so a split product equals the single-thread one.

/** Int32 slots of the control block. */
export const Slot = { posted: 0, done: 1, sleeping: 2, ready: 3, args: 4 } as const;
export const CONTROL_INTS = 32;

/** The module's gemm export (runtime/wasm/assembly/gemm.ts). */
export type GemmArgs = [m: number, n: number, k: number, a: number, rsA: number, csA: number, b: number, rsB: number, csB: number, c: number, ldc: number, bias: number, relu: number, accumulate: number, scratch: number];

/**
 * Products of at least this many multiply-adds (m·n·k) are split by default:
 * 64³. Below it the helper's share is too short to pay for the hand-over and
 * the cache traffic (measured in docs/kernels.md).
 */
export const DEFAULT_SPLIT_AT = 1 << 18;

export class SecondCore {
  /** A job still unfinished after this long means the helper died: fail rather than spin for ever. */
  private static readonly STUCK_MS = 10_000;
  private seq = 0;
  /** Products split so far (the tests check the helper really ran). */
  jobs = 0;

  /**
   * `control`: CONTROL_INTS ints in the shared memory, seen by the helper at
   * the same address. `scratch(bytes)` gives the helper its own packing space.
   */
  constructor(
    readonly control: Int32Array,
    private readonly scratch: (bytes: number) => number,
    public splitAt = DEFAULT_SPLIT_AT,
  ) {}

  /** Whether the helper has started and would take half of this product. */
  takes(m: number, n: number, k: number): boolean {
    return m * n * k >= this.splitAt && (m >= 8 || n >= 16) && Atomics.load(this.control, Slot.ready) === 1;
  }

  /** Runs gemm(args) with the second half on the helper; `gemm` is this thread's export. */
  run(gemm: (...args: GemmArgs) => void, args: GemmArgs): void {
    const [m, n, k, a, rsA, csA, b, rsB, csB, c, ldc, bias, relu, accumulate, scratch] = args;
    const ctl = this.control;
    const helperScratch = this.scratch((k * 8 + 8) * 4);
    let mine: GemmArgs;
    if (m >= 8) {
      // Rows: a multiple of 4, so the helper's rows start a tile as they would have.
      const split = Math.ceil(m / 8) * 4;
      ctl.set([m - split, n, k, a + split * rsA * 4, rsA, csA, b, rsB, csB, c + split * ldc * 4, ldc, bias, relu, accumulate, helperScratch], Slot.args);
      mine = [split, n, k, a, rsA, csA, b, rsB, csB, c, ldc, bias, relu, accumulate, scratch];
    } else {
      // Columns: whole 8-column blocks (with their bias), packed by each side for itself.
      const split = Math.ceil(n / 16) * 8;
      ctl.set([m, n - split, k, a, rsA, csA, b + split * csB * 4, rsB, csB, c + split * 4, ldc, bias ? bias + split * 4 : 0, relu, accumulate, helperScratch], Slot.args);
      mine = [m, split, k, a, rsA, csA, b, rsB, csB, c, ldc, bias, relu, accumulate, scratch];
    }
    this.jobs++;
    const seq = (this.seq = (this.seq + 1) | 0);
    Atomics.store(ctl, Slot.posted, seq);
    if (Atomics.load(ctl, Slot.sleeping) === 1) Atomics.notify(ctl, Slot.posted, 1);
    gemm(...mine);
    let spins = 0;
    const t0 = performance.now();
    while (Atomics.load(ctl, Slot.done) !== seq) {
      if ((++spins & 0xfffff) === 0 && performance.now() - t0 > SecondCore.STUCK_MS) throw new Error("nnc: the second kernel thread stopped answering");
    }
  }
}

/**
 * The helper's loop, as source for a worker (a function's text, so it runs
 * wherever a worker can eval it). `exports.gemm` of an instance on the
 * shared memory; `ctl` the control block; `spinMs` how long to spin after
 * a job before sleeping.
 */
export function helperLoop(gemm: (...args: GemmArgs) => void, ctl: Int32Array, spinMs: number): never {
  let seen = Atomics.load(ctl, 0);
  Atomics.store(ctl, 3, 1);
  for (;;) {
    let seq = Atomics.load(ctl, 0);
    if (seq === seen) {
      const until = performance.now() + spinMs;
      let spins = 0;
      while ((seq = Atomics.load(ctl, 0)) === seen) if ((++spins & 1023) === 0 && performance.now() > until) break;
      if (seq === seen) {
        Atomics.store(ctl, 2, 1);
        Atomics.wait(ctl, 0, seen);
        Atomics.store(ctl, 2, 0);
        continue;
      }
    }
    seen = seq;
    gemm(ctl[4]!, ctl[5]!, ctl[6]!, ctl[7]!, ctl[8]!, ctl[9]!, ctl[10]!, ctl[11]!, ctl[12]!, ctl[13]!, ctl[14]!, ctl[15]!, ctl[16]!, ctl[17]!, ctl[18]!);
    Atomics.store(ctl, 1, seq);
  }
}
