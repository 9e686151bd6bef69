// Resource limits the checker enforces, so that a short file cannot ask for
// more than nnc can expand, compile or run (docs/nn-language.md §10).

/**
 * The most graph nodes a model may have: every layer call (those inside
 * block instances and repeated stages included) and every tensor operator
 * (`+`, `-`, `*`, unary `-`). Repeats and block calls are counted before they
 * are expanded (error NN3026).
 */
export const MAX_NODES = 10_000;

/**
 * The most parameters a model may have in total: 2^28 (1 GiB as f32). The
 * WebAssembly kernels keep parameters, gradients and workspaces in one memory
 * of at most 4 GiB, so a larger model could not train there (error NN3027).
 */
export const MAX_PARAMS = 2 ** 28;

/** A count for a message: grouped digits (`1,000,000`), or powers of ten when huge. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return "more than 1e308";
  return n < 1e15 ? n.toLocaleString("en-US") : n.toExponential(2);
}
