// Convolution as an implicit product (AssemblyScript; see gemm.ts): the
// forward pass and the filter gradient read the input's windows in place
// instead of through an im2col buffer. The input is first copied into a
// zero-bordered buffer `xp`, so no window needs a bounds check; then the
// window row of output position i, patch element p, is
//   xp[rowBase(i) + offset(p)],
// with rowBase from i's (example, position) and offset from p's (cell,
// channel), both through tables. The forward pass is the 4×8 tile of gemm.ts with
// A read through the table; the filter gradient puts patch elements on the
// tile's rows and output positions on its long axis.
import { gemmPacked, madd, pack, packAll, storeRow } from "./gemm";
import { col2imRows } from "./window";

// Window geometry, unpacked once per call into globals (not a class: the
// module must not allocate in memory that the runtime's arena owns).
// Sizes per axis, axis 2 innermost, channels last; Q is the padded length.
let gB: i32 = 0, gC: i32 = 0;
let gL0: i32 = 0, gL1: i32 = 0, gL2: i32 = 0;
let gO0: i32 = 0, gO1: i32 = 0, gO2: i32 = 0;
let gK0: i32 = 0, gK1: i32 = 0, gK2: i32 = 0;
let gS0: i32 = 0, gS1: i32 = 0, gS2: i32 = 0;
let gD0: i32 = 0, gD1: i32 = 0, gD2: i32 = 0;
let gP0: i32 = 0, gP1: i32 = 0, gP2: i32 = 0;
let gQ0: i32 = 0, gQ1: i32 = 0, gQ2: i32 = 0;

function span(L: i32, O: i32, K: i32, S: i32, D: i32, P: i32): i32 {
  return max(L + P, (O - 1) * S + (K - 1) * D + 1);
}

function setWindow(
  B: i32, C: i32, L0: i32, L1: i32, L2: i32, O0: i32, O1: i32, O2: i32,
  K0: i32, K1: i32, K2: i32, S0: i32, S1: i32, S2: i32, D0: i32, D1: i32, D2: i32, P0: i32, P1: i32, P2: i32,
): void {
  gB = B; gC = C; gL0 = L0; gL1 = L1; gL2 = L2; gO0 = O0; gO1 = O1; gO2 = O2;
  gK0 = K0; gK1 = K1; gK2 = K2; gS0 = S0; gS1 = S1; gS2 = S2; gD0 = D0; gD1 = D1; gD2 = D2;
  gP0 = P0; gP1 = P1; gP2 = P2;
  gQ0 = span(L0, O0, K0, S0, D0, P0);
  gQ1 = span(L1, O1, K1, S1, D1, P1);
  gQ2 = span(L2, O2, K2, S2, D2, P2);
}

/** Floats in the padded input. */
function paddedSize(): i32 {
  return gB * gQ0 * gQ1 * gQ2 * gC;
}

/** xp = x with zero borders (P before each axis, up to Q after). */
function padInput(x: usize, xp: usize): void {
  memory.fill(xp, 0, <usize>paddedSize() << 2);
  const run = <usize>(gL2 * gC) << 2;
  for (let b = 0; b < gB; b++)
    for (let i0 = 0; i0 < gL0; i0++)
      for (let i1 = 0; i1 < gL1; i1++) {
        const src = x + ((<usize>((b * gL0 + i0) * gL1 + i1) * <usize>run));
        const dst = xp + (<usize>((((b * gQ0 + i0 + gP0) * gQ1 + i1 + gP1) * gQ2 + gP2) * gC) << 2);
        memory.copy(dst, src, run);
      }
}

/** Byte offsets of the patch elements (cell, channel) from a window's corner, in the kernel's row order. */
function offsets(table: usize): i32 {
  let p = 0;
  for (let k0 = 0; k0 < gK0; k0++)
    for (let k1 = 0; k1 < gK1; k1++)
      for (let k2 = 0; k2 < gK2; k2++)
        for (let c = 0; c < gC; c++) {
          store<i32>(table + (<usize>p << 2), ((((k0 * gD0) * gQ1 + k1 * gD1) * gQ2 + k2 * gD2) * gC + c) << 2);
          p++;
        }
  return p;
}

