// Large products and convolutions split over two threads: both this thread
// and a helper, which runs the same module on the same shared memory, take
// chunks of rows, columns or examples. Browser-safe: the helper itself is
// started by runtime/wasm/helper-thread.ts (through threads-node.ts or
// threads-web.ts); without one, nothing here runs and every product stays
// on this thread.
//
// The job goes through a control block in the shared memory: the arguments,
// then a sequence number stored atomically (Atomics.store orders the plain
// argument writes before it). The helper spins on that number for a while
// after each job (an Atomics.wait/notify round trip costs ~50–90 µs, a
// spinning helper answers in well under a µs) and then sleeps on
// Atomics.wait, saying so in a flag so that only then is it notified.
//
// A product is cut into up to 8 chunks of rows (multiples of 4) or of
// 8-column blocks, a convolution into up to 8 chunks of examples, and both
// threads claim chunks until none is left. A fixed
// half for the helper would make this thread wait whenever the other core is
// busy with another process (the helper is then not scheduled for
// milliseconds); with claiming, this thread does every chunk the helper has
// not taken. Claims are tagged with the job's sequence number (one
// compare-and-swap word: tag·65536 + next chunk), so a helper that wakes late
// cannot claim a chunk of a later job with the earlier job's arguments.
// Chunks computed by the same routine give the same bits wherever the cuts
// fall (rows go 4 at a time, leftover rows add in the tile's order; columns
// are independent), so a split product equals the single-thread one.

/** Int32 slots of the control block. */
export const Slot = { posted: 0, done: 1, sleeping: 2, ready: 3, next: 4, chunks: 5, chunk: 6, byRows: 7, args: 8, helped: 40, wakeups: 41, kind: 42, extent: 43 } as const;
/** Room for 32 arguments (a convolution takes 27) from Slot.args. */
export const CONTROL_INTS = 48;

/** The module's gemm export (runtime/wasm/assembly/gemm.ts). */
export type GemmArgs = [m: number, n: number, k: number, a: number, rsA: number, csA: number, b: number, rsB: number, csB: number, c: number, ldc: number, bias: number, relu: number, accumulate: number, scratch: number];
/** The module's gemmPacked export: B already packed into 8-column panels (packAll). */
export type PackedArgs = [m: number, n: number, k: number, a: number, rsA: number, csA: number, panels: number, c: number, ldc: number, accumulate: number, stage: number];

/** The module's convForward export (conv.ts): x, w, bias, y, relu, F, scratch, then the window (WindowArgs, batch first). */
export type ConvArgs = number[];
/** The module's convInputGrad export: dy, w, dx, F, scratch, then the window. */
export type ConvInputGradArgs = number[];

/** The exports a job calls. */
export interface ProductExports {
  gemm(...args: GemmArgs): void;
  gemmPacked(...args: PackedArgs): void;
  convForward(...args: ConvArgs): void;
  convInputGrad(...args: ConvInputGradArgs): void;
}

/** What a job computes, and so which arguments it takes: GemmArgs, PackedArgs, ConvArgs, ConvInputGradArgs. */
export const Kind = { gemm: 0, packed: 1, conv: 2, convInputGrad: 3 } as const;
/** Per kind, which argument is the caller's scratch space (the helper is given its own there). */
const SCRATCH_ARG = [14, 10, 6, 4];

/** How a job is cut: `extent` rows (byRows: of the product, or examples of a convolution) or columns, `chunk` at a time; `work` its multiply-adds. */
export interface Cut {
  extent: number;
  chunk: number;
  byRows: boolean;
  work: number;
}

/** An m×k·k×n product: by rows, 4 at a time, where there are 8 or more, else by 8-column blocks (whole panels). */
export function productCut(m: number, k: number, n: number): Cut {
  const work = m * k * n;
  return m >= 8 ? { extent: m, chunk: Math.max(4, Math.ceil(m / 32) * 4), byRows: true, work } : { extent: n, chunk: Math.max(8, Math.ceil(n / 64) * 8), byRows: false, work };
}

