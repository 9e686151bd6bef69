// The interface both kernel sets implement: the plain-JavaScript products
// (runtime/matmul.ts) and the WebAssembly SIMD ones (runtime/wasm/kernels.ts).
// Generated code never sees it: it calls the functions runtime/kernels.ts
// exports, which forward to the set chosen at load.

/**
 * A sliding window over up to three spatial axes, channels last, as the
 * arguments after the two arrays: batch B, channels C, then per axis (outer
 * axes padded with 1s) the input lengths L, output lengths O, kernel K,
 * stride S, dilation D and padding before P.
 */
export type WindowArgs = [B: number, C: number, L0: number, L1: number, L2: number, O0: number, O1: number, O2: number, K0: number, K1: number, K2: number, S0: number, S1: number, S2: number, D0: number, D1: number, D2: number, P0: number, P1: number, P2: number];

/**
 * A transposed B prepared for repeated products (packTransB): B = the
 * transpose of the n×k matrix at b[bOff…] with row stride ldb. It keeps
 * those arguments, so a set that does not pack just forwards to
 * gemmTransBStrided. Valid until B's values change: pack again then.
 */
export interface PackedB {
  readonly k: number;
  readonly n: number;
  readonly b: Float32Array;
  readonly bOff: number;
  readonly ldb: number;
}

