// The recurrent backward pass with Uᵀ packed once per step (packTransB, then
// gemmPackedB in every time step) against the same code with every step's
// product packing Uᵀ itself (a wrapper whose gemmPackedB forwards to
// gemmTransBStrided, as the code did before). One process, rounds
// interleaved so the machine's load hits both sides alike; medians.
//
// Run: npx tsx bench/packed.ts
import { loadavg } from "node:os";
import { activeKernels, sgd, useKernels } from "../runtime/index.ts";
import type { Kernels } from "../runtime/kernel-types.ts";
import { compileModel, median, uniform } from "./common.ts";

const inner = activeKernels();
if (inner.name !== "wasm") throw new Error("run on the wasm kernels");
const unpacked: Kernels = Object.assign(Object.create(inner) as Kernels, {
  gemmPackedB: (m: number, a: Float32Array, aOff: number, lda: number, p: Parameters<Kernels["gemmPackedB"]>[4], c: Float32Array, cOff: number, ldc: number, acc: boolean) =>
    inner.gemmTransBStrided(m, p.k, p.n, a, aOff, lda, p.b, p.bOff, p.ldb, c, cOff, ldc, acc),
});

for (const kind of ["lstm", "gru"]) {
  const source = `model R {
  input x: f32[T, 64]
  target label: i32
  logits = x -> ${kind}(128) -> dense(10)
  output logits
  loss cross_entropy(logits, label)
}
`;
  const M = compileModel(source, "R");
  const m = new M({ seed: 0 });
  const opt = sgd({ lr: 0.01 });
  const r = uniform(7);
  const batches = [0, 1, 2, 3].map(() => ({ x: Float32Array.from({ length: 32 * 32 * 64 }, r), label: Int32Array.from({ length: 32 }, () => Math.floor(((r() + 1) / 2) * 10)) }));
  const step = (i: number) => {
    const b = batches[i % batches.length]!;
    m.lossAndGrads!({ x: b.x, label: b.label }, { batch: 32, T: 32 });
    opt.step(m.params, m.grads!);
  };
  const times: Record<string, number[]> = { packed: [], unpacked: [] };
  for (let i = 0; i < 3; i++) step(i);
  for (let round = 0; round < 15; round++) {
    for (const [name, set] of [["packed", inner], ["unpacked", unpacked]] as const) {
      useKernels(set);
      const t0 = performance.now();
      step(round);
      times[name]!.push(performance.now() - t0);
    }
  }
  useKernels(inner);
  const p = median(times.packed!), u = median(times.unpacked!);
  console.log(`${kind}(128), b32 T32 train step: Uᵀ packed once per step ${p.toFixed(2)} ms, per product ${u.toFixed(2)} ms (${((u / p - 1) * 100).toFixed(1)}% slower); load ${loadavg()[0]!.toFixed(2)}`);
}