/** A convolution over a batch of B, `work` multiply-adds: by examples, up to 8 chunks. */
export function batchCut(B: number, work: number): Cut {
  return { extent: B, chunk: Math.ceil(B / 8), byRows: true, work };
}

/**
 * Rows [from, from + count) of the job's product (byRows), or its columns
 * (count a multiple of 8, as are the panels); for a convolution, examples
 * [from, from + count). With the same routine as the whole job, whose rows
 * (and columns) do not depend on where the job is cut. Self-contained: the
 * helper runs it from its source text. `a` is room for a convolution's
 * moved arguments (reused: the helper allocates nothing per job, so no
 * garbage collection stalls it mid-chunk).
 */
export function computeChunk(exports: ProductExports, kind: number, args: number[], from: number, count: number, byRows: boolean, a: number[]): void {
  if (kind >= 2) {
    // A convolution: move x (or dx) and y (or dy) to example `from`, and run `count` examples.
    a.length = args.length;
    for (let i = 0; i < args.length; i++) a[i] = args[i]!;
    const w = kind === 2 ? 7 : 5; // where the window starts: B, C, L0, L1, L2, O0, O1, O2, …
    const F = a[kind === 2 ? 5 : 3]!;
    const inputStep = a[w + 1]! * a[w + 2]! * a[w + 3]! * a[w + 4]! * 4;
    const outputStep = a[w + 5]! * a[w + 6]! * a[w + 7]! * F * 4;
    a[w] = count;
    if (kind === 2) {
      a[0] += from * inputStep;
      a[3] += from * outputStep;
      exports.convForward(...a);
    } else {
      a[0] += from * outputStep;
      a[2] += from * inputStep;
      exports.convInputGrad(...a);
    }
  } else if (kind === 0) {
    const [m, n, k, a, rsA, csA, b, rsB, csB, c, ldc, bias, relu, accumulate, scratch] = args as GemmArgs;
    if (byRows) exports.gemm(count, n, k, a + from * rsA * 4, rsA, csA, b, rsB, csB, c + from * ldc * 4, ldc, bias, relu, accumulate, scratch);
    else exports.gemm(m, count, k, a, rsA, csA, b + from * csB * 4, rsB, csB, c + from * 4, ldc, bias ? bias + from * 4 : 0, relu, accumulate, scratch);
  } else {
    // A panel is k rows of 8 floats (32 bytes).
    const [m, n, k, a, rsA, csA, panels, c, ldc, accumulate, stage] = args as PackedArgs;
    if (byRows) exports.gemmPacked(count, n, k, a + from * rsA * 4, rsA, csA, panels, c + from * ldc * 4, ldc, accumulate, stage);
    else exports.gemmPacked(m, count, k, a, rsA, csA, panels + (from >> 3) * k * 32, c + from * 4, ldc, accumulate, stage);
  }
}

/**
 * Products of at least this many multiply-adds (m·n·k) are split by default:
 * 64³. Below it the helper's share is too short to pay for the hand-over and
 * the cache traffic (measured in docs/kernels.md).
 */
export const DEFAULT_SPLIT_AT = 1 << 18;

/** Whether this thread may block in Atomics.wait (not a browser page's main thread). */
const canWait = (() => {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
})();

/**
 * A wait for the helper shorter than this is not taken for a descheduled
 * helper: an OS time slice is several ms, while interrupts and the like
 * delay a running helper by tenths of a ms (0.2 ms paused splitting on an
 * idle machine, several times a second).
 */
const PAUSE_AFTER_MS = 1;

