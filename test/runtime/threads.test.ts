// Products split over two threads (runtime/threads-node.ts) must give the
// single-thread kernel's bits: by rows (m ≥ 8) and by 8-column blocks (fewer
// rows), with bias and relu, accumulating, transposed and strided operands,
// operands copied in from outside the memory. The split threshold is set to
// 1 here so that small shapes with leftover rows and partial blocks split too.
// And a Node process using the helper must still exit when its work is done.
import { spawnSync } from "node:child_process";
import { Worker } from "node:worker_threads";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wasmKernels } from "../../runtime/kernels.ts";
import { threadsReady, useThreads } from "../../runtime/threads-node.ts";
import { Rng } from "../../runtime/random.ts";
import type { WindowArgs } from "../../runtime/kernel-types.ts";
import { CONTROL_INTS, Kind, productCut, SecondCore, Slot, type GemmArgs } from "../../runtime/wasm/second-core.ts";

const wasm = wasmKernels()!;
const rng = new Rng(3);
const rand = (n: number, inMemory = true) => {
  const a = inMemory ? wasm.f32(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform() * 2 - 1;
  return a;
};

/** Runs `product` on one thread, then split, and returns both results. */
function both(product: (c: Float32Array) => void, c0: Float32Array): [number[], number[]] {
  const core = wasm.secondCore!;
  const single = Float32Array.from(c0), split = Float32Array.from(c0);
  const c = c0;
  core.splitAt = Number.MAX_SAFE_INTEGER;
  product(c);
  single.set(c);
  c.set(split);
  const jobs = core.jobs;
  core.splitAt = 1;
  product(c);
  expect(core.jobs).toBe(jobs + 1); // the helper really took part
  return [Array.from(single), Array.from(c)];
}

describe("two threads", () => {
  beforeAll(async () => {
    expect(useThreads(2)).toBe(true);
    await threadsReady();
    wasm.secondCore!.pauseMs = 0; // split every product, however busy the machine
    wasm.secondCore!.soloWhileAsleep = false; // even one posted while the helper sleeps
  });
  afterAll(() => {
    useThreads(1);
  });

  // [m, k, n]: rows split (m ≥ 8, leftover rows on the helper's side), columns split (m < 8), partial blocks.
  const shapes = [[8, 5, 8], [9, 17, 13], [13, 33, 21], [64, 64, 64], [3, 20, 17], [1, 9, 37], [7, 16, 24]];
  for (const [m, k, n] of shapes as [number, number, number][]) {
    it(`${m}×${k}·${k}×${n}: plain with bias and relu, accumulating, transposed B, strided, copied-in and packed operands give the single-thread bits`, () => {
      const a = rand(m * k), b = rand(k * n), bias = rand(n);
      const c = wasm.f32(m * n);
      const checks: [string, (c: Float32Array) => void][] = [
        ["gemm + bias + relu", (c) => wasm.gemm(m, k, n, a, b, c, bias, 1, false)],
        ["gemm accumulating", (c) => wasm.gemm(m, k, n, a, b, c, null, 0, true)],
        ["Aᵀ·B", (c) => wasm.gemmTransA(m, k, n, a, b, c, false)],
        ["A·Bᵀ", (c) => wasm.gemmTransB(m, k, n, a, b, c, false)],
        ["strided A·Bᵀ", (c) => wasm.gemmTransBStrided(m, k - 1, n - 1, a, 1, k, b, 0, k, c, 1, n, false)],
        ["operands outside the memory", (c) => wasm.gemm(m, k, n, Float32Array.from(a), Float32Array.from(b), c, Float32Array.from(bias), 0, false)],
        // B (n×k, transposed) packed once, as the recurrent backward pass packs Uᵀ.
        ["packed Bᵀ", (c) => wasm.gemmPackedB(m, a, 0, k, wasm.packTransB(k, n, b, 0, k), c, 0, n, false)],
        ["packed Bᵀ accumulating, strided A and C", (c) => wasm.gemmPackedB(m, a, 1, k, wasm.packTransB(k - 1, n - 1, b, 1, k), c, 1, n, true)],
      ];
      for (const [what, product] of checks) {
        c.set(rand(m * n, false));
        const [single, split] = both(product, c);
        expect(split, what).toEqual(single);
      }
      // A C outside the memory comes back through scratch, split too.
      const foreign = rand(m * n, false);
      const [single, split] = both((c) => wasm.gemm(m, k, n, a, b, c, bias, 0, false), foreign);
      expect(split).toEqual(single);
    });
  }

  // Convolutions split by examples: [B, C, L, O, K, S, D, P] per axis, outer axes padded with 1s.
  const windows: [string, WindowArgs, number][] = [
    ["2-d, 1 channel, 6 filters, same padding, B = 6", [6, 1, 1, 12, 12, 1, 12, 12, 1, 5, 5, 1, 1, 1, 1, 1, 1, 0, 2, 2], 6],
    ["1-d, stride 2, dilation 2, B = 9 (uneven chunks)", [9, 5, 1, 1, 40, 1, 1, 19, 1, 1, 3, 1, 1, 2, 1, 1, 2, 0, 0, 1], 7],
    ["3-d, B = 3", [3, 2, 5, 6, 6, 3, 4, 4, 3, 3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0], 4],
  ];
  for (const [what, win, F] of windows) {
    it(`convolution forward (with bias and relu) and input gradient, ${what}: the single-thread bits`, () => {
      const [B, C, L0, L1, L2, O0, O1, O2, K0, K1, K2] = win;
      const x = rand(B * L0 * L1 * L2 * C), w = rand(K0 * K1 * K2 * C * F), bias = rand(F), dy = rand(B * O0 * O1 * O2 * F);
      const [single, split] = both((y) => expect(wasm.conv(x, w, bias, y, 1, F, ...win)).toBe(true), wasm.f32(B * O0 * O1 * O2 * F));
      expect(split).toEqual(single);
      const dx = wasm.f32(B * L0 * L1 * L2 * C);
      dx.set(rand(dx.length, false)); // accumulates into what is there
      const [dxSingle, dxSplit] = both((dx) => expect(wasm.convInputGrad(dy, w, dx, F, ...win)).toBe(true), dx);
      expect(dxSplit).toEqual(dxSingle);
    });
  }

  it("the worker computes chunks, also in memory grown after it started", () => {
    const core = wasm.secondCore!;
    core.splitAt = 1;
    wasm.f32(16 << 20); // 64 MiB more: the arrays below lie past the memory the worker first saw
    const s = 256, a = rand(s * s), b = rand(s * s), c = wasm.f32(s * s);
    const expected = wasm.f32(s * s);
    core.splitAt = Number.MAX_SAFE_INTEGER;
    wasm.gemm(s, s, s, a, b, expected, null, 0, false);
    core.splitAt = 1;
    // Whether the worker gets a chunk depends on the OS scheduling it: try for up to 5 s.
    const helped = core.helped;
    const t0 = performance.now();
    while (core.helped === helped && performance.now() - t0 < 5000) wasm.gemm(s, s, s, a, b, c, null, 0, false);
    expect(core.helped).toBeGreaterThan(helped);
    expect(Array.from(c)).toEqual(Array.from(expected));
  });

  it("runs a small product posted while the helper sleeps on this thread alone, waking the helper for the products after it; a large one it shares", async () => {
    const core = wasm.secondCore!;
    core.soloWhileAsleep = true;
    try {
      const a = rand(64 * 64), b = rand(64 * 64), c = wasm.f32(64 * 64), expected = wasm.f32(64 * 64);
      core.splitAt = Number.MAX_SAFE_INTEGER;
      wasm.gemm(64, 64, 64, a, b, expected, null, 0, false);
      core.splitAt = 1;
      // The helper sleeps 2 ms after its last job.
      while (Atomics.load(core.control, Slot.sleeping) !== 1) await new Promise((r) => setTimeout(r, 5));
      const { jobs, wakes } = core;
      const wakeups = Atomics.load(core.control, Slot.wakeups);
      wasm.gemm(64, 64, 64, a, b, c, null, 0, false);
      expect(core.wakes).toBe(wakes + 1);
      expect(core.jobs).toBe(jobs); // not split
      expect(Array.from(c)).toEqual(Array.from(expected));
      // Woken (waiting without spinning here: on a busy machine a spinning main thread can keep a woken worker off the CPU for a second).
      const t0 = performance.now();
      while (Atomics.load(core.control, Slot.wakeups) === wakeups && performance.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 1));
      expect(Atomics.load(core.control, Slot.wakeups)).toBe(wakeups + 1);
      // A large product (≥ soloBelow) is shared even so: the helper joins late.
      const s = 256, a2 = rand(s * s), b2 = rand(s * s), c2 = wasm.f32(s * s), expected2 = wasm.f32(s * s);
      core.splitAt = Number.MAX_SAFE_INTEGER;
      wasm.gemm(s, s, s, a2, b2, expected2, null, 0, false);
      core.splitAt = 1;
      while (Atomics.load(core.control, Slot.sleeping) !== 1) await new Promise((r) => setTimeout(r, 5));
      const before = { jobs: core.jobs, wakes: core.wakes };
      wasm.gemm(s, s, s, a2, b2, c2, null, 0, false);
      expect({ jobs: core.jobs, wakes: core.wakes }).toEqual({ jobs: before.jobs + 1, wakes: before.wakes });
      expect(Array.from(c2)).toEqual(Array.from(expected2));
    } finally {
      core.soloWhileAsleep = false;
    }
  });

  it("leaves products below the threshold on this thread", () => {
    const core = wasm.secondCore!;
    core.splitAt = 64 ** 3;
    const jobs = core.jobs;
    const a = rand(32 * 32), b = rand(32 * 32), c = wasm.f32(32 * 32);
    wasm.gemm(32, 32, 32, a, b, c, null, 0, false);
    expect(core.jobs).toBe(jobs);
    wasm.gemm(64, 64, 64, rand(64 * 64), rand(64 * 64), wasm.f32(64 * 64), null, 0, false);
    expect(core.jobs).toBe(jobs + 1);
  });
});