/**
 * The address in xp of every output position's window corner, in row order,
 * into `table`; returns the count. Counters, not division: V8's i32 division
 * made a per-tile computation cost ten times the tile's arithmetic.
 */
function rowTable(xp: usize, table: usize): i32 {
  let i = 0;
  for (let b = 0; b < gB; b++)
    for (let o0 = 0; o0 < gO0; o0++)
      for (let o1 = 0; o1 < gO1; o1++) {
        let at = xp + (<usize>(((b * gQ0 + o0 * gS0) * gQ1 + o1 * gS1) * gQ2 * gC) << 2);
        const step = <usize>(gS2 * gC) << 2;
        for (let o2 = 0; o2 < gO2; o2++) {
          store<i32>(table + (<usize>i << 2), <i32>at);
          at += step;
          i++;
        }
      }
  return i;
}

/**
 * y[m×F] = windows(x)[m×patch] · w[patch×F] (+ bias) (relu), m = B·O0·O1·O2.
 * `scratch` holds the padded input, the offset and row tables and a packed panel.
 */
export function convForward(
  x: usize, w: usize, bias: usize, y: usize, relu: i32, F: i32, scratch: usize,
  B: i32, C: i32, L0: i32, L1: i32, L2: i32, O0: i32, O1: i32, O2: i32,
  K0: i32, K1: i32, K2: i32, S0: i32, S1: i32, S2: i32, D0: i32, D1: i32, D2: i32, P0: i32, P1: i32, P2: i32,
): void {
  setWindow(B, C, L0, L1, L2, O0, O1, O2, K0, K1, K2, S0, S1, S2, D0, D1, D2, P0, P1, P2);
  const xp = scratch;
  padInput(x, xp);
  const table = xp + (<usize>paddedSize() << 2);
  const k = offsets(table);
  const rows = table + (<usize>k << 2);
  const m = rowTable(xp, rows);
  const panelAt = (rows + (<usize>m << 2) + 15) & ~<usize>15;
  const stage = panelAt + (<usize>k << 5);
  const yRow = <usize>F << 2;
  for (let j0 = 0; j0 < F; j0 += 8) {
    const wd = min(8, F - j0);
    let panel: usize;
    let panelStep: usize;
    if (wd == 8) {
      panel = w + (<usize>j0 << 2);
      panelStep = yRow;
    } else {
      pack(k, wd, w + (<usize>j0 << 2), F, 1, panelAt);
      panel = panelAt;
      panelStep = 32;
    }
    let bias0 = f32x4.splat(0);
    let bias1 = f32x4.splat(0);
    if (bias != 0) {
      for (let q = 0; q < 8; q++) store<f32>(stage + (<usize>q << 2), q < wd ? load<f32>(bias + (<usize>(j0 + q) << 2)) : 0);
      bias0 = v128.load(stage);
      bias1 = v128.load(stage, 16);
    }
    const yCol = y + (<usize>j0 << 2);
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const r = rows + (<usize>i << 2);
      const r0 = <usize>load<i32>(r), r1 = <usize>load<i32>(r, 4), r2 = <usize>load<i32>(r, 8), r3 = <usize>load<i32>(r, 12);
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let bp = panel;
      for (let p = 0; p < k; p++) {
        const o = <usize>load<i32>(table + (<usize>p << 2));
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        let v = v128.load32_splat(r0 + o);
        c00 = madd(v, b0, c00);
        c01 = madd(v, b1, c01);
        v = v128.load32_splat(r1 + o);
        c10 = madd(v, b0, c10);
        c11 = madd(v, b1, c11);
        v = v128.load32_splat(r2 + o);
        c20 = madd(v, b0, c20);
        c21 = madd(v, b1, c21);
        v = v128.load32_splat(r3 + o);
        c30 = madd(v, b0, c30);
        c31 = madd(v, b1, c31);
        bp += panelStep;
      }
      const at = yCol + <usize>i * yRow;
      storeRow(at, wd, c00, c01, bias0, bias1, relu, 0, stage);
      storeRow(at + yRow, wd, c10, c11, bias0, bias1, relu, 0, stage);
      storeRow(at + 2 * yRow, wd, c20, c21, bias0, bias1, relu, 0, stage);
      storeRow(at + 3 * yRow, wd, c30, c31, bias0, bias1, relu, 0, stage);
    }
    for (; i < m; i++) {
      // Leftover rows, one at a time, adding in the tile's order.
      const r0 = <usize>load<i32>(rows + (<usize>i << 2));
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
      let bp = panel;
      for (let p = 0; p < k; p++) {
        const v = v128.load32_splat(r0 + <usize>load<i32>(table + (<usize>p << 2)));
        s0 = madd(v, v128.load(bp), s0);
        s1 = madd(v, v128.load(bp, 16), s1);
        bp += panelStep;
      }
      storeRow(yCol + <usize>i * yRow, wd, s0, s1, bias0, bias1, relu, 0, stage);
    }
  }
}