export class SecondCore {
  /** A job still unfinished after this long means the helper died: fail rather than spin for ever. */
  private static readonly STUCK_MS = 10_000;
  private seq = 0;
  /** computeChunk's room for moved arguments. */
  private readonly moved: number[] = [];
  /** Products split so far (the tests check the helper really ran). */
  jobs = 0;
  /**
   * After a product whose wait for the helper's chunks outlasted this
   * thread's own share (and PAUSE_AFTER_MS), products stay on this thread
   * for this long: the helper was descheduled mid-chunk, so another process
   * may hold the second core, and a spinning helper would only take time
   * from this one. A stall within a second of the last pause's end doubles
   * the pause (up to 2 s): the core is taken for good, not by a moment's
   * job. 0 never pauses (the tests use it, to split every product).
   */
  pauseMs = 50;
  private pauseFor = 0;
  private lastPausedUntil = -Infinity;
  /** Times splitting paused so. */
  pauses = 0;
  /**
   * Whether a product posted while the helper sleeps runs on this thread
   * alone, waking the helper for the products after it. Waking takes 50–90
   * µs (milliseconds on a busy machine), longer than a 64³–256³ product's
   * share, and would also look like a descheduled helper and trip the
   * pause. The tests turn it off to split every product.
   */
  soloWhileAsleep = true;
  /**
   * Jobs of at least this many multiply-adds (2^24, ~1 ms on one core) are
   * shared even when the helper sleeps: it joins a chunk or two late, and
   * this thread computes whatever it has not claimed.
   */
  soloBelow = 1 << 24;
  /** How long this thread spins for the helper's last chunks before it sleeps on them, ms. */
  waitSpinMs = 1;
  /** Products run alone so, each waking the helper. */
  wakes = 0;
  private pausedUntil = 0;

  /**
   * `control`: CONTROL_INTS ints in the shared memory, seen by the helper at
   * the same address. `scratch(bytes)` gives the helper its own packing space.
   */
  constructor(
    readonly control: Int32Array,
    private readonly scratch: (bytes: number) => number,
    public splitAt = DEFAULT_SPLIT_AT,
  ) {}

  /** Chunks the helper has computed so far (the tests check it takes part). */
  get helped(): number {
    return Atomics.load(this.control, Slot.helped);
  }

  /** Whether the helper has started and a job cut as `cut` is large enough to share with it. */
  takes(cut: Cut): boolean {
    return cut.work >= this.splitAt && cut.extent > cut.chunk && Atomics.load(this.control, Slot.ready) === 1 && (this.pausedUntil === 0 || this.unpaused());
  }

  private unpaused(): boolean {
    if (performance.now() < this.pausedUntil) return false;
    this.pausedUntil = 0;
    return true;
  }

  /**
   * Runs a job (kind: a Kind, args its export's arguments) in chunks shared
   * with the helper; `exports` are this thread's, `helperScratch` the bytes
   * of scratch one chunk needs.
   */
  run(exports: ProductExports, kind: number, args: number[], cut: Cut, helperScratch: number): void {
    const ctl = this.control;
    const { extent, chunk, byRows } = cut;
    if (this.soloWhileAsleep && cut.work < this.soloBelow && Atomics.load(ctl, Slot.sleeping) === 1) {
      this.post(0, 1, true);
      this.wakes++;
      computeChunk(exports, kind, args, 0, extent, byRows, this.moved);
      return;
    }
    const chunks = Math.ceil(extent / chunk);
    // Closed (tag 0) while the arguments change: a helper still reading the last job's sees a foreign tag and claims nothing.
    Atomics.store(ctl, Slot.next, 0);
    for (let i = 0; i < args.length; i++) Atomics.store(ctl, Slot.args + i, args[i]!);
    Atomics.store(ctl, Slot.args + SCRATCH_ARG[kind]!, this.scratch(helperScratch));
    Atomics.store(ctl, Slot.kind, kind);
    Atomics.store(ctl, Slot.extent, extent);
    this.post(chunks, chunk, byRows);
    this.jobs++;
    // Claim and compute chunks like the helper (helperLoop), then wait for the ones it took.
    const t0 = performance.now();
    for (;;) {
      const v = Atomics.load(ctl, Slot.next);
      const i = v & 0xffff;
      if (i >= chunks) break;
      if (Atomics.compareExchange(ctl, Slot.next, v, v + 1) !== v) continue;
      computeChunk(exports, kind, args, i * chunk, Math.min(chunk, extent - i * chunk), byRows, this.moved);
      Atomics.add(ctl, Slot.done, 1);
    }
    const t1 = performance.now();
    let spins = 0;
    for (let done; (done = Atomics.load(ctl, Slot.done)) !== chunks; ) {
      if ((++spins & 0x3ff) !== 0) continue;
      const now = performance.now();
      if (now - t0 > SecondCore.STUCK_MS) throw new Error("nnc: the second kernel thread stopped answering");
      // Past a short spin, sleep until the helper finishes a chunk (it notifies): on a busy machine, a thread spinning
      // here was seen to keep a runnable helper off the CPU for a second. (Not at once: waking costs 50–90 µs.)
      if (canWait && now - t1 > this.waitSpinMs) Atomics.wait(ctl, Slot.done, done, 1);
    }
    if (spins > 0 && this.pauseMs > 0) {
      const t2 = performance.now();
      if (t2 - t1 > Math.max(PAUSE_AFTER_MS, t1 - t0)) {
        this.pauseFor = t2 < this.lastPausedUntil + 1000 ? Math.min(2 * this.pauseFor, 2000) : this.pauseMs;
        this.pausedUntil = this.lastPausedUntil = t2 + this.pauseFor;
        this.pauses++;
      }
    }
  }

