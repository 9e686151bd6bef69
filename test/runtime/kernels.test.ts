// Kernel selection and the WebAssembly memory: which set runs, that a model's
// arrays live in the memory and survive its growth, and that a model gives
// the same results on both sets.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { f32, jsKernels, kernelSet, useKernels, wasmKernels } from "../../runtime/kernels.ts";
import { WasmKernels, relaxedSimdSupported } from "../../runtime/wasm/kernels.ts";
import { compileModel } from "../codegen/harness.ts";

describe("kernel selection", () => {
  it("follows NNC_KERNELS (this suite runs once per set)", () => {
    expect(kernelSet()).toBe(process.env.NNC_KERNELS);
  });

  it("rejects an unknown NNC_KERNELS value at load", () => {
    const run = () =>
      execFileSync(process.execPath, ["--import", "tsx", "-e", 'import("./runtime/index.ts").then((rt) => console.log(rt.kernelSet()))'], {
        env: { ...process.env, NNC_KERNELS: "gpu" },
        stdio: "pipe",
      });
    expect(run).toThrow(/NNC_KERNELS must be 'js', 'wasm' or 'wasm-nofma', not 'gpu'/);
  });

  it("uses the relaxed-SIMD (FMA) build exactly where it validates; the fma project really runs it", () => {
    // Without this, a flag lost from the fma project's config would silently test the plain build again.
    expect(wasmKernels()!.fma).toBe(relaxedSimdSupported());
    if (process.env.NNC_EXPECT_FMA === "1") expect(wasmKernels()!.fma).toBe(true);
    expect(new WasmKernels({ fma: false }).fma).toBe(false);
  });

  it("NNC_KERNELS=wasm-nofma keeps the plain SIMD build where relaxed SIMD validates", () => {
    const fma = (set: string) =>
      execFileSync(process.execPath, ["--experimental-wasm-relaxed-simd", "--import", "tsx", "-e", 'import("./runtime/kernels.ts").then((k) => console.log(k.kernelSet(), k.wasmKernels().fma))'], {
        env: { ...process.env, NNC_KERNELS: set },
        stdio: "pipe",
      }).toString().trim();
    expect(fma("wasm-nofma")).toBe("wasm false");
    expect(fma("wasm")).toBe("wasm true");
  });

  it("the active build's products (FMA in the fma project) and the plain SIMD build's agree with a plain loop", () => {
    const m = 37, k = 91, n = 29;
    const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i * 0.61));
    const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i * 0.29));
    const expected = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) expected[i * n + j]! += a[i * k + p]! * b[p * n + j]!;
    for (const K of [wasmKernels()!, new WasmKernels({ fma: false })]) {
      // Operands in the build's own memory, read in place.
      const A = K.f32(m * k), B = K.f32(k * n), c = K.f32(m * n);
      A.set(a);
      B.set(b);
      K.gemm(m, k, n, A, B, c, null, 0, false);
      c.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
    }
  });
});

describe("the WebAssembly memory", () => {
  const wasm = wasmKernels()!;
  const arena = wasm.arena;

  it("hands out zeroed, aligned blocks and reuses freed ones", () => {
    const a = arena.alloc(100);
    expect(a % 16).toBe(0);
    const b = arena.alloc(40);
    arena.release(a, 100);
    const c = arena.alloc(64);
    expect(c).toBe(a); // first fit: the freed block
    arena.release(b, 40);
    arena.release(c, 64);
    const view = arena.f32(5);
    expect(Array.from(view)).toEqual([0, 0, 0, 0, 0]);
    expect(arena.addressOf(view)).toBe(view.byteOffset);
    expect(arena.addressOf(new Float32Array(5))).toBe(-1);
  });

  it("keeps earlier arrays valid, and readable by the kernels, after it grows", () => {
    const early = arena.f32(4);
    early.set([1, 2, 3, 4]);
    const size = arena.buffer.byteLength;
    const big = arena.f32(size / 4 + 1); // cannot fit without growing
    expect(arena.buffer.byteLength).toBeGreaterThan(size);
    expect(early.buffer).not.toBe(arena.buffer);
    expect(Array.from(early)).toEqual([1, 2, 3, 4]);
    const c = arena.f32(1);
    wasm.gemm(1, 4, 1, early, early, c, null, 0, false);
    expect(c[0]).toBe(30);
    big[0] = 1; // still writable
  });
});

