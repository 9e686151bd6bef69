// Where a step's time goes: wraps the active kernel set so each product call
// is timed and its floating-point work (2·m·k·n) counted, per entry point.
// The timer costs ~0.1 µs a call, so profiled runs are separate from the
// timed ones; what is left of a step's time is the work outside the kernels
// (im2col, pooling, activations, gates, softmax, losses, optimizer, copies).
import { activeKernels, jsKernels, useKernels } from "../runtime/kernels.ts";
import type { Kernels, PackedB } from "../runtime/kernel-types.ts";

type Entry = Exclude<keyof Kernels, "name" | "f32" | "i32">;
const products: Entry[] = ["gemm", "gemmTransA", "gemmTransB", "gemmStrided", "gemmTransAStrided", "gemmTransBStrided"];
/** Products on a packed B: flops 2·m·k·n, with k and n from the handle. */
const packedProducts: Entry[] = ["gemmPackedB"];
/** Implicit convolutions: flops 2·rows·patch·filters, from their window arguments. */
const convs: Entry[] = ["conv", "convFilterGrad", "convInputGrad"];
/** Every other entry point (layout and element-wise kernels): timed, no flops. Read off the set, so a new kernel is counted (and a profiled model can call it). */
const layoutsOf = (k: Kernels): Entry[] =>
  (Object.keys(jsKernels) as (keyof Kernels)[]).filter((e): e is Entry => typeof k[e] === "function" && !["f32", "i32"].includes(e) && ![...products, ...packedProducts, ...convs].includes(e as Entry));

export interface KernelProfile {
  /** Per entry point: calls, ms and flops summed over the profiled runs. */
  kernels: Record<string, { calls: number; ms: number; flops: number }>;
  /** ms of the whole runs. */
  total: number;
}

/** Runs fn `runs` times with every product call timed. */
export function profile(runs: number, fn: (i: number) => unknown): KernelProfile {
  const inner = activeKernels();
  const kernels: KernelProfile["kernels"] = {};
  const wrapped = { name: inner.name, f32: inner.f32.bind(inner), i32: inner.i32.bind(inner) } as Kernels & Record<string, unknown>;
  for (const e of [...products, ...packedProducts, ...layoutsOf(inner), ...convs]) {
    const stat = (kernels[e] = { calls: 0, ms: 0, flops: 0 });
    const f = (inner[e] as (...args: unknown[]) => unknown).bind(inner);
    wrapped[e] = ((...args: unknown[]) => {
      const t0 = performance.now();
      const done = f(...args);
      stat.ms += performance.now() - t0;
      stat.calls++;
      if (products.includes(e)) stat.flops += 2 * (args[0] as number) * (args[1] as number) * (args[2] as number);
      else if (packedProducts.includes(e)) {
        const p = args[4] as PackedB;
        stat.flops += 2 * (args[0] as number) * p.k * p.n;
      }
      else if (done && convs.includes(e)) {
        // After the arrays, act (conv only) and filters: B, C, L×3, O×3, K×3, ….
        const w = (args as number[]).slice(e === "conv" ? 6 : 4);
        const filters = (args as number[])[e === "conv" ? 5 : 3]!;
        stat.flops += 2 * w[0]! * w[5]! * w[6]! * w[7]! * w[8]! * w[9]! * w[10]! * w[1]! * filters;
      }
      return done;
    }) as never;
  }
  useKernels(wrapped);
  const t0 = performance.now();
  try {
    for (let i = 0; i < runs; i++) fn(i);
  } finally {
    useKernels(inner);
  }
  return { kernels, total: performance.now() - t0 };
}

/** "gemm 31.2 GFLOP/s (40% of the step), …; outside the kernels 35%". */
export function profileLine(p: KernelProfile): string {
  const inKernels = Object.values(p.kernels).reduce((s, k) => s + k.ms, 0);
  const parts = Object.entries(p.kernels)
    .filter(([, k]) => k.calls > 0)
    .map(([name, k]) => `${name} ${k.flops ? `${(k.flops / k.ms / 1e6).toFixed(1)} GFLOP/s ` : ""}(${((100 * k.ms) / p.total).toFixed(0)}%)`);
  return `${parts.join(", ")}; outside the kernels ${((100 * (p.total - inKernels)) / p.total).toFixed(0)}%`;
}
