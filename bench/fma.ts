// Relaxed SIMD (FMA) and the implicit convolution input gradient, each
// against what it replaces, in one process with rounds interleaved so the
// machine's load hits every side alike; medians.
//   - products alone, GFLOP/s: the FMA build against the plain SIMD build;
//   - the LeNet-5 training step (batch 64), ms: both builds, each with
//     rt.convInputGrad and with it declined (a wrapper returning false, so
//     the generated code runs gemmTransB + col2im as before).
//
// Run: node --experimental-wasm-relaxed-simd --import tsx bench/fma.ts
//      (without the flag only the plain SIMD build runs)
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { sgd, useKernels, wasmKernels } from "../runtime/index.ts";
import type { Kernels } from "../runtime/kernel-types.ts";
import { WasmKernels } from "../runtime/wasm/kernels.ts";
import { compileModel, median, uniform } from "./common.ts";

const fma = wasmKernels();
if (!fma) throw new Error("no WebAssembly SIMD");
const builds: [string, WasmKernels][] = fma.fma ? [["FMA", fma], ["no FMA", new WasmKernels({ fma: false })]] : [["no FMA", fma]];
const rounds = 9;
console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}; relaxed SIMD ${fma.fma ? "on" : "off (run node with --experimental-wasm-relaxed-simd)"}`);

// --- Products. ---
const shapes: [string, number, number, number][] = [
  ["256³", 256, 256, 256],
  ["512³", 512, 512, 512],
  ["LeNet conv2 (im2col) 6400×150×16", 6400, 150, 16],
  ["LSTM input 1024×64×512", 1024, 64, 512],
];
console.log("\nproducts A·B, GFLOP/s (median of bursts of ~30 ms, interleaved):");
for (const [label, m, k, n] of shapes) {
  const rates = new Map<string, number[]>();
  const ops = builds.map(([name, K]) => {
    const a = K.f32(m * k), b = K.f32(k * n), c = K.f32(m * n);
    for (let i = 0; i < a.length; i++) a[i] = Math.sin(i);
    for (let i = 0; i < b.length; i++) b[i] = Math.cos(i);
    rates.set(name, []);
    return [name, () => K.gemm(m, k, n, a, b, c, null, 0, false)] as const;
  });
  for (let r = 0; r < rounds; r++)
    for (const [name, fn] of ops) {
      fn();
      let calls = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < 30) (fn(), calls++);
      rates.get(name)!.push((2 * m * k * n * calls) / (performance.now() - t0) / 1e6);
    }
  console.log(`  ${label}: ${builds.map(([name]) => `${name} ${median(rates.get(name)!).toFixed(1)}`).join(", ")}`);
}

// --- LeNet training step. ---
const M = compileModel(readFileSync(new URL("../examples/lenet.nn", import.meta.url), "utf8"), "LeNet5");
const batch = 64;
const r = uniform(3);
const data = [0, 1, 2, 3].map(() => ({ image: Float32Array.from({ length: batch * 784 }, () => (r() + 1) / 2), label: Int32Array.from({ length: batch }, () => Math.floor(((r() + 1) / 2) * 10)) }));
const variants = builds.flatMap(([name, K]) =>
  [true, false].map((implicit) => {
    // Declining convInputGrad makes the generated code take the product into the column buffer, then col2im.
    const set: Kernels = implicit ? K : Object.assign(Object.create(K) as Kernels, { convInputGrad: () => false });
    useKernels(set);
    const model = new M({ seed: 0 });
    const opt = sgd({ lr: 0.01 });
    const step = (i: number) => {
      const d = data[i % data.length]!;
      model.lossAndGrads!({ image: d.image, label: d.label }, { batch });
      opt.step(model.params, model.grads!);
    };
    for (let i = 0; i < 3; i++) step(i);
    return { label: `${name}, input gradient ${implicit ? "implicit" : "product + col2im"}`, set, step, times: [] as number[] };
  }),
);
for (let round = 0; round < 12 * rounds; round++)
  for (const v of variants) {
    useKernels(v.set);
    const t0 = performance.now();
    v.step(round);
    v.times.push(performance.now() - t0);
  }
console.log(`\nLeNet-5 training step, batch ${batch}, median ms of ${12 * rounds} interleaved steps:`);
for (const v of variants) console.log(`  ${v.label}: ${median(v.times).toFixed(2)}`);
console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
