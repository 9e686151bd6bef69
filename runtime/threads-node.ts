// A second thread for the WebAssembly kernels' large products, in Node
// (worker_threads). Imported separately ("nnc/runtime/threads"), like the
// MNIST loader, so browser bundles never see worker_threads; browsers use
// runtime/threads-web.ts ("nnc/runtime/threads-web").
//
//   import { useThreads } from "nnc/runtime/threads";
//   useThreads(2);   // products of ≥ 64³ multiply-adds split over two threads
//   useThreads(1);   // back to one
//
// Off by default: see docs/kernels.md for what it gained on a two-core
// machine shared with other jobs. The worker is unref'd (it never keeps the
// process alive) and, until it has started, products run on this thread.
import { Worker } from "node:worker_threads";
import { helperProgram, switchThreads, threadsReady, type ThreadOptions } from "./wasm/helper-thread.ts";

export { threadsReady, type ThreadOptions };

/**
 * 2: split large products of the WebAssembly kernels with a worker thread;
 * 1: stop (the worker is terminated). Returns whether a helper now runs
 * (false without the WebAssembly kernels or a shared memory).
 */
export function useThreads(n: 1 | 2, options: ThreadOptions = {}): boolean {
  return switchThreads(n, options, (start, failed) => {
    const source = `(${helperProgram})(require("node:worker_threads").workerData);`;
    const worker = new Worker(source, { eval: true, workerData: start });
    worker.unref();
    worker.on("error", (e) => {
      failed(String(e));
      process.emitWarning(`nnc: the kernel worker thread stopped (${String(e)}); products run on one thread`);
    });
    return { terminate: () => void worker.terminate() };
  });
}
