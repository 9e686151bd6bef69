// The product kernels alone, in GFLOP/s (2·m·k·n per call), on square
// products and on shapes the benchmark models run, for every transposition
// variant, WebAssembly SIMD (operands in its memory) against plain JS.
// The issue's reference: ~44 GFLOP/s single-threaded for a 4×8 AssemblyScript
// tile on 256³ and 512³ on an idle core of this machine; TF.js wasm (XNNPACK)
// ~31 with cached weights.
//
// Run: npx tsx bench/kernels.ts   (npm run bench prints it after the models)
//      node --experimental-wasm-relaxed-simd --import tsx bench/kernels.ts   (Node 20: adds the FMA build)
import { jsKernels, wasmKernels } from "../runtime/kernels.ts";
import type { Kernels } from "../runtime/kernel-types.ts";
import { WasmKernels } from "../runtime/wasm/kernels.ts";
import { isMain, median, quick } from "./common.ts";

const shapes: [string, number, number, number][] = [
  ["256³", 256, 256, 256],
  ["512³", 512, 512, 512],
  ["LeNet conv1 (im2col)", 50176, 25, 6],
  ["LeNet conv2 (im2col)", 6400, 150, 16],
  ["LeNet dense 400→120", 64, 400, 120],
  ["LSTM input 64→512", 1024, 64, 512],
  ["LSTM step 128→512", 32, 128, 512],
  ["attention d 64", 1024, 64, 64],
];

/** GFLOP/s: the median over a few ~50 ms bursts. */
function gflops(flops: number, fn: () => void): number {
  fn();
  const rates: number[] = [];
  for (let r = 0; r < (quick ? 3 : 7); r++) {
    let calls = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 50) (fn(), calls++);
    rates.push((flops * calls) / (performance.now() - t0) / 1e6);
  }
  return median(rates);
}

export function kernelTable(): string[] {
  const wasm = wasmKernels();
  // With relaxed SIMD (e.g. node --experimental-wasm-relaxed-simd) the FMA build runs, and the plain SIMD build is timed beside it.
  const sets: [string, Kernels][] = [
    [wasm?.fma ? "wasm FMA" : "wasm", wasm],
    ["wasm no-FMA", wasm?.fma ? new WasmKernels({ fma: false }) : undefined],
    ["js", jsKernels],
  ].filter(([, k]) => k) as [string, Kernels][];
  const head = ["shape (m×k×n)", ...sets.flatMap(([name]) => [`${name} A·B`, `${name} Aᵀ·B`, `${name} A·Bᵀ`])];
  const rows: string[][] = [];
  for (const [label, m, k, n] of shapes) {
    const row = [`${label} ${m}×${k}×${n}`];
    for (const [, K] of sets) {
      const a = K.f32(m * k), b = K.f32(k * n), c = K.f32(m * n);
      for (let i = 0; i < a.length; i++) a[i] = Math.sin(i);
      for (let i = 0; i < b.length; i++) b[i] = Math.cos(i);
      const f = 2 * m * k * n;
      row.push(gflops(f, () => K.gemm(m, k, n, a, b, c, null, 0, false)).toFixed(1));
      row.push(gflops(f, () => K.gemmTransA(m, k, n, a, b, c, false)).toFixed(1));
      row.push(gflops(f, () => K.gemmTransB(m, k, n, a, b, c, false)).toFixed(1));
    }
    rows.push(row);
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
  return [
    "Product kernels alone, GFLOP/s, one thread (median of bursts); Aᵀ·B is the weight gradient's form, A·Bᵀ the input gradient's:",
    line(head),
    `|${widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`,
    ...rows.map(line),
  ];
}

if (isMain(import.meta.url)) console.log(kernelTable().join("\n"));
