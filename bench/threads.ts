// One thread against two (runtime/threads-node.ts) for the WebAssembly
// kernels: products alone at 64³…512³, then the benchmark's training steps
// (LeNet-5 b64, LSTM b32 T32, attention b16 T64), and the steps again with
// every product split (threshold 1) to show what small products cost.
// Rounds alternate one and two threads in one process, so the machine's load
// (printed) hits both alike; medians.
//
// Run: npx tsx bench/threads.ts [--quick]
import { loadavg } from "node:os";
import { sgd, wasmKernels } from "../runtime/index.ts";
import { threadsReady, useThreads } from "../runtime/threads-node.ts";
import { DEFAULT_SPLIT_AT } from "../runtime/wasm/second-core.ts";
import { attentionBench } from "./attention.ts";
import { compileModel, median, quick, type ModelBench } from "./common.ts";
import { lenetBench } from "./lenet.ts";
import { lstmBench } from "./lstm.ts";

const w = wasmKernels();
if (!w || !w.arena.shared) throw new Error("needs the WebAssembly kernels on a shared memory");
useThreads(2);
await threadsReady();
const core = w.secondCore!;
const ROUNDS = quick ? 7 : 21;
const load = () => loadavg()[0]!.toFixed(2);

/** Median ms of fn with the split threshold at each of `thresholds`, rounds interleaved. */
function compare(fn: (i: number) => void, thresholds: number[]): number[] {
  const times = thresholds.map(() => [] as number[]);
  for (let i = 0; i < 3; i++) thresholds.forEach((t) => ((core.splitAt = t), fn(i)));
  for (let r = 0; r < ROUNDS; r++)
    thresholds.forEach((t, j) => {
      core.splitAt = t;
      const t0 = performance.now();
      fn(r);
      times[j]!.push(performance.now() - t0);
    });
  return times.map(median);
}

const OFF = Number.MAX_SAFE_INTEGER;
/** What the helper did since the last call: products shared, run alone while waking it, pauses. */
let last = { jobs: 0, wakes: 0, pauses: 0 };
const counters = () => {
  const now = { jobs: core.jobs, wakes: core.wakes, pauses: core.pauses };
  const text = `shared ${now.jobs - last.jobs}, alone waking ${now.wakes - last.wakes}, pauses ${now.pauses - last.pauses}`;
  last = now;
  return text;
};
console.log(`load ${load()} at start; split threshold ${DEFAULT_SPLIT_AT} multiply-adds`);
console.log("product m=k=n | 1 thread ms | 2 threads ms | speed-up");
for (const s of [64, 128, 256, 512]) {
  const a = w.f32(s * s).fill(0.5), b = w.f32(s * s).fill(0.25), c = w.f32(s * s);
  const reps = Math.max(1, Math.round((256 / s) ** 3));
  const [one, two] = compare(() => {
    for (let i = 0; i < reps; i++) w.gemm(s, s, s, a, b, c, null, 0, false);
  }, [OFF, 1]).map((t) => t / reps);
  console.log(`${s}³ | ${one!.toFixed(3)} | ${two!.toFixed(3)} | ${(one! / two!).toFixed(2)}× (load ${load()}; ${counters()})`);
}

console.log("train step | 1 thread ms | 2 threads ms (default threshold) | speed-up | 2 threads, every product split | speed-up");
for (const bench of [lenetBench(), lstmBench(), attentionBench()] as ModelBench[]) {
  const M = compileModel(bench.source, bench.model);
  const m = new M({ seed: 0 });
  const opt = sgd({ lr: 0.01 });
  const dims = { batch: bench.batch, ...bench.dims };
  const step = (i: number) => {
    const b = bench.batches[i % bench.batches.length]!;
    m.lossAndGrads!({ [bench.input]: b.x, [bench.target]: b.label }, dims);
    opt.step(m.params, m.grads!);
  };
  const [one, two, all] = compare(step, [OFF, DEFAULT_SPLIT_AT, 1]);
  console.log(`${bench.name} b${bench.batch} | ${one!.toFixed(2)} | ${two!.toFixed(2)} | ${(one! / two!).toFixed(2)}× | ${all!.toFixed(2)} | ${(one! / all!).toFixed(2)}× (load ${load()}; ${counters()})`);
}
useThreads(1);
