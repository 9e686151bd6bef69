// Sliding-window layout for convolution (AssemblyScript; see gemm.ts): im2col
// lays each output position's window out as one row of a column buffer, and
// col2im adds such rows back into an input gradient. Windows have up to
// three spatial axes (fewer are padded with size-1 outer axes), channels
// last; the innermost axis with dilation 1 is a contiguous run of k·C
// floats, copied four at a time.

/** Copies n floats (SIMD four at a time). */
@inline
function copy(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

@inline
function zero(dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), f32x4.splat(0));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), 0);
}

/** dst[0..n) += src[0..n). */
@inline
function addTo(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = dst + (<usize>i << 2);
    v128.store(at, f32x4.add(v128.load(at), v128.load(src + (<usize>i << 2))));
  }
  for (; i < n; i++) {
    const at = dst + (<usize>i << 2);
    store<f32>(at, load<f32>(at) + load<f32>(src + (<usize>i << 2)));
  }
}

/**
 * Walks the output positions [first, first + count) (rows of the column
 * buffer, col pointing at row `first`), every window cell of each in the
 * column buffer's order, and copies the cell's C channels between x and
 * col: `scatter` 0 copies x → col (zeros outside the input), 1 adds col → x.
 */
@inline
function walk(
  scatter: i32, x: usize, col: usize, first: i32, count: i32, B: i32, C: i32,
  L0: i32, L1: i32, L2: i32, O0: i32, O1: i32, O2: i32,
  K0: i32, K1: i32, K2: i32, S0: i32, S1: i32, S2: i32,
  D0: i32, D1: i32, D2: i32, P0: i32, P1: i32, P2: i32,
): void {
  if (count <= 0) return;
  let q = col;
  const cellBytes = <usize>C << 2;
  const runFloats = K2 * C;
  // The first row's (example, position), once; then counters (no division per row).
  let o2 = first % O2;
  let t = first / O2;
  let o1 = t % O1;
  t /= O1;
  let o0 = t % O0;
  let b = t / O0;
  for (let r = 0; r < count; r++) {
    for (let k0 = 0; k0 < K0; k0++) {
      const i0 = o0 * S0 + k0 * D0 - P0;
      const in0 = i0 >= 0 && i0 < L0;
      for (let k1 = 0; k1 < K1; k1++) {
        const i1 = o1 * S1 + k1 * D1 - P1;
        const inside = in0 && i1 >= 0 && i1 < L1;
        const start = o2 * S2 - P2;
        const rowAt = x + ((<usize>((b * L0 + i0) * L1 + i1) * <usize>L2) << 2) * <usize>C;
        if (inside && D2 == 1 && start >= 0 && start + K2 <= L2) {
          // The whole run lies in the input and is contiguous there.
          const src = rowAt + <usize>start * cellBytes;
          if (scatter) addTo(src, q, runFloats);
          else copy(q, src, runFloats);
          q += <usize>runFloats << 2;
          continue;
        }
        for (let k2 = 0; k2 < K2; k2++) {
          const i2 = start + k2 * D2;
          if (inside && i2 >= 0 && i2 < L2) {
            const src = rowAt + <usize>i2 * cellBytes;
            if (scatter) addTo(src, q, C);
            else copy(q, src, C);
          } else if (!scatter) zero(q, C);
          q += cellBytes;
        }
      }
    }
    if (++o2 == O2) {
      o2 = 0;
      if (++o1 == O1) {
        o1 = 0;
        if (++o0 == O0) {
          o0 = 0;
          b++;
        }
      }
    }
  }
}

export function im2col(
  x: usize, col: usize, B: i32, C: i32,
  L0: i32, L1: i32, L2: i32, O0: i32, O1: i32, O2: i32,
  K0: i32, K1: i32, K2: i32, S0: i32, S1: i32, S2: i32,
  D0: i32, D1: i32, D2: i32, P0: i32, P1: i32, P2: i32,
): void {
  walk(0, x, col, 0, B * O0 * O1 * O2, B, C, L0, L1, L2, O0, O1, O2, K0, K1, K2, S0, S1, S2, D0, D1, D2, P0, P1, P2);
}

/** dx += the column buffer's rows added back at their windows (dx is not cleared here). */
export function col2im(
  dx: usize, col: usize, B: i32, C: i32,
  L0: i32, L1: i32, L2: i32, O0: i32, O1: i32, O2: i32,
  K0: i32, K1: i32, K2: i32, S0: i32, S1: i32, S2: i32,
  D0: i32, D1: i32, D2: i32, P0: i32, P1: i32, P2: i32,
): void {
  walk(1, dx, col, 0, B * O0 * O1 * O2, B, C, L0, L1, L2, O0, O1, O2, K0, K1, K2, S0, S1, S2, D0, D1, D2, P0, P1, P2);
}

/** col2im for the output positions [first, first + count) only: col holds just those rows (the input gradient's chunks, conv.ts). */
export function col2imRows(
  dx: usize, col: usize, first: i32, count: i32, B: i32, C: i32,
  L0: i32, L1: i32, L2: i32, O0: i32, O1: i32, O2: i32,
  K0: i32, K1: i32, K2: i32, S0: i32, S1: i32, S2: i32,
  D0: i32, D1: i32, D2: i32, P0: i32, P1: i32, P2: i32,
): void {
  walk(1, dx, col, first, count, B, C, L0, L1, L2, O0, O1, O2, K0, K1, K2, S0, S1, S2, D0, D1, D2, P0, P1, P2);
}
