// Both kernel sets' products against a naive triple loop, on shapes that
// exercise full tiles (4×4 and 4×3 in JavaScript, 4×8 in WebAssembly),
// partial tiles and single leftover rows in both directions. The WebAssembly
// set runs twice: on arrays in its memory (passed by address) and on
// ordinary arrays (copied through scratch).
import { describe, expect, it } from "vitest";
import { jsKernels, wasmKernels } from "../../runtime/kernels.ts";
import type { Kernels } from "../../runtime/kernel-types.ts";
import { Rng } from "../../runtime/random.ts";

const rng = new Rng(11);
let alloc: (n: number) => Float32Array = (n) => new Float32Array(n);
const rand = (n: number) => {
  const a = alloc(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform() * 2 - 1;
  return a;
};
const at = (a: Float32Array, rows: number, cols: number, trans: boolean) => (i: number, j: number) => (trans ? a[j * rows + i]! : a[i * cols + j]!);

function reference(m: number, k: number, n: number, a: (i: number, p: number) => number, b: (p: number, j: number) => number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) c[i * n + j]! += a(i, p) * b(p, j);
  return c;
}

function close(actual: Float32Array, expected: ArrayLike<number>): void {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst).toBeLessThan(1e-4);
}

const shapes = [[1, 1, 1], [3, 5, 2], [4, 4, 4], [5, 7, 6], [9, 3, 10], [8, 25, 6], [13, 2, 9], [6, 11, 7], [17, 16, 5], [7, 9, 17], [2, 40, 24], [12, 3, 16]];

const wasm = wasmKernels();
const sets: [string, Kernels, (n: number) => Float32Array][] = [
  ["js", jsKernels, (n) => new Float32Array(n)],
  ["wasm, operands in its memory", wasm!, (n) => wasm!.f32(n)],
  ["wasm, operands copied in", wasm!, (n) => new Float32Array(n)],
];

it("this engine runs the WebAssembly SIMD kernels in a shared memory (so both paths are tested here)", () => {
  expect(wasm).toBeDefined();
  expect(wasm!.arena.shared).toBe(true);
});