describe("a model on both kernel sets", () => {
  const source = `
model Net {
  input x: f32[6, 6, 2]
  target y: i32
  logits = x -> conv2d(5, kernel: 3, padding: same) -> relu -> maxpool2d(2) -> conv2d(4, kernel: 2) -> relu -> flatten -> dense(7) -> tanh -> dense(3)
  output logits
  loss cross_entropy(logits, y)
}`;

  // Where memory cannot be shared (a page that is not cross-origin isolated): ordinary arrays, operands copied.
  const plain = new WasmKernels({ shared: false });

  it("keeps its params and grads arrays (in the memory) across batch sizes, with results equal to the JS set's, also without shared memory", () => {
    const previous = kernelSet();
    expect(plain.arena.shared).toBe(false);
    const run = (set: "js" | "wasm" | "plain") => {
      useKernels(set === "plain" ? plain : set);
      const Net = compileModel(source);
      const model = new Net({ seed: 3 });
      const params = Object.values(model.params);
      const results: number[] = [];
      for (const batch of [3, 1, 700, 2]) {
        const x = Float32Array.from({ length: batch * 72 }, (_, i) => Math.sin(i));
        const y = Int32Array.from({ length: batch }, (_, i) => i % 3);
        results.push(model.lossAndGrads!({ x, y }, { batch }));
        results.push(...model.forward({ x }, { batch }).logits!.slice(0, 6));
      }
      expect(Object.values(model.params)).toEqual(params);
      Object.values(model.params).forEach((p, i) => expect(p).toBe(params[i]));
      if (set === "wasm") for (const p of [...params, ...Object.values(model.grads!)]) expect(wasmKernels()!.arena.addressOf(p)).toBeGreaterThan(0);
      if (set === "plain") for (const p of params) expect(p.buffer).toBeInstanceOf(ArrayBuffer);
      return { results, grads: Object.values(model.grads!).map((g) => Array.from(g)) };
    };
    const js = run("js");
    for (const other of [run("wasm"), run("plain")]) {
      for (let i = 0; i < js.results.length; i++) expect(other.results[i]).toBeCloseTo(js.results[i]!, 4);
      js.grads.forEach((g, i) => g.forEach((v, j) => expect(other.grads[i]![j]).toBeCloseTo(v, 4)));
    }
    useKernels(previous);
  });
});

describe("max pooling in WebAssembly", () => {
  // The oracle suite pools 3 channels (scalar path); these cover the four-channel groups, overlapping
  // partial groups, padding and strides, with and without the argmax, against a plain loop.
  const wasm = wasmKernels()!;
  type Axis = { len: number; k: number; s: number; p: number };
  const cases: { C: number; axes: Axis[] }[] = [
    { C: 4, axes: [{ len: 7, k: 2, s: 2, p: 0 }] },
    { C: 6, axes: [{ len: 6, k: 3, s: 2, p: 1 }, { len: 5, k: 2, s: 1, p: 1 }] },
    { C: 9, axes: [{ len: 5, k: 3, s: 2, p: 1 }, { len: 6, k: 2, s: 2, p: 0 }] },
    { C: 5, axes: [{ len: 3, k: 2, s: 1, p: 1 }, { len: 4, k: 2, s: 2, p: 0 }, { len: 4, k: 3, s: 1, p: 1 }] },
  ];
  for (const { C, axes } of cases) {
    it(`${axes.length}-D, ${C} channels, window ${axes.map((a) => a.k).join("×")}`, () => {
      const B = 2;
      const full = [...Array(3 - axes.length).fill({ len: 1, k: 1, s: 1, p: 0 }), ...axes] as Axis[];
      const out = full.map((a) => Math.floor((a.len + 2 * a.p - a.k) / a.s) + 1);
      const L = full.map((a) => a.len);
      const x = wasm.f32(B * L[0]! * L[1]! * L[2]! * C);
      for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 1.7) * 3;
      const n = B * out[0]! * out[1]! * out[2]! * C;
      const expected = new Float32Array(n), where = new Int32Array(n);
      let o = 0;
      for (let b = 0; b < B; b++)
        for (let o0 = 0; o0 < out[0]!; o0++)
          for (let o1 = 0; o1 < out[1]!; o1++)
            for (let o2 = 0; o2 < out[2]!; o2++, o += C)
              for (let c = 0; c < C; c++) {
                let best = -Infinity, at = -1;
                for (let k0 = 0; k0 < full[0]!.k; k0++)
                  for (let k1 = 0; k1 < full[1]!.k; k1++)
                    for (let k2 = 0; k2 < full[2]!.k; k2++) {
                      const i = [o0 * full[0]!.s + k0 - full[0]!.p, o1 * full[1]!.s + k1 - full[1]!.p, o2 * full[2]!.s + k2 - full[2]!.p];
                      if (i.some((v, a) => v < 0 || v >= L[a]!)) continue;
                      const idx = (((b * L[0]! + i[0]!) * L[1]! + i[1]!) * L[2]! + i[2]!) * C + c;
                      if (x[idx]! > best) (best = x[idx]!), (at = idx);
                    }
                expected[o + c] = best;
                where[o + c] = at;
              }
      const win = [B, C, ...L, ...out, ...full.map((a) => a.k), ...full.map((a) => a.s), 1, 1, 1, ...full.map((a) => a.p)] as Parameters<typeof wasm.maxPool> extends [unknown, unknown, unknown, ...infer W] ? W : never;
      const y = wasm.f32(n), arg = wasm.i32(n);
      expect(wasm.maxPool(x, y, arg, ...win)).toBe(true);
      expect(Array.from(y)).toEqual(Array.from(expected));
      expect(Array.from(arg)).toEqual(Array.from(where));
      const y2 = wasm.f32(n);
      expect(wasm.maxPool(x, y2, null, ...win)).toBe(true);
      expect(Array.from(y2)).toEqual(Array.from(expected));
    });
  }
});

