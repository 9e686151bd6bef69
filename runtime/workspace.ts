// The up-front check before a model allocates the buffers of a call
// (activations, gradients, saved masks): a batch too large for the memory
// fails at once with the sizes in the message, before anything is allocated,
// and leaves the model and the kernels as they were.
import { activeKernels } from "./kernels.ts";
import { WasmKernels } from "./wasm/kernels.ts";
import { formatBytes } from "./wasm/arena.ts";

/**
 * The most bytes one call's workspace may take: 4 GiB, what the WebAssembly
 * kernels' memory can hold at all. The plain-JavaScript kernels keep the same
 * bound, so both accept the same calls (docs/nn-language.md §10).
 */
export const MAX_WORKSPACE_BYTES = 2 ** 32;

/**
 * Throws a RangeError naming the call, its dims and the sizes where buffers
 * of `elements` elements in all (4 bytes each) cannot be allocated: more
 * than MAX_WORKSPACE_BYTES, or, with the WebAssembly kernels, more than their
 * memory can still take. Generated classes call it before allocating a
 * workspace; `where` is `Model.method`.
 */
export function reserveWorkspace(where: string, dims: Readonly<Record<string, number>>, elements: number): void {
  const bytes = elements * 4;
  if (bytes <= MAX_WORKSPACE_BYTES) {
    const kernels = activeKernels();
    // Arrays live in the WebAssembly memory only when it is shared; otherwise they are ordinary ones.
    if (!(kernels instanceof WasmKernels) || !kernels.arena.shared || bytes <= kernels.arena.room) return;
  }
  const given = Object.entries(dims)
    .map(([name, value]) => (name === "batch" ? `batch ${value}` : `${name} = ${value}`))
    .join(", ");
  const kernels = activeKernels();
  const limit =
    bytes > MAX_WORKSPACE_BYTES || !(kernels instanceof WasmKernels)
      ? `more than the ${formatBytes(MAX_WORKSPACE_BYTES)} a call may use`
      : `more than the ${formatBytes(kernels.arena.room)} the WebAssembly memory can still take (it holds at most ${formatBytes(kernels.arena.maxBytes)}, parameters and other models' buffers included)`;
  throw new RangeError(`${where}: ${given} needs ${formatBytes(bytes)} of workspace, ${limit}; use a smaller batch`);
}
