// Chooses the product kernels at load: WebAssembly SIMD where the engine
// validates the module, the plain-JavaScript ones otherwise. NNC_KERNELS=js
// (or wasm) in the environment forces a set (wasm-nofma: wasm without the
// relaxed-SIMD FMA build), and `useKernels` switches it
// at run time (tests run the same models on both). The exported functions
// keep the signatures generated code calls.
import * as js from "./matmul.ts";
import type { Kernels, PackedB, WindowArgs } from "./kernel-types.ts";
import { WasmKernels, simdSupported } from "./wasm/kernels.ts";

export type KernelSet = Kernels["name"];

/** The plain-JavaScript products (runtime/matmul.ts), the fallback. */
export const jsKernels: Kernels = {
  name: "js",
  f32: (n) => new Float32Array(n),
  i32: (n) => new Int32Array(n),
  gemm: js.gemm,
  gemmTransA: js.gemmTransA,
  gemmTransB: js.gemmTransB,
  gemmStrided: js.gemmStrided,
  gemmTransAStrided: js.gemmTransAStrided,
  // The generated code's own loops, specialised for each layer's window, are the JavaScript im2col and col2im.
  im2col: () => false,
  col2im: () => false,
  conv: () => false,
  convFilterGrad: () => false,
  maxPool: () => false,
  scatterAdd: () => false,
  reluGrad: () => false,
  columnSums: () => false,
  gemmTransBStrided: js.gemmTransBStrided,
  // Nothing to pack: the JavaScript product reads Bᵀ in place.
  packTransB: (k, n, b, bOff, ldb) => ({ k, n, b, bOff, ldb }),
  gemmPackedB: (m, a, aOff, lda, p, c, cOff, ldc, accumulate) => js.gemmTransBStrided(m, p.k, p.n, a, aOff, lda, p.b, p.bOff, p.ldb, c, cOff, ldc, accumulate),
  convInputGrad: () => false,
  // The generated loops are the JavaScript versions of the fused element-wise kernels.
  lstmForwardStep: () => false,
  lstmBackwardStep: () => false,
  softmaxRows: () => false,
  softmaxRowsGrad: () => false,
  layerNorm: () => false,
  layerNormGrad: () => false,
  gelu: () => false,
  geluInputGrad: () => false,
  gruForwardGates: () => false,
  gruForwardState: () => false,
  gruBackwardGates: () => false,
  gruBackwardReset: () => false,
  rnnForwardStep: () => false,
  rnnBackwardStep: () => false,
};

let wasm: WasmKernels | undefined;

/**
 * The WebAssembly kernels (created once per realm), or undefined without
 * SIMD. They use the relaxed-SIMD (FMA) build where the engine validates it,
 * unless NNC_KERNELS=wasm-nofma.
 */
export function wasmKernels(): WasmKernels | undefined {
  if (!wasm && simdSupported()) wasm = new WasmKernels(requested() === "wasm-nofma" ? { fma: false } : {});
  return wasm;
}

function requested(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.NNC_KERNELS;
}

function choose(set: string | undefined): Kernels {
  if (set === "js") return jsKernels;
  const w = wasmKernels();
  if ((set === "wasm" || set === "wasm-nofma") && !w) throw new Error(`NNC_KERNELS=${set}, but this engine does not support WebAssembly SIMD`);
  if (set !== undefined && set !== "wasm" && set !== "wasm-nofma") throw new Error(`NNC_KERNELS must be 'js', 'wasm' or 'wasm-nofma', not '${set}'`);
  return w ?? jsKernels;
}

let active: Kernels = choose(requested());

/** Which kernel set runs the products now. */
export function kernelSet(): KernelSet {
  return active.name;
}

/**
 * Switches the kernel set for products and for arrays allocated from now on;
 * returns the previous set. An object implementing Kernels is used as given
 * (the benchmarks pass a timing wrapper).
 */
export function useKernels(set: KernelSet | Kernels): KernelSet {
  const previous = active.name;
  active = typeof set === "string" ? choose(set) : set;
  return previous;
}

/** The active kernel set itself. */
export function activeKernels(): Kernels {
  return active;
}

/** A zeroed Float32Array for a model (in the WebAssembly memory when the SIMD kernels are active and it can be shared). */
export function f32(n: number): Float32Array {
  return active.f32(n);
}

export function i32(n: number): Int32Array {
  return active.i32(n);
}

/** See runtime/matmul.ts for each product's contract; both sets implement it. */
export function gemm(m: number, k: number, n: number, a: Float32Array, b: Float32Array, c: Float32Array, bias: Float32Array | null, act: number, accumulate: boolean): void {
  active.gemm(m, k, n, a, b, c, bias, act, accumulate);
}

export function gemmTransA(m: number, k: number, n: number, a: Float32Array, b: Float32Array, c: Float32Array, accumulate: boolean): void {
  active.gemmTransA(m, k, n, a, b, c, accumulate);
}

export function gemmTransB(m: number, k: number, n: number, a: Float32Array, b: Float32Array, c: Float32Array, accumulate: boolean): void {
  active.gemmTransB(m, k, n, a, b, c, accumulate);
}