/**
 * gw[patch×F] = windows(x)ᵀ · dy[m×F]: the filter gradient, overwriting gw.
 * Tile rows are 4 patch elements (4 fixed offsets), the long axis the m
 * output positions (a table of their window corners), columns 8 filters.
 */
export function convFilterGrad(
  x: usize, dy: usize, gw: usize, F: i32, scratch: usize,
  B: i32, C: i32, L0: i32, L1: i32, L2: i32, O0: i32, O1: i32, O2: i32,
  K0: i32, K1: i32, K2: i32, S0: i32, S1: i32, S2: i32, D0: i32, D1: i32, D2: i32, P0: i32, P1: i32, P2: i32,
): void {
  setWindow(B, C, L0, L1, L2, O0, O1, O2, K0, K1, K2, S0, S1, S2, D0, D1, D2, P0, P1, P2);
  const xp = scratch;
  padInput(x, xp);
  const table = xp + (<usize>paddedSize() << 2);
  const k = offsets(table);
  const rows = table + (<usize>k << 2);
  const m = rowTable(xp, rows);
  const panelAt = (rows + (<usize>m << 2) + 15) & ~<usize>15;
  const stage = panelAt + (<usize>m << 5);
  const gRow = <usize>F << 2;
  const zero = f32x4.splat(0);
  for (let j0 = 0; j0 < F; j0 += 8) {
    const wd = min(8, F - j0);
    let panel: usize;
    let panelStep: usize;
    if (wd == 8) {
      panel = dy + (<usize>j0 << 2);
      panelStep = gRow;
    } else {
      pack(m, wd, dy + (<usize>j0 << 2), F, 1, panelAt);
      panel = panelAt;
      panelStep = 32;
    }
    const gCol = gw + (<usize>j0 << 2);
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const o0 = <usize>load<i32>(table + (<usize>p << 2));
      const o1 = <usize>load<i32>(table + (<usize>(p + 1) << 2));
      const o2 = <usize>load<i32>(table + (<usize>(p + 2) << 2));
      const o3 = <usize>load<i32>(table + (<usize>(p + 3) << 2));
      let c00 = zero, c01 = zero, c10 = zero, c11 = zero;
      let c20 = zero, c21 = zero, c30 = zero, c31 = zero;
      let bp = panel;
      for (let i = 0; i < m; i++) {
        const r = <usize>load<i32>(rows + (<usize>i << 2));
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        let v = v128.load32_splat(r + o0);
        c00 = madd(v, b0, c00);
        c01 = madd(v, b1, c01);
        v = v128.load32_splat(r + o1);
        c10 = madd(v, b0, c10);
        c11 = madd(v, b1, c11);
        v = v128.load32_splat(r + o2);
        c20 = madd(v, b0, c20);
        c21 = madd(v, b1, c21);
        v = v128.load32_splat(r + o3);
        c30 = madd(v, b0, c30);
        c31 = madd(v, b1, c31);
        bp += panelStep;
      }
      const at = gCol + <usize>p * gRow;
      storeRow(at, wd, c00, c01, zero, zero, 0, 0, stage);
      storeRow(at + gRow, wd, c10, c11, zero, zero, 0, 0, stage);
      storeRow(at + 2 * gRow, wd, c20, c21, zero, zero, 0, 0, stage);
      storeRow(at + 3 * gRow, wd, c30, c31, zero, zero, 0, 0, stage);
    }
    for (; p < k; p++) {
      const o0 = <usize>load<i32>(table + (<usize>p << 2));
      let s0 = zero, s1 = zero;
      let bp = panel;
      for (let i = 0; i < m; i++) {
        const v = v128.load32_splat(<usize>load<i32>(rows + (<usize>i << 2)) + o0);
        s0 = madd(v, v128.load(bp), s0);
        s1 = madd(v, v128.load(bp, 16), s1);
        bp += panelStep;
      }
      storeRow(gCol + <usize>p * gRow, wd, s0, s1, zero, zero, 0, 0, stage);
    }
  }
}

