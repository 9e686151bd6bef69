// The interface both kernel sets implement: the plain-JavaScript products
// (runtime/matmul.ts) and the WebAssembly SIMD ones (runtime/wasm/kernels.ts).
// Generated code never sees it: it calls the functions runtime/kernels.ts
// exports, which forward to the set chosen at load.

export interface Kernels {
  readonly name: "js" | "wasm";
  /** A zeroed array for a model's parameters, gradients or workspaces, placed where this set's products read it fastest. */
  f32(n: number): Float32Array;
  i32(n: number): Int32Array;
  gemm(m: number, k: number, n: number, a: Float32Array, b: Float32Array, c: Float32Array, bias: Float32Array | null, act: number, accumulate: boolean): void;
  gemmTransA(m: number, k: number, n: number, a: Float32Array, b: Float32Array, c: Float32Array, accumulate: boolean): void;
  gemmTransB(m: number, k: number, n: number, a: Float32Array, b: Float32Array, c: Float32Array, accumulate: boolean): void;
  gemmStrided(m: number, k: number, n: number, a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, c: Float32Array, cOff: number, ldc: number, accumulate: boolean): void;
  gemmTransAStrided(m: number, k: number, n: number, a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, c: Float32Array, cOff: number, ldc: number, accumulate: boolean): void;
  gemmTransBStrided(m: number, k: number, n: number, a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, c: Float32Array, cOff: number, ldc: number, accumulate: boolean): void;
}
