// A transposed B packed once (packTransB) and used by many products
// (gemmPackedB) must give exactly the bits of gemmTransBStrided on the same
// operands: the recurrent backward pass swapped one for the other. Checked on
// every kernel set and operand placement, on shapes with full and partial
// 8-column blocks and leftover rows, with an offset B inside a wider matrix
// (the GRU's ĥ block of U), and after B changes and is packed again.
import { describe, expect, it } from "vitest";
import { jsKernels, wasmKernels } from "../../runtime/kernels.ts";
import { WasmKernels } from "../../runtime/wasm/kernels.ts";
import type { Kernels } from "../../runtime/kernel-types.ts";
import { Rng } from "../../runtime/random.ts";

const rng = new Rng(5);
const wasm = wasmKernels()!;
const plain = new WasmKernels({ shared: false });
const sets: [string, Kernels, (n: number) => Float32Array][] = [
  ["js", jsKernels, (n) => new Float32Array(n)],
  ["wasm, operands in its memory", wasm, (n) => wasm.f32(n)],
  ["wasm, operands copied in", wasm, (n) => new Float32Array(n)],
  ["wasm, memory not shared", plain, (n) => plain.f32(n)],
];

// [m, k, n, ldb extra, bOff]: n = 8, 16 full blocks; 5, 13, 21 partial; m 1..9 full tiles and leftovers.
const shapes = [[1, 1, 1, 0, 0], [4, 8, 8, 0, 0], [3, 16, 5, 4, 2], [9, 12, 13, 8, 8], [32, 64, 16, 192, 128], [6, 33, 21, 3, 1]];

for (const [name, kernels, alloc] of sets) {
  const rand = (n: number) => {
    const a = alloc(n);
    for (let i = 0; i < n; i++) a[i] = rng.uniform() * 2 - 1;
    return a;
  };
  describe(`packed Bᵀ (${name})`, () => {
    for (const [m, k, n, extra, bOff] of shapes as number[][]) {
      it(`${m}×${k}·(${n}×${k})ᵀ, B at ${bOff} with row stride ${k + extra + bOff}: the bits of gemmTransBStrided, repacked after B changes`, () => {
        const ldb = k + extra + bOff, lda = k + 3, ldc = n + 2;
        const a = rand(m * lda), b = rand(n * ldb);
        const expected = alloc(m * ldc), actual = alloc(m * ldc);
        const packed = kernels.packTransB(k, n, b, bOff, ldb);
        for (const accumulate of [false, true]) {
          kernels.gemmTransBStrided(m, k, n, a, 1, lda, b, bOff, ldb, expected, 2, ldc, accumulate);
          kernels.gemmPackedB(m, a, 1, lda, packed, actual, 2, ldc, accumulate);
          expect(Array.from(actual)).toEqual(Array.from(expected));
        }
        // An optimizer step changes B: packing again must pick the new values up.
        for (let i = 0; i < b.length; i++) b[i] = b[i]! * 0.5 + 0.25;
        const again = kernels.packTransB(k, n, b, bOff, ldb);
        kernels.gemmTransBStrided(m, k, n, a, 1, lda, b, bOff, ldb, expected, 2, ldc, false);
        kernels.gemmPackedB(m, a, 1, lda, again, actual, 2, ldc, false);
        expect(Array.from(actual)).toEqual(Array.from(expected));
        expect(actual.some((v) => v !== 0)).toBe(true);
      });
    }
  });
}

it("a weight array in the shared memory is packed into panels once and the same handle reused step after step", () => {
  const b = wasm.f32(24 * 10);
  const first = wasm.packTransB(10, 24, b, 0, 10);
  expect((first as unknown as { panels: Float32Array | null }).panels).not.toBeNull();
  expect(wasm.packTransB(10, 24, b, 0, 10)).toBe(first);
  expect(wasm.packTransB(10, 16, b, 0, 10)).not.toBe(first);
});