describe("convolutions as implicit products", () => {
  // The oracle suite's convolutions have few filters (the kernels' packed-panel path); these add
  // 8 and more filters (weights read in place), more channels, padding, strides and dilation, in
  // 1-D to 3-D, and compare a training step on the WebAssembly set with the same step on the JS set.
  const layers = [
    { input: "f32[9, 3]", layer: "conv1d(8, kernel: 3, stride: 2, padding: same)" },
    { input: "f32[7, 6, 5]", layer: "conv2d(11, kernel: 3, padding: same, dilation: 2)" },
    { input: "f32[8, 7, 4]", layer: "conv2d(16, kernel: (3, 2), stride: (2, 1), padding: 1)" },
    { input: "f32[3, 4, 5, 2]", layer: "conv3d(9, kernel: 2, padding: same)" },
  ];
  for (const { input, layer } of layers) {
    it(`${layer} on ${input}: outputs and gradients equal the JS set's`, () => {
      const source = `
model Net {
  input x: ${input}
  target y: i32
  logits = x -> dense(3) -> ${layer} -> relu -> flatten -> dense(4)
  output logits
  loss cross_entropy(logits, y)
}`;
      const previous = kernelSet();
      const step = (set: "js" | "wasm") => {
        useKernels(set);
        const model = new (compileModel(source))({ seed: 5 });
        const dims = input.slice(4, -1).split(", ").map(Number);
        const size = dims.reduce((a, b) => a * b, 1);
        const batch = 5;
        const x = Float32Array.from({ length: batch * size }, (_, i) => Math.cos(i * 0.37));
        const y = Int32Array.from({ length: batch }, (_, i) => i % 4);
        const loss = model.lossAndGrads!({ x, y }, { batch });
        return { loss, logits: Array.from(model.forward({ x }, { batch }).logits!), grads: Object.values(model.grads!).map((g) => Array.from(g)) };
      };
      const js = step("js");
      const wasm = step("wasm");
      useKernels(previous);
      expect(wasm.loss).toBeCloseTo(js.loss, 5);
      wasm.logits.forEach((v, i) => expect(v).toBeCloseTo(js.logits[i]!, 5));
      js.grads.forEach((g, i) => g.forEach((v, j) => expect(wasm.grads[i]![j]).toBeCloseTo(v, 5)));
    });
  }
});

