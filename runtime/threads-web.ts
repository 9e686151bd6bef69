// A second thread for the WebAssembly kernels' large products, in browsers:
// a Web Worker (started from a page or from another worker) on the same
// shared memory. It needs a cross-origin-isolated context (SharedArrayBuffer);
// elsewhere useThreads returns false and the kernels stay on one thread.
// Node uses runtime/threads-node.ts ("nnc/runtime/threads").
//
//   import { useThreads } from "nnc/runtime/threads-web";
//   if (navigator.hardwareConcurrency > 2) useThreads(2);
import { helperProgram, switchThreads, threadsReady, type ThreadOptions } from "./wasm/helper-thread.ts";

export { threadsReady, type ThreadOptions };

/**
 * 2: split large products of the WebAssembly kernels with a Web Worker;
 * 1: stop (the worker is terminated). Returns whether a helper now runs.
 */
export function useThreads(n: 1 | 2, options: ThreadOptions = {}): boolean {
  if (n === 2 && (typeof Worker === "undefined" || !globalThis.crossOriginIsolated)) return false;
  return switchThreads(n, options, (start, failed) => {
    // A blob URL: the program is a function's text, so no bundler needs to know about a worker file.
    const url = URL.createObjectURL(new Blob([`onmessage = (e) => (${helperProgram})(e.data);`], { type: "text/javascript" }));
    const worker = new Worker(url);
    worker.onerror = (e) => {
      failed(e.message);
      console.warn(`nnc: the kernel worker thread stopped (${e.message}); products run on one thread`);
    };
    worker.postMessage(start);
    return {
      terminate: () => {
        worker.terminate();
        URL.revokeObjectURL(url);
      },
    };
  });
}
