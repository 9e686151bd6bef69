// A second thread for the WebAssembly kernels' large products, in Node
// (worker_threads). Imported separately ("nnc/runtime/threads"), like the
// MNIST loader, so browser bundles never see worker_threads; in a browser the
// kernels simply stay on one thread.
//
//   import { useThreads } from "nnc/runtime/threads";
//   useThreads(2);   // products of ≥ 64³ multiply-adds split over two threads
//   useThreads(1);   // back to one
//
// Off by default: see docs/kernels.md for what it gained on a two-core
// machine shared with other jobs. The worker is unref'd (it never keeps the
// process alive) and, until it has started, products run on this thread.
import { Worker } from "node:worker_threads";
import { wasmKernels } from "./kernels.ts";
import { CONTROL_INTS, DEFAULT_SPLIT_AT, helperLoop, SecondCore, Slot } from "./wasm/second-core.ts";

export interface ThreadOptions {
  /** Products with m·n·k at least this are split (default 2^18 = 64³). */
  splitAt?: number;
  /** How long the helper spins for the next job before sleeping, ms (default 2). */
  spinMs?: number;
}

let worker: Worker | undefined;
/**
 * Control blocks of terminated workers, kept for good: termination is
 * asynchronous, and a block returned to the arena and reused by a model's
 * array could look like a new job to a worker not yet stopped.
 */
const retired: Int32Array[] = [];
let control: Int32Array | undefined;

/**
 * 2: split large products of the WebAssembly kernels with a worker thread;
 * 1: stop (the worker is terminated). Returns whether a helper now runs
 * (false without the WebAssembly kernels or a shared memory).
 */
export function useThreads(n: 1 | 2, options: ThreadOptions = {}): boolean {
  const kernels = wasmKernels();
  if (worker) {
    kernels?.setSecondCore(null);
    void worker.terminate();
    worker = undefined;
    retired.push(control!);
  }
  if (n === 1 || !kernels || !kernels.arena.shared) return false;
  control = kernels.arena.i32(CONTROL_INTS);
  const source = `
    const { workerData } = require("node:worker_threads");
    const { module, memory, control, spinMs } = workerData;
    const gemm = new WebAssembly.Instance(module, { env: { memory } }).exports.gemm;
    (${helperLoop.toString()})(gemm, new Int32Array(memory.buffer, control, ${CONTROL_INTS}), spinMs);
  `;
  worker = new Worker(source, {
    eval: true,
    workerData: { module: kernels.module, memory: kernels.arena.memory, control: kernels.arena.addressOf(control), spinMs: options.spinMs ?? 2 },
  });
  worker.unref();
  // A worker that dies between jobs leaves every chunk to this thread (results stay right; one that dies holding a
  // chunk makes the product throw after 10 s): stop posting to it, and say why.
  const dead = worker;
  dead.on("error", (e) => {
    if (worker !== dead) return;
    kernels.setSecondCore(null);
    worker = undefined;
    process.emitWarning(`nnc: the kernel worker thread stopped (${String(e)}); products run on one thread`);
  });
  kernels.setSecondCore(new SecondCore(control, (bytes) => kernels.helperScratch(bytes), options.splitAt ?? DEFAULT_SPLIT_AT));
  return true;
}

/** Resolves once the helper has started, or failed to (products before that run on this thread alone). */
export async function threadsReady(): Promise<void> {
  const kernels = wasmKernels();
  const core = kernels?.secondCore;
  if (!core) return;
  while (Atomics.load(core.control, Slot.ready) !== 1 && kernels!.secondCore === core) await new Promise((r) => setTimeout(r, 1));
}
