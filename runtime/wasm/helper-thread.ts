// Starting and stopping the second kernel thread, whichever kind of worker
// runs it: a Node worker (runtime/threads-node.ts) or a browser one
// (runtime/threads-web.ts). The worker instantiates the kernels' compiled
// module on their shared memory and runs helperLoop (second-core.ts) on the
// control block; this module keeps which worker is current.
import { wasmKernels } from "../kernels.ts";
import { computeChunk, CONTROL_INTS, DEFAULT_SPLIT_AT, helperLoop, SecondCore, Slot } from "./second-core.ts";

export interface ThreadOptions {
  /** Products with m·n·k at least this are split (default 2^18 = 64³). */
  splitAt?: number;
  /** How long the helper spins for the next job before sleeping, ms (default 2). */
  spinMs?: number;
}

/** What a new worker is handed (by workerData or a first message): all of it can be posted to a worker. */
export interface HelperStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** The control block's byte address in the memory. */
  control: number;
  spinMs: number;
}

export interface HelperWorker {
  terminate(): void;
}

/**
 * The worker's program as the text of a function expression taking a
 * HelperStart (a function's text, so any worker can eval it without a
 * bundler knowing about it).
 */
export const helperProgram = `(start) => {
  const exports = new WebAssembly.Instance(start.module, { env: { memory: start.memory } }).exports;
  const control = new Int32Array(start.memory.buffer, start.control, ${CONTROL_INTS});
  (${helperLoop.toString()})(exports, control, start.spinMs, ${computeChunk.toString()});
}`;

let current: { worker: HelperWorker; control: Int32Array } | undefined;
/**
 * Control blocks of terminated workers, kept for good: termination is
 * asynchronous, and a block returned to the arena and reused by a model's
 * array could look like a new job to a worker not yet stopped.
 */
const retired: Int32Array[] = [];

/**
 * 2: split large products of the WebAssembly kernels with a worker that
 * `spawn` starts; 1: stop (the worker is terminated). `spawn` gets the
 * worker's start data and a callback for the worker's failure. Returns
 * whether a helper now runs (false without the WebAssembly kernels or a
 * shared memory).
 */
export function switchThreads(n: 1 | 2, options: ThreadOptions, spawn: (start: HelperStart, failed: (why: string) => void) => HelperWorker): boolean {
  const kernels = wasmKernels();
  if (current) {
    kernels?.setSecondCore(null);
    current.worker.terminate();
    retired.push(current.control);
    current = undefined;
  }
  if (n === 1 || !kernels || !kernels.arena.shared) return false;
  const control = kernels.arena.i32(CONTROL_INTS);
  const core = new SecondCore(control, (bytes) => kernels.helperScratch(bytes), options.splitAt ?? DEFAULT_SPLIT_AT);
  // A worker that dies between jobs leaves every chunk to this thread (results stay right; one that dies holding a
  // chunk makes the product throw after 10 s): stop posting to it.
  const start = { module: kernels.module, memory: kernels.arena.memory, control: kernels.arena.addressOf(control), spinMs: options.spinMs ?? 2 };
  const worker = spawn(start, () => {
    if (current?.worker !== worker) return;
    kernels.setSecondCore(null);
    retired.push(control);
    current = undefined;
  });
  current = { worker, control };
  kernels.setSecondCore(core);
  return true;
}

/** Resolves once the helper has started, or failed to (products before that run on this thread alone). */
export async function threadsReady(): Promise<void> {
  const kernels = wasmKernels();
  const core = kernels?.secondCore;
  if (!core) return;
  while (Atomics.load(core.control, Slot.ready) !== 1 && kernels!.secondCore === core) await new Promise((r) => setTimeout(r, 1));
}