/** Scratch bytes convForward (filterGrad false) or convFilterGrad needs for this window and F. */
export function convScratch(
  filterGrad: i32,
  B: i32, C: i32, L0: i32, L1: i32, L2: i32, O0: i32, O1: i32, O2: i32,
  K0: i32, K1: i32, K2: i32, S0: i32, S1: i32, S2: i32, D0: i32, D1: i32, D2: i32, P0: i32, P1: i32, P2: i32,
): i32 {
  setWindow(B, C, L0, L1, L2, O0, O1, O2, K0, K1, K2, S0, S1, S2, D0, D1, D2, P0, P1, P2);
  const k = K0 * K1 * K2 * C;
  const m = B * O0 * O1 * O2;
  const long = filterGrad ? m : k;
  // padded input, offsets, row table, alignment, panel of `long` rows of 8, staging row.
  return (paddedSize() << 2) + (k << 2) + (m << 2) + 16 + (long << 5) + 32;
}

/** Rows of dcol per chunk of convInputGrad: a multiple of 4 (whole tiles), the chunk ≤ 32 KB. */
function inputGradRows(patch: i32): i32 {
  return max(4, (8192 / patch) & ~3);
}

/**
 * dx += the input gradient of a convolution, windowsᵀ of dcol = dy·wᵀ
 * (dy [m×F], w [patch×F]), without a column buffer for all m rows: wᵀ is
 * packed once into gemm's 8-column panels, then dcol is computed a chunk
 * of rows at a time into a small buffer (gemmPacked: gemm's tiles, so the
 * same bits as gemmTransB) and each chunk added back at its windows
 * (col2imRows) before the next. The adds reach dx in the same order as the
 * full product followed by col2im, so dx has the same bits as that path.
 */
export function convInputGrad(
  dy: usize, w: usize, dx: usize, F: i32, scratch: usize,
  B: i32, C: i32, L0: i32, L1: i32, L2: i32, O0: i32, O1: i32, O2: i32,
  K0: i32, K1: i32, K2: i32, S0: i32, S1: i32, S2: i32, D0: i32, D1: i32, D2: i32, P0: i32, P1: i32, P2: i32,
): void {
  const patch = K0 * K1 * K2 * C;
  const m = B * O0 * O1 * O2;
  if (m == 0 || patch == 0) return;
  const panels = scratch;
  packAll(F, patch, w, 1, F, panels);
  const stage = panels + ((<usize>((patch + 7) >> 3) * <usize>F) << 5);
  const col = stage + 32;
  const R = inputGradRows(patch);
  for (let i = 0; i < m; i += R) {
    const n = min(R, m - i);
    gemmPacked(n, patch, F, dy + ((<usize>i * <usize>F) << 2), F, 1, panels, col, patch, 0, stage);
    col2imRows(dx, col, i, n, B, C, L0, L1, L2, O0, O1, O2, K0, K1, K2, S0, S1, S2, D0, D1, D2, P0, P1, P2);
  }
}

/** Scratch bytes convInputGrad needs: the packed wᵀ, a staging row and one chunk of dcol. */
export function convInputGradScratch(F: i32, patch: i32): i32 {
  return (((patch + 7) >> 3) * F << 5) + 32 + ((inputGradRows(patch) * patch) << 2);
}