export interface Kernels {
  readonly name: "js" | "wasm";
  /** A zeroed array for a model's parameters, gradients or workspaces, placed where this set's products read it fastest. */
  f32(n: number): Float32Array;
  i32(n: number): Int32Array;
  gemm(m: number, k: number, n: number, a: Float32Array, b: Float32Array, c: Float32Array, bias: Float32Array | null, act: number, accumulate: boolean): void;
  gemmTransA(m: number, k: number, n: number, a: Float32Array, b: Float32Array, c: Float32Array, accumulate: boolean): void;
  gemmTransB(m: number, k: number, n: number, a: Float32Array, b: Float32Array, c: Float32Array, accumulate: boolean): void;
  gemmStrided(m: number, k: number, n: number, a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, c: Float32Array, cOff: number, ldc: number, accumulate: boolean): void;
  /** Writes each output position's window of x (zeros outside it) as a row of col; false where this set leaves it to the generated loops. */
  im2col(x: Float32Array, col: Float32Array, ...window: WindowArgs): boolean;
  /** dx += col's rows added back at their windows; false where this set leaves it to the generated loops. */
  col2im(dx: Float32Array, col: Float32Array, ...window: WindowArgs): boolean;
  /** Convolution forward without a column buffer, y = windows(x)·w (+ bias) (act); false where this set leaves it to im2col and gemm. */
  conv(x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array, act: number, filters: number, ...window: WindowArgs): boolean;
  /** The filter gradient gw = windows(x)ᵀ·dy without a column buffer; returns what `conv` returned for the same model, so a backward pass can rely on it. */
  convFilterGrad(x: Float32Array, dy: Float32Array, gw: Float32Array, filters: number, ...window: WindowArgs): boolean;
  /** Max pooling (the window's dilations must be 1), with the argmax's element index in x when `arg` is given; false where the generated loops must. */
  maxPool(x: Float32Array, y: Float32Array, arg: Int32Array | null, ...window: WindowArgs): boolean;
  /** dx[arg[i]] += dy[i] for i < n; false where the generated loop must. */
  scatterAdd(dx: Float32Array, arg: Int32Array, dy: Float32Array, n: number): boolean;
  /** dy[i] = y[i] > 0 ? dy[i] : 0 for i < n; false where the generated loop must. */
  reluGrad(dy: Float32Array, y: Float32Array, n: number): boolean;
  /** dst = the column sums of src [rows × width]; false where the generated loop must. */
  columnSums(src: Float32Array, rows: number, width: number, dst: Float32Array): boolean;
  gemmTransAStrided(m: number, k: number, n: number, a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, c: Float32Array, cOff: number, ldc: number, accumulate: boolean): void;
  gemmTransBStrided(m: number, k: number, n: number, a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, c: Float32Array, cOff: number, ldc: number, accumulate: boolean): void;
  /** Prepares Bᵀ (see PackedB) for gemmPackedB; packing again overwrites the same handle's panels. */
  packTransB(k: number, n: number, b: Float32Array, bOff: number, ldb: number): PackedB;
  /** gemmTransBStrided(m, p.k, p.n, a, aOff, lda, p.b, p.bOff, p.ldb, c, cOff, ldc, accumulate), with the same bits. */
  gemmPackedB(m: number, a: Float32Array, aOff: number, lda: number, p: PackedB, c: Float32Array, cOff: number, ldc: number, accumulate: boolean): void;
  /** A convolution's input gradient dx += windowsᵀ(dy·wᵀ) without a column buffer; false where this set leaves it to gemmTransB and col2im. */
  convInputGrad(dy: Float32Array, w: Float32Array, dx: Float32Array, filters: number, ...window: WindowArgs): boolean;
  // Fused element-wise work (runtime/wasm/assembly/recurrent.ts, softmax.ts,
  // layernorm.ts): each returns false where this set leaves it to the
  // generated loops (the js set always), which compute the same thing.
  /** LSTM step s forward after rec = h'·U (see recurrent-emit.ts): gates, cell, state, saved rows, and y's row when y is given. */
  lstmForwardStep(B: number, T: number, u: number, s: number, reverse: boolean, lengths: Int32Array | null, gates: Float32Array, rec: Float32Array, hprev: Float32Array, cell: Float32Array, h: Float32Array, c: Float32Array, y: Float32Array | null, yWidth: number, yColumn: number): boolean;
  /** LSTM step s backward before dh' = dstep·Uᵀ: dh += dy's row (when dy is given), gate gradients into dgates and dstep, dc. */
  lstmBackwardStep(B: number, T: number, u: number, s: number, reverse: boolean, lengths: Int32Array | null, gates: Float32Array, cell: Float32Array, dh: Float32Array, dc: Float32Array, dgates: Float32Array, dstep: Float32Array, dy: Float32Array | null, yWidth: number, yColumn: number): boolean;
  /** p[pOff…] = softmax(p·scale) per row of `width` over its visible keys (keys, or min(t + 1, keys) when causal), zero beyond. */
  softmaxRows(p: Float32Array, pOff: number, rows: number, width: number, scale: number, keys: number, causal: boolean): boolean;
  /** dp[dpOff…] = p ⊙ (dp − rowsum(dp ⊙ p))·scale per row over its visible keys, zero beyond. */
  softmaxRowsGrad(dp: Float32Array, dpOff: number, p: Float32Array, pOff: number, rows: number, width: number, scale: number, keys: number, causal: boolean): boolean;
  /** Layer norm of rows of n: y = x̂·gamma + beta; stats (mean, rstd per row) kept when given. */
  layerNorm(x: Float32Array, y: Float32Array, gamma: Float32Array, beta: Float32Array, stats: Float32Array | null, rows: number, n: number): boolean;
  /** Layer norm backward: gGamma, gBeta overwritten; dx (= or += with accumulate) when given. */
  layerNormGrad(x: Float32Array, stats: Float32Array, dy: Float32Array, gamma: Float32Array, gGamma: Float32Array, gBeta: Float32Array, dx: Float32Array | null, accumulate: boolean, rows: number, n: number): boolean;
  /** y = gelu(x) (tanh approximation) for n elements. */
  gelu(x: Float32Array, y: Float32Array, n: number): boolean;
  /** dx (= or += with accumulate) dy·gelu′(x) for n elements. */
  geluInputGrad(x: Float32Array, dy: Float32Array, dx: Float32Array, accumulate: boolean, n: number): boolean;
  /** GRU step s forward after rec = h'·U[:, 0:2u]: hprev row, z and r in place, r ⊙ h into rh and rhStep. */
  gruForwardGates(B: number, T: number, u: number, s: number, reverse: boolean, lengths: Int32Array | null, gates: Float32Array, rec: Float32Array, hprev: Float32Array, h: Float32Array, rh: Float32Array, rhStep: Float32Array): boolean;
  /** GRU step s forward after rec2 = (r ⊙ h')·U[:, 2u:3u]: ĥ in place, h = z·h + (1 − z)·ĥ, y's row when y is given. */
  gruForwardState(B: number, T: number, u: number, s: number, reverse: boolean, lengths: Int32Array | null, gates: Float32Array, rec2: Float32Array, h: Float32Array, y: Float32Array | null, yWidth: number, yColumn: number): boolean;
  /** GRU step s backward, first part: dh += dy's row (when given), z and ĥ gradients into dgates and dstep. */
  gruBackwardGates(B: number, T: number, u: number, s: number, reverse: boolean, lengths: Int32Array | null, gates: Float32Array, hprev: Float32Array, dh: Float32Array, dgates: Float32Array, dstep: Float32Array, dy: Float32Array | null, yWidth: number, yColumn: number): boolean;
  /** GRU step s backward after carry = dstep[:, ĥ]·U[:, ĥ]ᵀ: r's gradient into dgates and dstep, carry = dh·z + carry·r. */
  gruBackwardReset(B: number, T: number, u: number, s: number, reverse: boolean, lengths: Int32Array | null, gates: Float32Array, hprev: Float32Array, dh: Float32Array, carry: Float32Array, dgates: Float32Array, dstep: Float32Array): boolean;
  /** rnn step s forward after rec = h'·U: hprev row, h = act(gates + rec) (kept in gates), y's row when y is given. */
  rnnForwardStep(B: number, T: number, u: number, s: number, reverse: boolean, lengths: Int32Array | null, relu: boolean, gates: Float32Array, rec: Float32Array, hprev: Float32Array, h: Float32Array, y: Float32Array | null, yWidth: number, yColumn: number): boolean;
  /** rnn step s backward: dh += dy's row (when given), the pre-activation gradient into dgates and dstep. */
  rnnBackwardStep(B: number, T: number, u: number, s: number, reverse: boolean, lengths: Int32Array | null, relu: boolean, gates: Float32Array, dh: Float32Array, dgates: Float32Array, dstep: Float32Array, dy: Float32Array | null, yWidth: number, yColumn: number): boolean;
}
