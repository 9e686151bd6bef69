// AssemblyScript source of the runtime's WebAssembly SIMD matrix product
// (built by runtime/wasm/build.ts; not part of the TypeScript program).
//
// One general product covers every variant the generated code calls:
//   C[m×n] (=|+=) A·B (+ bias per column) (then relu),
// where element (i, p) of A is at a + 4·(i·rsA + p·csA) and element (p, j)
// of B at b + 4·(p·rsB + j·csB), so a transposed or strided operand is just
// other strides. The register tile is 4 rows × 8 columns (eight f32x4
// accumulators, two B vectors, one splatted A value: 11 of the ~15 SIMD
// registers V8 leaves free; larger tiles spill). B is read straight from
// memory when its 8 columns are contiguous, and otherwise packed once per
// column block into `scratch` as k rows of 8 (zero-padded at the edge), so
// the tile loop always loads two vectors per step. A needs no packing: the
// tile reads one value per row per step and splats it.

/**
 * a·b + c, lane by lane: the micro-kernels' one multiply-add. The build with
 * `--enable relaxed-simd` makes it `f32x4.relaxed_madd` (fused where the
 * hardware has FMA, else a multiply and an add: either way the same on
 * every call in one process, so a row's bits still do not depend on its
 * place in the batch); the plain build keeps a multiply then an add. The
 * constant is resolved at compile time, so each build holds one form only.
 */
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/** Bytes per packed B row: 8 floats. */
const PANEL_ROW: usize = 32;

/**
 * C (=|+=) A·B. `bias` is an address or 0; `relu` applies max(·, 0) after
 * the bias; both are ignored when `accumulate`. `scratch` must hold
 * k·8 + 8 floats (the packed panel and one staging row for partial blocks).
 */
export function gemm(
  m: i32, n: i32, k: i32,
  a: usize, rsA: i32, csA: i32,
  b: usize, rsB: i32, csB: i32,
  c: usize, ldc: i32,
  bias: usize, relu: i32, accumulate: i32,
  scratch: usize,
): void {
  const stage = scratch + <usize>k * PANEL_ROW;
  for (let j0 = 0; j0 < n; j0 += 8) {
    const w = min(8, n - j0);
    if (csB == 1 && w == 8) {
      columnBlock(m, k, j0, w, a, rsA, csA, b + (<usize>j0 << 2), <usize>rsB << 2, c, ldc, bias, relu, accumulate, stage);
    } else {
      pack(k, w, b + ((<usize>j0 * <usize>csB) << 2), rsB, csB, scratch);
      columnBlock(m, k, j0, w, a, rsA, csA, scratch, PANEL_ROW, c, ldc, bias, relu, accumulate, stage);
    }
  }
}

/**
 * Packs all of B (k×n, strides in floats) as gemm would, block after block:
 * block j0/8 is k rows of 8 at to + (j0/8)·k·32 bytes. A B reused by many
 * products (Uᵀ in every time step of a recurrent backward pass) is packed
 * once and read by gemmPacked, instead of repacked by every gemm call.
 */
export function packAll(k: i32, n: i32, b: usize, rsB: i32, csB: i32, to: usize): void {
  for (let j0 = 0; j0 < n; j0 += 8) {
    pack(k, min(8, n - j0), b + ((<usize>j0 * <usize>csB) << 2), rsB, csB, to + <usize>(j0 >> 3) * <usize>k * PANEL_ROW);
  }
}

/**
 * C (=|+=) A·B with B packed by packAll. Same column blocks and tiles as
 * gemm on the packed panels, so the result has the same bits. `stage` must
 * hold 8 floats. No bias or relu: its callers accumulate gradients.
 */
export function gemmPacked(
  m: i32, n: i32, k: i32,
  a: usize, rsA: i32, csA: i32,
  panels: usize,
  c: usize, ldc: i32,
  accumulate: i32,
  stage: usize,
): void {
  for (let j0 = 0; j0 < n; j0 += 8) {
    columnBlock(m, k, j0, min(8, n - j0), a, rsA, csA, panels + <usize>(j0 >> 3) * <usize>k * PANEL_ROW, PANEL_ROW, c, ldc, 0, 0, accumulate, stage);
  }
}

/** Columns [j0, j0 + w) of C from a panel of B (k rows, `panelStep` bytes apart). */
@inline
function columnBlock(
  m: i32, k: i32, j0: i32, w: i32,
  a: usize, rsA: i32, csA: i32,
  panel: usize, panelStep: usize,
  c: usize, ldc: i32,
  bias: usize, relu: i32, accumulate: i32,
  stage: usize,
): void {
  const aRow = <usize>rsA << 2;
  const aStep = <usize>csA << 2;
  const cRow = <usize>ldc << 2;
  // Bias for these 8 columns (zero past the edge), as two vectors.
  let bias0 = f32x4.splat(0);
  let bias1 = f32x4.splat(0);
  if (bias != 0 && !accumulate) {
    if (w == 8) {
      bias0 = v128.load(bias + (<usize>j0 << 2));
      bias1 = v128.load(bias + (<usize>j0 << 2), 16);
    } else {
      for (let q = 0; q < 8; q++) store<f32>(stage + (<usize>q << 2), q < w ? load<f32>(bias + (<usize>(j0 + q) << 2)) : 0);
      bias0 = v128.load(stage);
      bias1 = v128.load(stage, 16);
    }
  }
  const cCol = c + (<usize>j0 << 2);
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = a + <usize>i * aRow;
    tile4x8(k, a0, a0 + aRow, a0 + 2 * aRow, a0 + 3 * aRow, aStep, panel, panelStep, cCol + <usize>i * cRow, cRow, w, bias0, bias1, relu, accumulate, stage);
  }
  for (; i < m; i++) tile1x8(k, a + <usize>i * aRow, aStep, panel, panelStep, cCol + <usize>i * cRow, w, bias0, bias1, relu, accumulate, stage);
}