  /** Opens a job of `chunks` chunks (0: only wakes the helper, which then finds nothing to claim) and wakes a sleeping helper. */
  private post(chunks: number, chunk: number, byRows: boolean): void {
    const ctl = this.control;
    Atomics.store(ctl, Slot.next, 0);
    Atomics.store(ctl, Slot.chunks, chunks);
    Atomics.store(ctl, Slot.chunk, chunk);
    Atomics.store(ctl, Slot.byRows, byRows ? 1 : 0);
    Atomics.store(ctl, Slot.done, 0);
    const seq = (this.seq = (this.seq % 0x7fff) + 1); // 1…32767: never the closed tag
    Atomics.store(ctl, Slot.next, seq * 65536);
    Atomics.store(ctl, Slot.posted, seq);
    if (Atomics.load(ctl, Slot.sleeping) === 1) Atomics.notify(ctl, Slot.posted, 1);
  }
}

/**
 * The helper's loop, as source for a worker (a function's text, so it runs
 * wherever a worker can eval it). `exports` of an instance on the shared
 * memory; `ctl` the control block; `spinMs` how long to spin after a job
 * before sleeping; `chunk` is computeChunk (passed in: this text cannot
 * import it).
 */
export function helperLoop(exports: ProductExports, ctl: Int32Array, spinMs: number, chunk: typeof computeChunk): never {
  // Slots as in `Slot` (this function runs from its source text, so it names them by number).
  let seen = Atomics.load(ctl, 0);
  // Allocated once: garbage collection in this thread would stall the chunk it holds.
  const args: number[] = new Array(32).fill(0), moved: number[] = [];
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
        Atomics.add(ctl, 41, 1); // woken (or a job came before it slept)
        Atomics.store(ctl, 2, 0);
        continue;
      }
    }
    seen = seq;
    // Atomic loads: if this thread is late and the next job's arguments are being written, the tag check below sees it.
    const kind = Atomics.load(ctl, 42), chunks = Atomics.load(ctl, 5), size = Atomics.load(ctl, 6), byRows = Atomics.load(ctl, 7) === 1;
    for (let i = 0; i < 32; i++) args[i] = Atomics.load(ctl, 8 + i);
    const extent = Atomics.load(ctl, 43);
    for (;;) {
      const v = Atomics.load(ctl, 4);
      // Another job's tag: this one is finished (this thread woke late), leave it.
      if (v >>> 16 !== seq) break;
      const i = v & 0xffff;
      if (i >= chunks) break;
      if (Atomics.compareExchange(ctl, 4, v, v + 1) !== v) continue;
      chunk(exports, kind, args, i * size, Math.min(size, extent - i * size), byRows, moved);
      Atomics.add(ctl, 40, 1);
      Atomics.add(ctl, 1, 1);
      Atomics.notify(ctl, 1);
    }
  }
}