export function gemmStrided(m: number, k: number, n: number, a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, c: Float32Array, cOff: number, ldc: number, accumulate: boolean): void {
  active.gemmStrided(m, k, n, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
}

/** Lays out conv windows as rows of col, returning false where the generated loops must (the JS set). */
export function im2col(x: Float32Array, col: Float32Array, ...window: WindowArgs): boolean {
  return active.im2col(x, col, ...window);
}

/** Adds col's rows back into dx at their windows, returning false where the generated loops must. */
export function col2im(dx: Float32Array, col: Float32Array, ...window: WindowArgs): boolean {
  return active.col2im(dx, col, ...window);
}

/** A convolution's forward pass without a column buffer, returning false where im2col and gemm must (the JS set). */
export function conv(x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array, act: number, filters: number, ...window: WindowArgs): boolean {
  return active.conv(x, w, bias, y, act, filters, ...window);
}

/** A convolution's filter gradient without a column buffer; true exactly where `conv` was for the same model. */
export function convFilterGrad(x: Float32Array, dy: Float32Array, gw: Float32Array, filters: number, ...window: WindowArgs): boolean {
  return active.convFilterGrad(x, dy, gw, filters, ...window);
}

/** Max pooling, returning false where the generated loops must (the JS set). */
export function maxPool(x: Float32Array, y: Float32Array, arg: Int32Array | null, ...window: WindowArgs): boolean {
  return active.maxPool(x, y, arg, ...window);
}

/** dx[arg[i]] += dy[i], returning false where the generated loop must. */
export function scatterAdd(dx: Float32Array, arg: Int32Array, dy: Float32Array, n: number): boolean {
  return active.scatterAdd(dx, arg, dy, n);
}

/** The relu gradient in place, returning false where the generated loop must. */
export function reluGrad(dy: Float32Array, y: Float32Array, n: number): boolean {
  return active.reluGrad(dy, y, n);
}

/** Column sums (bias gradients), returning false where the generated loop must. */
export function columnSums(src: Float32Array, rows: number, width: number, dst: Float32Array): boolean {
  return active.columnSums(src, rows, width, dst);
}

export function gemmTransAStrided(m: number, k: number, n: number, a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, c: Float32Array, cOff: number, ldc: number, accumulate: boolean): void {
  active.gemmTransAStrided(m, k, n, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
}

export function gemmTransBStrided(m: number, k: number, n: number, a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, c: Float32Array, cOff: number, ldc: number, accumulate: boolean): void {
  active.gemmTransBStrided(m, k, n, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
}

/**
 * Bᵀ prepared once for many products (the recurrent matrix in every time
 * step of a backward pass); pack again after B changes. The handle belongs
 * to the set active now: use it with gemmPackedB before switching sets.
 */
export function packTransB(k: number, n: number, b: Float32Array, bOff: number, ldb: number): PackedB {
  return active.packTransB(k, n, b, bOff, ldb);
}

/** gemmTransBStrided with a B prepared by packTransB (same result, bit for bit). */
export function gemmPackedB(m: number, a: Float32Array, aOff: number, lda: number, p: PackedB, c: Float32Array, cOff: number, ldc: number, accumulate: boolean): void {
  active.gemmPackedB(m, a, aOff, lda, p, c, cOff, ldc, accumulate);
}

/** A convolution's input gradient (dx += …) without a column buffer, returning false where gemmTransB and col2im must. */
export function convInputGrad(dy: Float32Array, w: Float32Array, dx: Float32Array, filters: number, ...window: WindowArgs): boolean {
  return active.convInputGrad(dy, w, dx, filters, ...window);
}

/** One LSTM step's element-wise forward work, returning false where the generated loops must (the JS set). */
export function lstmForwardStep(B: number, T: number, u: number, s: number, reverse: boolean, lengths: Int32Array | null, gates: Float32Array, rec: Float32Array, hprev: Float32Array, cell: Float32Array, h: Float32Array, c: Float32Array, y: Float32Array | null, yWidth: number, yColumn: number): boolean {
  return active.lstmForwardStep(B, T, u, s, reverse, lengths, gates, rec, hprev, cell, h, c, y, yWidth, yColumn);
}

/** One LSTM step's gate gradients, returning false where the generated loops must. */
export function lstmBackwardStep(B: number, T: number, u: number, s: number, reverse: boolean, lengths: Int32Array | null, gates: Float32Array, cell: Float32Array, dh: Float32Array, dc: Float32Array, dgates: Float32Array, dstep: Float32Array, dy: Float32Array | null, yWidth: number, yColumn: number): boolean {
  return active.lstmBackwardStep(B, T, u, s, reverse, lengths, gates, cell, dh, dc, dgates, dstep, dy, yWidth, yColumn);
}

/** Attention's masked row softmax in place, returning false where the generated loops must. */
export function softmaxRows(p: Float32Array, pOff: number, rows: number, width: number, scale: number, keys: number, causal: boolean): boolean {
  return active.softmaxRows(p, pOff, rows, width, scale, keys, causal);
}

/** The gradient through softmaxRows in place, returning false where the generated loops must. */
export function softmaxRowsGrad(dp: Float32Array, dpOff: number, p: Float32Array, pOff: number, rows: number, width: number, scale: number, keys: number, causal: boolean): boolean {
  return active.softmaxRowsGrad(dp, dpOff, p, pOff, rows, width, scale, keys, causal);
}

/** Layer norm forward, returning false where the generated loops must. */
export function layerNorm(x: Float32Array, y: Float32Array, gamma: Float32Array, beta: Float32Array, stats: Float32Array | null, rows: number, n: number): boolean {
  return active.layerNorm(x, y, gamma, beta, stats, rows, n);
}

/** Layer norm backward, returning false where the generated loops must. */
export function layerNormGrad(x: Float32Array, stats: Float32Array, dy: Float32Array, gamma: Float32Array, gGamma: Float32Array, gBeta: Float32Array, dx: Float32Array | null, accumulate: boolean, rows: number, n: number): boolean {
  return active.layerNormGrad(x, stats, dy, gamma, gGamma, gBeta, dx, accumulate, rows, n);
}

/** GRU step s forward after rec = h'·U[:, 0:2u]: hprev row, z and r in place, r ⊙ h into rh and rhStep. False where the generated loops must. */
export function gruForwardGates(B: number, T: number, u: number, s: number, reverse: boolean, lengths: Int32Array | null, gates: Float32Array, rec: Float32Array, hprev: Float32Array, h: Float32Array, rh: Float32Array, rhStep: Float32Array): boolean {
  return active.gruForwardGates(B, T, u, s, reverse, lengths, gates, rec, hprev, h, rh, rhStep);
}

/** GRU step s forward after rec2 = (r ⊙ h')·U[:, 2u:3u]: ĥ in place, h = z·h + (1 − z)·ĥ, y's row when y is given. False where the generated loops must. */
export function gruForwardState(B: number, T: number, u: number, s: number, reverse: boolean, lengths: Int32Array | null, gates: Float32Array, rec2: Float32Array, h: Float32Array, y: Float32Array | null, yWidth: number, yColumn: number): boolean {
  return active.gruForwardState(B, T, u, s, reverse, lengths, gates, rec2, h, y, yWidth, yColumn);
}

/** GRU step s backward, first part: dh += dy's row (when given), z and ĥ gradients into dgates and dstep. False where the generated loops must. */
export function gruBackwardGates(B: number, T: number, u: number, s: number, reverse: boolean, lengths: Int32Array | null, gates: Float32Array, hprev: Float32Array, dh: Float32Array, dgates: Float32Array, dstep: Float32Array, dy: Float32Array | null, yWidth: number, yColumn: number): boolean {
  return active.gruBackwardGates(B, T, u, s, reverse, lengths, gates, hprev, dh, dgates, dstep, dy, yWidth, yColumn);
}

/** GRU step s backward after carry = dstep[:, ĥ]·U[:, ĥ]ᵀ: r's gradient into dgates and dstep, carry = dh·z + carry·r. False where the generated loops must. */
export function gruBackwardReset(B: number, T: number, u: number, s: number, reverse: boolean, lengths: Int32Array | null, gates: Float32Array, hprev: Float32Array, dh: Float32Array, carry: Float32Array, dgates: Float32Array, dstep: Float32Array): boolean {
  return active.gruBackwardReset(B, T, u, s, reverse, lengths, gates, hprev, dh, carry, dgates, dstep);
}

/** rnn step s forward after rec = h'·U: hprev row, h = act(gates + rec) (kept in gates), y's row when y is given. False where the generated loops must. */
export function rnnForwardStep(B: number, T: number, u: number, s: number, reverse: boolean, lengths: Int32Array | null, relu: boolean, gates: Float32Array, rec: Float32Array, hprev: Float32Array, h: Float32Array, y: Float32Array | null, yWidth: number, yColumn: number): boolean {
  return active.rnnForwardStep(B, T, u, s, reverse, lengths, relu, gates, rec, hprev, h, y, yWidth, yColumn);
}

/** rnn step s backward: dh += dy's row (when given), the pre-activation gradient into dgates and dstep. False where the generated loops must. */
export function rnnBackwardStep(B: number, T: number, u: number, s: number, reverse: boolean, lengths: Int32Array | null, relu: boolean, gates: Float32Array, dh: Float32Array, dgates: Float32Array, dstep: Float32Array, dy: Float32Array | null, yWidth: number, yColumn: number): boolean {
  return active.rnnBackwardStep(B, T, u, s, reverse, lengths, relu, gates, dh, dgates, dstep, dy, yWidth, yColumn);
}

/** The gelu layer forward, returning false where the generated loop must. */
export function gelu(x: Float32Array, y: Float32Array, n: number): boolean {
  return active.gelu(x, y, n);
}

/** The gelu layer's input gradient, returning false where the generated loop must. */
export function geluInputGrad(x: Float32Array, dy: Float32Array, dx: Float32Array, accumulate: boolean, n: number): boolean {
  return active.geluInputGrad(x, dy, dx, accumulate, n);
}