for (const [setName, kernels, allocate] of sets) {
  const [gemm, gemmStrided, gemmTransA, gemmTransB, gemmTransAStrided, gemmTransBStrided] = [kernels.gemm, kernels.gemmStrided, kernels.gemmTransA, kernels.gemmTransB, kernels.gemmTransAStrided, kernels.gemmTransBStrided].map((f) => f.bind(kernels)) as [Kernels["gemm"], Kernels["gemmStrided"], Kernels["gemmTransA"], Kernels["gemmTransB"], Kernels["gemmTransAStrided"], Kernels["gemmTransBStrided"]];
  const use = () => (alloc = allocate);

  describe(`matrix products (${setName})`, () => {
    for (const [m, k, n] of shapes as [number, number, number][]) {
      it(`${m}×${k}·${k}×${n}: plain, with bias and relu, tanh and sigmoid, accumulating, and both transposed forms`, () => {
        use();
        const a = rand(m * k), b = rand(k * n), bias = rand(n);
        const expected = reference(m, k, n, at(a, m, k, false), at(b, k, n, false));
        const c = alloc(m * n); // in the memory too: tanh and sigmoid then run vectorised in place
        gemm(m, k, n, a, b, c, null, 0, false);
        close(c, expected);
        gemm(m, k, n, a, b, c, bias, 1, false);
        close(c, Array.from(expected, (v, i) => Math.max(0, v + bias[i % n]!)));
        gemm(m, k, n, a, b, c, bias, 2, false);
        close(c, Array.from(expected, (v, i) => Math.tanh(v + bias[i % n]!)));
        gemm(m, k, n, a, b, c, null, 3, false);
        close(c, Array.from(expected, (v) => 1 / (1 + Math.exp(-v))));
        const acc = rand(m * n);
        const before = Float32Array.from(acc);
        gemm(m, k, n, a, b, acc, bias, 1, true);
        close(acc, Array.from(expected, (v, i) => v + before[i]!));

        const aT = rand(k * m); // A stored [k×m]
        const eTA = reference(m, k, n, at(aT, m, k, true), at(b, k, n, false));
        const cTA = new Float32Array(m * n);
        gemmTransA(m, k, n, aT, b, cTA, false);
        close(cTA, eTA);

        const bT = rand(n * k); // B stored [n×k]
        const eTB = reference(m, k, n, at(a, m, k, false), at(bT, k, n, true));
        const cTB = new Float32Array(m * n);
        gemmTransB(m, k, n, a, bT, cTB, false);
        close(cTB, eTB);
      });
    }
  });

  describe(`strided products, recurrent steps (${setName})`, () => {
    it("work on sub-matrices with offsets and row strides, overwriting or accumulating", () => {
      use();
      for (const [m, k, n] of [[5, 3, 6], [8, 4, 8], [3, 7, 2], [9, 5, 19]] as [number, number, number][]) {
        // A: rows of a [m × 2k] buffer from column 1; B: a [k × (n+3)] buffer from column 2; C: rows of [m × (n+5)] from column 3.
        const lda = 2 * k, ldb = n + 3, ldc = n + 5;
        const a = rand(m * lda + 1), b = rand(k * ldb + 2), bT = rand(n * (k + 2) + 1);
        const sub = (buf: Float32Array, off: number, ld: number) => (i: number, j: number) => buf[off + i * ld + j]!;
        const expected = reference(m, k, n, sub(a, 1, lda), sub(b, 2, ldb));
        const c = rand(m * ldc + 3);
        const before = Float32Array.from(c);
        gemmStrided(m, k, n, a, 1, lda, b, 2, ldb, c, 3, ldc, true);
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) expect(c[3 + i * ldc + j]).toBeCloseTo(before[3 + i * ldc + j]! + expected[i * n + j]!, 4);
        expect(c[0]).toBe(before[0]); // outside the sub-matrix: untouched
        const expectedT = reference(m, k, n, sub(a, 1, lda), (p, j) => bT[1 + j * (k + 2) + p]!);
        gemmTransBStrided(m, k, n, a, 1, lda, bT, 1, k + 2, c, 3, ldc, false);
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) expect(c[3 + i * ldc + j]).toBeCloseTo(expectedT[i * n + j]!, 4);
        // A stored transposed: a [k × (m+4)] buffer from column 2.
      const aT = rand(k * (m + 4) + 2);
      const expectedTA = reference(m, k, n, (i, p) => aT[2 + p * (m + 4) + i]!, sub(b, 2, ldb));
      const before2 = Float32Array.from(c);
      gemmTransAStrided(m, k, n, aT, 2, m + 4, b, 2, ldb, c, 3, ldc, true);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) expect(c[3 + i * ldc + j]).toBeCloseTo(before2[3 + i * ldc + j]! + expectedTA[i * n + j]!, 4);
      // Between C's rows (columns n..ldc-1): untouched by every product.
        for (let i = 0; i < m - 1; i++) for (let j = n; j < ldc; j++) expect(c[3 + i * ldc + j]).toBe(before[3 + i * ldc + j]);
      }
    });

    it("give a row the same bits wherever the batch puts it (full tile or leftover row)", () => {
      use();
      const k = 37, n = 21, row = rand(k), b = rand(k * n);
      const results = [1, 3, 4, 6].map((m) => {
        const a = alloc(m * k);
        a.set(row, (m - 1) * k); // the row last: in a full tile for m = 4, leftover otherwise
        const c = alloc(m * n);
        gemm(m, k, n, a, b, c, null, 0, false);
        return Array.from(c.subarray((m - 1) * n));
      });
      for (const r of results) expect(r).toEqual(results[0]);
    });
  });
}