it("a process using the helper thread exits once its work is done (the worker is unref'd)", () => {
  const dir = mkdtempSync(join(tmpdir(), "nnc-threads-"));
  const script = join(dir, "run.mts");
  const runtime = join(process.cwd(), "runtime");
  writeFileSync(
    script,
    `import { wasmKernels } from ${JSON.stringify(join(runtime, "kernels.ts"))};
import { threadsReady, useThreads } from ${JSON.stringify(join(runtime, "threads-node.ts"))};
useThreads(2);
await threadsReady();
const w = wasmKernels();
const c = w.f32(128 * 128);
w.gemm(128, 128, 128, w.f32(128 * 128).fill(1), w.f32(128 * 128).fill(2), c, null, 0, false);
// Split, or (the helper already asleep) run alone waking it: either way it was posted to the helper.
console.log(w.secondCore.jobs + w.secondCore.wakes, c[0]);
`,
  );
  const r = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8", timeout: 30_000 });
  expect(r.error).toBeUndefined(); // a timeout would be an error here
  expect(r.stderr).toBe("");
  expect(r.stdout.trim()).toBe("1 256");
  expect(r.status).toBe(0);
});

it("pauses splitting after a product that waited long for the worker's chunk, and splits again after the pause", async () => {
  // A stand-in worker that spins for jobs (never sleeps), claims one chunk of each and holds it 5 ms, as a descheduled
  // one would; the products themselves do nothing.
  const ctl = new Int32Array(new SharedArrayBuffer(CONTROL_INTS * 4));
  const stub = new Worker(
    `const { workerData: ctl } = require("node:worker_threads");
    let seen = 0;
    Atomics.store(ctl, ${Slot.ready}, 1);
    for (;;) {
      const seq = Atomics.load(ctl, ${Slot.posted});
      if (seq === seen) continue;
      seen = seq;
      const v = Atomics.load(ctl, ${Slot.next});
      if (v >>> 16 !== seq || Atomics.compareExchange(ctl, ${Slot.next}, v, v + 1) !== v) continue;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
      Atomics.add(ctl, ${Slot.done}, 1);
    }`,
    { eval: true, workerData: ctl },
  );
  try {
    while (Atomics.load(ctl, Slot.ready) !== 1) await new Promise((r) => setTimeout(r, 1));
    const core = new SecondCore(ctl, () => 0, 1);
    core.pauseMs = 100;
    // This thread's 8 chunks take 0.2 ms each, so the spinning stub claims one before they run out, once the OS runs
    // it (on a busy machine that can take a while: tried for up to 10 s).
    const slowGemm = () => {
      const t = performance.now();
      while (performance.now() - t < 0.2);
    };
    const args = [64, 64, 64, 0, 64, 1, 0, 64, 1, 0, 64, 0, 0, 0, 0] as GemmArgs;
    const t0 = performance.now();
    while (core.pauses === 0 && performance.now() - t0 < 10_000) if (core.takes(productCut(64, 64, 64))) core.run({ gemm: slowGemm, gemmPacked: slowGemm, convForward: slowGemm, convInputGrad: slowGemm }, Kind.gemm, args, productCut(64, 64, 64), 0);
    expect(core.pauses).toBe(1);
    expect(core.takes(productCut(64, 64, 64))).toBe(false);
    await new Promise((r) => setTimeout(r, 120));
    expect(core.takes(productCut(64, 64, 64))).toBe(true);
  } finally {
    await stub.terminate();
  }
});