/** Copies columns [0, w) of B (from `from`, strides in floats) into k rows of 8 at `to`, zero-padding columns w..7. */
export function pack(k: i32, w: i32, from: usize, rsB: i32, csB: i32, to: usize): void {
  const row = <usize>rsB << 2;
  const col = <usize>csB << 2;
  if (w < 8) {
    for (let p = 0; p < k; p++) {
      v128.store(to + <usize>p * PANEL_ROW, f32x4.splat(0));
      v128.store(to + <usize>p * PANEL_ROW, f32x4.splat(0), 16);
    }
  }
  // Column by column: with B transposed (rsB = 1) each column is contiguous.
  for (let q = 0; q < w; q++) {
    let src = from + <usize>q * col;
    let dst = to + (<usize>q << 2);
    for (let p = 0; p < k; p++) {
      store<f32>(dst, load<f32>(src));
      src += row;
      dst += PANEL_ROW;
    }
  }
}

@inline
function tile4x8(
  k: i32, a0: usize, a1: usize, a2: usize, a3: usize, aStep: usize,
  panel: usize, panelStep: usize, c: usize, cRow: usize, w: i32,
  bias0: v128, bias1: v128, relu: i32, accumulate: i32, stage: usize,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let bp = panel;
  let ap: usize = 0;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let x = v128.load32_splat(a0 + ap);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.load32_splat(a1 + ap);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.load32_splat(a2 + ap);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = v128.load32_splat(a3 + ap);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
    bp += panelStep;
    ap += aStep;
  }
  storeRow(c, w, c00, c01, bias0, bias1, relu, accumulate, stage);
  storeRow(c + cRow, w, c10, c11, bias0, bias1, relu, accumulate, stage);
  storeRow(c + 2 * cRow, w, c20, c21, bias0, bias1, relu, accumulate, stage);
  storeRow(c + 3 * cRow, w, c30, c31, bias0, bias1, relu, accumulate, stage);
}

/**
 * One row of the tile, for the rows left after the 4-row blocks (a batch of
 * 1 computes one row, not four). It adds in the same order as tile4x8, so a
 * row's result does not depend on where the batch puts it.
 */
@inline
function tile1x8(
  k: i32, a0: usize, aStep: usize, panel: usize, panelStep: usize, c: usize, w: i32,
  bias0: v128, bias1: v128, relu: i32, accumulate: i32, stage: usize,
): void {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
  let bp = panel;
  let ap: usize = 0;
  for (let p = 0; p < k; p++) {
    const x = v128.load32_splat(a0 + ap);
    s0 = madd(x, v128.load(bp), s0);
    s1 = madd(x, v128.load(bp, 16), s1);
    bp += panelStep;
    ap += aStep;
  }
  storeRow(c, w, s0, s1, bias0, bias1, relu, accumulate, stage);
}

/** Stores (or adds) the first w of 8 values at c; a partial row goes through `stage`. */
@inline
export function storeRow(c: usize, w: i32, v0: v128, v1: v128, bias0: v128, bias1: v128, relu: i32, accumulate: i32, stage: usize): void {
  if (w == 8) {
    if (accumulate) {
      v128.store(c, f32x4.add(v128.load(c), v0));
      v128.store(c, f32x4.add(v128.load(c, 16), v1), 16);
      return;
    }
    v0 = f32x4.add(v0, bias0);
    v1 = f32x4.add(v1, bias1);
    if (relu) {
      v0 = f32x4.pmax(f32x4.splat(0), v0);
      v1 = f32x4.pmax(f32x4.splat(0), v1);
    }
    v128.store(c, v0);
    v128.store(c, v1, 16);
    return;
  }
  if (!accumulate) {
    v0 = f32x4.add(v0, bias0);
    v1 = f32x4.add(v1, bias1);
    if (relu) {
      v0 = f32x4.pmax(f32x4.splat(0), v0);
      v1 = f32x4.pmax(f32x4.splat(0), v1);
    }
  }
  v128.store(stage, v0);
  v128.store(stage, v1, 16);
  for (let q = 0; q < w; q++) {
    const at = c + (<usize>q << 2);
    const v = load<f32>(stage + (<usize>q << 2));
    store<f32>(at, accumulate ? load<f32>(at) + v : v);
  }
}