describe("the convolution input gradient in WebAssembly", () => {
  // rt.convInputGrad computes dcol = dy·wᵀ a chunk of rows at a time and adds each chunk back at its
  // windows; it must give what the product into a full column buffer then col2im gives (the same
  // bits: the same tiles, the adds in the same order) and a plain loop's values, for 1-D to 3-D
  // windows with strides, dilation and padding, few channels, and more rows than one chunk.
  const wasm = wasmKernels()!;
  type Axis = { len: number; k: number; s: number; d: number; p: number };
  const cases: { B: number; C: number; F: number; axes: Axis[] }[] = [
    { B: 3, C: 3, F: 8, axes: [{ len: 9, k: 3, s: 2, d: 1, p: 1 }] },
    { B: 2, C: 1, F: 6, axes: [{ len: 12, k: 5, s: 1, d: 2, p: 0 }] },
    { B: 3, C: 6, F: 16, axes: [{ len: 12, k: 5, s: 1, d: 1, p: 0 }, { len: 12, k: 5, s: 1, d: 1, p: 0 }] },
    { B: 5, C: 1, F: 6, axes: [{ len: 7, k: 3, s: 2, d: 1, p: 1 }, { len: 6, k: 3, s: 2, d: 1, p: 1 }] },
    { B: 2, C: 5, F: 11, axes: [{ len: 7, k: 3, s: 2, d: 2, p: 2 }, { len: 6, k: 2, s: 1, d: 1, p: 0 }] },
    { B: 2, C: 2, F: 9, axes: [{ len: 3, k: 2, s: 1, d: 1, p: 1 }, { len: 4, k: 2, s: 2, d: 1, p: 0 }, { len: 5, k: 3, s: 1, d: 2, p: 1 }] },
  ];
  for (const { B, C, F, axes } of cases) {
    it(`${axes.length}-D, ${C} channel(s), ${F} filters, window ${axes.map((a) => a.k).join("×")}, strides ${axes.map((a) => a.s).join("×")}`, () => {
      const full = [...Array(3 - axes.length).fill({ len: 1, k: 1, s: 1, d: 1, p: 0 }), ...axes] as Axis[];
      const L = full.map((a) => a.len);
      const O = full.map((a) => Math.floor((a.len + 2 * a.p - a.d * (a.k - 1) - 1) / a.s) + 1);
      const win = [B, C, ...L, ...O, ...full.map((a) => a.k), ...full.map((a) => a.s), ...full.map((a) => a.d), ...full.map((a) => a.p)] as Parameters<typeof wasm.col2im> extends [unknown, unknown, ...infer W] ? W : never;
      const rows = B * O[0]! * O[1]! * O[2]!;
      const patch = full[0]!.k * full[1]!.k * full[2]!.k * C;
      const dy = wasm.f32(rows * F), w = wasm.f32(patch * F);
      for (let i = 0; i < dy.length; i++) dy[i] = Math.sin(i * 0.73);
      for (let i = 0; i < w.length; i++) w[i] = Math.cos(i * 0.41);
      const size = B * L[0]! * L[1]! * L[2]! * C;
      // dx starts non-zero: the kernel adds to it, like col2im.
      const start = Float32Array.from({ length: size }, (_, i) => 0.25 * Math.cos(i));
      const dx = wasm.f32(size), viaCol = wasm.f32(size), col = wasm.f32(rows * patch);
      dx.set(start);
      viaCol.set(start);
      expect(wasm.convInputGrad(dy, w, dx, F, ...win)).toBe(true);
      wasm.gemmTransB(rows, F, patch, dy, w, col, false);
      expect(wasm.col2im(viaCol, col, ...win)).toBe(true);
      expect(Array.from(dx)).toEqual(Array.from(viaCol));
      // A plain loop over (example, output position, cell, channel, filter).
      const expected = Float64Array.from(start);
      let r = 0;
      for (let b = 0; b < B; b++)
        for (let o0 = 0; o0 < O[0]!; o0++)
          for (let o1 = 0; o1 < O[1]!; o1++)
            for (let o2 = 0; o2 < O[2]!; o2++, r++) {
              let p = 0;
              for (let k0 = 0; k0 < full[0]!.k; k0++)
                for (let k1 = 0; k1 < full[1]!.k; k1++)
                  for (let k2 = 0; k2 < full[2]!.k; k2++, p += C) {
                    const i = [o0 * full[0]!.s + k0 * full[0]!.d - full[0]!.p, o1 * full[1]!.s + k1 * full[1]!.d - full[1]!.p, o2 * full[2]!.s + k2 * full[2]!.d - full[2]!.p];
                    if (i.some((v, a) => v < 0 || v >= L[a]!)) continue;
                    const at = (((b * L[0]! + i[0]!) * L[1]! + i[1]!) * L[2]! + i[2]!) * C;
                    for (let c = 0; c < C; c++) for (let f = 0; f < F; f++) expected[at + c]! += dy[r * F + f]! * w[(p + c) * F + f]!;
                  }
            }
      dx.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
    });
  }

  it("declines where conv does: without shared memory, and on the JS set", () => {
    const plain = new WasmKernels({ shared: false });
    const win = [1, 1, 1, 1, 4, 1, 1, 3, 1, 1, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0] as const;
    expect(plain.convInputGrad(plain.f32(3), plain.f32(2), plain.f32(4), 1, ...win)).toBe(false);
    expect(jsKernels.convInputGrad(new Float32Array(3), new Float32Array(2), new Float32Array(4), 1, ...win)).toBe(false);
  });
});
