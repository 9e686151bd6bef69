// Matrix products for generated code, row-major, register-blocked: each
// inner step keeps a 4×4 tile of C in sixteen locals, so every value loaded
// from A or B feeds four multiply-adds instead of one. Edge tiles run the
// same kernel with their row and column offsets clamped to the last valid
// one (the extra lanes compute duplicates that are never stored), so shapes
// such as 6 filters or 25-element windows never fall to a scalar loop. This
// is the one kernel an inlined loop cannot match; a WebAssembly
// implementation can replace these functions behind the same signatures.

// `act` arguments are the codes of runtime/act.ts.

function activate(v: number, act: number): number {
  switch (act) {
    case 1:
      return v > 0 ? v : 0;
    case 2:
      return Math.tanh(v);
    case 3:
      return 1 / (1 + Math.exp(-v));
    default:
      return v;
  }
}

/**
 * Stores a 4×4 tile at (i, j) of C (m×n): only the cells inside C; adds
 * when accumulating, else adds the bias per column and applies `act`.
 */
function storeTile(
  c: Float32Array, m: number, n: number, i: number, j: number, accumulate: boolean, bias: Float32Array | null, act: number,
  c00: number, c01: number, c02: number, c03: number,
  c10: number, c11: number, c12: number, c13: number,
  c20: number, c21: number, c22: number, c23: number,
  c30: number, c31: number, c32: number, c33: number,
): void {
  const rows = m - i < 4 ? m - i : 4;
  const cols = n - j < 4 ? n - j : 4;
  if (rows === 4 && cols === 4 && act <= 1) {
    let at = i * n + j;
    if (accumulate) {
      c[at] += c00; c[at + 1] += c01; c[at + 2] += c02; c[at + 3] += c03;
      at += n;
      c[at] += c10; c[at + 1] += c11; c[at + 2] += c12; c[at + 3] += c13;
      at += n;
      c[at] += c20; c[at + 1] += c21; c[at + 2] += c22; c[at + 3] += c23;
      at += n;
      c[at] += c30; c[at + 1] += c31; c[at + 2] += c32; c[at + 3] += c33;
      return;
    }
    if (bias !== null) {
      const b0 = bias[j]!, b1 = bias[j + 1]!, b2 = bias[j + 2]!, b3 = bias[j + 3]!;
      c00 += b0; c01 += b1; c02 += b2; c03 += b3;
      c10 += b0; c11 += b1; c12 += b2; c13 += b3;
      c20 += b0; c21 += b1; c22 += b2; c23 += b3;
      c30 += b0; c31 += b1; c32 += b2; c33 += b3;
    }
    if (act === 1) {
      // Branch-free relu: max with 0.
      c00 = c00 > 0 ? c00 : 0; c01 = c01 > 0 ? c01 : 0; c02 = c02 > 0 ? c02 : 0; c03 = c03 > 0 ? c03 : 0;
      c10 = c10 > 0 ? c10 : 0; c11 = c11 > 0 ? c11 : 0; c12 = c12 > 0 ? c12 : 0; c13 = c13 > 0 ? c13 : 0;
      c20 = c20 > 0 ? c20 : 0; c21 = c21 > 0 ? c21 : 0; c22 = c22 > 0 ? c22 : 0; c23 = c23 > 0 ? c23 : 0;
      c30 = c30 > 0 ? c30 : 0; c31 = c31 > 0 ? c31 : 0; c32 = c32 > 0 ? c32 : 0; c33 = c33 > 0 ? c33 : 0;
    }
    c[at] = c00; c[at + 1] = c01; c[at + 2] = c02; c[at + 3] = c03;
    at += n;
    c[at] = c10; c[at + 1] = c11; c[at + 2] = c12; c[at + 3] = c13;
    at += n;
    c[at] = c20; c[at + 1] = c21; c[at + 2] = c22; c[at + 3] = c23;
    at += n;
    c[at] = c30; c[at + 1] = c31; c[at + 2] = c32; c[at + 3] = c33;
    return;
  }
  for (let r = 0; r < rows; r++) {
    const at = (i + r) * n + j;
    for (let q = 0; q < cols; q++) {
      const v =
        r === 0 ? (q === 0 ? c00 : q === 1 ? c01 : q === 2 ? c02 : c03)
        : r === 1 ? (q === 0 ? c10 : q === 1 ? c11 : q === 2 ? c12 : c13)
        : r === 2 ? (q === 0 ? c20 : q === 1 ? c21 : q === 2 ? c22 : c23)
        : q === 0 ? c30 : q === 1 ? c31 : q === 2 ? c32 : c33;
      if (accumulate) c[at + q] += v;
      else {
        const s = bias === null ? v : v + bias[j + q]!;
        c[at + q] = act === 0 ? s : act === 1 ? (s > 0 ? s : 0) : activate(s, act);
      }
    }
  }
}

/** Stores a full-height 4×3 tile (rows past m are skipped), like storeTile. */
function storeTile3(
  c: Float32Array, m: number, n: number, i: number, j: number, accumulate: boolean, bias: Float32Array | null, act: number,
  c00: number, c01: number, c02: number,
  c10: number, c11: number, c12: number,
  c20: number, c21: number, c22: number,
  c30: number, c31: number, c32: number,
): void {
  if (m - i < 4 || act > 1) {
    storeTile(c, m, n, i, j, accumulate, bias, act, c00, c01, c02, 0, c10, c11, c12, 0, c20, c21, c22, 0, c30, c31, c32, 0);
    return;
  }
  let at = i * n + j;
  if (accumulate) {
    c[at] += c00; c[at + 1] += c01; c[at + 2] += c02;
    at += n;
    c[at] += c10; c[at + 1] += c11; c[at + 2] += c12;
    at += n;
    c[at] += c20; c[at + 1] += c21; c[at + 2] += c22;
    at += n;
    c[at] += c30; c[at + 1] += c31; c[at + 2] += c32;
    return;
  }
  if (bias !== null) {
    const b0 = bias[j]!, b1 = bias[j + 1]!, b2 = bias[j + 2]!;
    c00 += b0; c01 += b1; c02 += b2;
    c10 += b0; c11 += b1; c12 += b2;
    c20 += b0; c21 += b1; c22 += b2;
    c30 += b0; c31 += b1; c32 += b2;
  }
  if (act === 1) {
    c00 = c00 > 0 ? c00 : 0; c01 = c01 > 0 ? c01 : 0; c02 = c02 > 0 ? c02 : 0;
    c10 = c10 > 0 ? c10 : 0; c11 = c11 > 0 ? c11 : 0; c12 = c12 > 0 ? c12 : 0;
    c20 = c20 > 0 ? c20 : 0; c21 = c21 > 0 ? c21 : 0; c22 = c22 > 0 ? c22 : 0;
    c30 = c30 > 0 ? c30 : 0; c31 = c31 > 0 ? c31 : 0; c32 = c32 > 0 ? c32 : 0;
  }
  c[at] = c00; c[at + 1] = c01; c[at + 2] = c02;
  at += n;
  c[at] = c10; c[at + 1] = c11; c[at + 2] = c12;
  at += n;
  c[at] = c20; c[at + 1] = c21; c[at + 2] = c22;
  at += n;
  c[at] = c30; c[at + 1] = c31; c[at + 2] = c32;
}

/**
 * The width of the column block at j: 4, or 3 where the columns left are 3,
 * 6 or 9 (so 6 filters make two full 4×3 tiles instead of a 4×4 and a half-empty one).
 */
function blockWidth(n: number, j: number): number {
  const left = n - j;
  return left === 3 || left === 6 || left === 9 ? 3 : 4;
}

/**
 * C[m×n] = A[m×k] · B[k×n] (+ bias per column) (then act), or C += A·B when
 * `accumulate` (bias and act are then ignored).
 */
export function gemm(m: number, k: number, n: number, a: Float32Array, b: Float32Array, c: Float32Array, bias: Float32Array | null, act: number, accumulate: boolean): void {
  // Rows past the last multiple of 4 go one at a time: a batch of 1 must not compute 4 rows.
  const m4 = m & ~3;
  if (m4 < m) gemmRows(m4, m, k, n, a, b, c, bias, act, accumulate);
  for (let i = 0; i < m4; i += 4) {
    // Row starts of A, clamped at the last row.
    const a0 = i * k, a1 = (i + 1 < m ? i + 1 : m - 1) * k, a2 = (i + 2 < m ? i + 2 : m - 1) * k, a3 = (i + 3 < m ? i + 3 : m - 1) * k;
    for (let j = 0; j < n; j += 4) {
      if (blockWidth(n, j) === 3) {
        let c00 = 0, c01 = 0, c02 = 0, c10 = 0, c11 = 0, c12 = 0, c20 = 0, c21 = 0, c22 = 0, c30 = 0, c31 = 0, c32 = 0;
        for (let p = 0, bp = j; p < k; p++, bp += n) {
          const b0 = b[bp]!, b1 = b[bp + 1]!, b2 = b[bp + 2]!;
          const x0 = a[a0 + p]!, x1 = a[a1 + p]!, x2 = a[a2 + p]!, x3 = a[a3 + p]!;
          c00 += x0 * b0; c01 += x0 * b1; c02 += x0 * b2;
          c10 += x1 * b0; c11 += x1 * b1; c12 += x1 * b2;
          c20 += x2 * b0; c21 += x2 * b1; c22 += x2 * b2;
          c30 += x3 * b0; c31 += x3 * b1; c32 += x3 * b2;
        }
        if (!accumulate && act <= 1) {
          if (bias !== null) {
            const e0 = bias[j]!, e1 = bias[j + 1]!, e2 = bias[j + 2]!;
            c00 += e0; c01 += e1; c02 += e2; c10 += e0; c11 += e1; c12 += e2;
            c20 += e0; c21 += e1; c22 += e2; c30 += e0; c31 += e1; c32 += e2;
          }
          if (act === 1) {
            c00 = c00 > 0 ? c00 : 0; c01 = c01 > 0 ? c01 : 0; c02 = c02 > 0 ? c02 : 0;
            c10 = c10 > 0 ? c10 : 0; c11 = c11 > 0 ? c11 : 0; c12 = c12 > 0 ? c12 : 0;
            c20 = c20 > 0 ? c20 : 0; c21 = c21 > 0 ? c21 : 0; c22 = c22 > 0 ? c22 : 0;
            c30 = c30 > 0 ? c30 : 0; c31 = c31 > 0 ? c31 : 0; c32 = c32 > 0 ? c32 : 0;
          }
          let at = i * n + j;
          c[at] = c00; c[at + 1] = c01; c[at + 2] = c02;
          at += n;
          c[at] = c10; c[at + 1] = c11; c[at + 2] = c12;
          at += n;
          c[at] = c20; c[at + 1] = c21; c[at + 2] = c22;
          at += n;
          c[at] = c30; c[at + 1] = c31; c[at + 2] = c32;
        } else storeTile3(c, m, n, i, j, accumulate, bias, act, c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32);
        j -= 1;
        continue;
      }
      const j1 = j + 1 < n ? 1 : 0, j2 = j + 2 < n ? 2 : j1, j3 = j + 3 < n ? 3 : j2;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0, bp = j; p < k; p++, bp += n) {
        const b0 = b[bp]!, b1 = b[bp + j1]!, b2 = b[bp + j2]!, b3 = b[bp + j3]!;
        const x0 = a[a0 + p]!, x1 = a[a1 + p]!, x2 = a[a2 + p]!, x3 = a[a3 + p]!;
        c00 += x0 * b0; c01 += x0 * b1; c02 += x0 * b2; c03 += x0 * b3;
        c10 += x1 * b0; c11 += x1 * b1; c12 += x1 * b2; c13 += x1 * b3;
        c20 += x2 * b0; c21 += x2 * b1; c22 += x2 * b2; c23 += x2 * b3;
        c30 += x3 * b0; c31 += x3 * b1; c32 += x3 * b2; c33 += x3 * b3;
      }
      if (!accumulate && act <= 1 && j + 4 <= n) {
        // Full tile (rows are full here), stored inline with bias and relu: a call per tile costs too much when k is short.
        if (bias !== null) {
          const e0 = bias[j]!, e1 = bias[j + 1]!, e2 = bias[j + 2]!, e3 = bias[j + 3]!;
          c00 += e0; c01 += e1; c02 += e2; c03 += e3;
          c10 += e0; c11 += e1; c12 += e2; c13 += e3;
          c20 += e0; c21 += e1; c22 += e2; c23 += e3;
          c30 += e0; c31 += e1; c32 += e2; c33 += e3;
        }
        if (act === 1) {
          c00 = c00 > 0 ? c00 : 0; c01 = c01 > 0 ? c01 : 0; c02 = c02 > 0 ? c02 : 0; c03 = c03 > 0 ? c03 : 0;
          c10 = c10 > 0 ? c10 : 0; c11 = c11 > 0 ? c11 : 0; c12 = c12 > 0 ? c12 : 0; c13 = c13 > 0 ? c13 : 0;
          c20 = c20 > 0 ? c20 : 0; c21 = c21 > 0 ? c21 : 0; c22 = c22 > 0 ? c22 : 0; c23 = c23 > 0 ? c23 : 0;
          c30 = c30 > 0 ? c30 : 0; c31 = c31 > 0 ? c31 : 0; c32 = c32 > 0 ? c32 : 0; c33 = c33 > 0 ? c33 : 0;
        }
        let at = i * n + j;
        c[at] = c00; c[at + 1] = c01; c[at + 2] = c02; c[at + 3] = c03;
        at += n;
        c[at] = c10; c[at + 1] = c11; c[at + 2] = c12; c[at + 3] = c13;
        at += n;
        c[at] = c20; c[at + 1] = c21; c[at + 2] = c22; c[at + 3] = c23;
        at += n;
        c[at] = c30; c[at + 1] = c31; c[at + 2] = c32; c[at + 3] = c33;
      } else storeTile(c, m, n, i, j, accumulate, bias, act, c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33);
    }
  }
}

/** Rows [from, to) of gemm, one row at a time in 1×4 tiles (a matrix–vector product per row). */
function gemmRows(from: number, to: number, k: number, n: number, a: Float32Array, b: Float32Array, c: Float32Array, bias: Float32Array | null, act: number, accumulate: boolean): void {
  for (let i = from; i < to; i++) {
    const ai = i * k;
    const ci = i * n;
    let j = 0;
    // 1×8 tiles: each value of A feeds eight accumulators.
    for (; j + 8 <= n; j += 8) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
      for (let p = 0, bp = j; p < k; p++, bp += n) {
        const x = a[ai + p]!;
        s0 += x * b[bp]!; s1 += x * b[bp + 1]!; s2 += x * b[bp + 2]!; s3 += x * b[bp + 3]!;
        s4 += x * b[bp + 4]!; s5 += x * b[bp + 5]!; s6 += x * b[bp + 6]!; s7 += x * b[bp + 7]!;
      }
      store1(c, ci + j, bias, j, act, accumulate, s0);
      store1(c, ci + j + 1, bias, j + 1, act, accumulate, s1);
      store1(c, ci + j + 2, bias, j + 2, act, accumulate, s2);
      store1(c, ci + j + 3, bias, j + 3, act, accumulate, s3);
      store1(c, ci + j + 4, bias, j + 4, act, accumulate, s4);
      store1(c, ci + j + 5, bias, j + 5, act, accumulate, s5);
      store1(c, ci + j + 6, bias, j + 6, act, accumulate, s6);
      store1(c, ci + j + 7, bias, j + 7, act, accumulate, s7);
    }
    for (; j + 4 <= n; j += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0, bp = j; p < k; p++, bp += n) {
        const x = a[ai + p]!;
        s0 += x * b[bp]!; s1 += x * b[bp + 1]!; s2 += x * b[bp + 2]!; s3 += x * b[bp + 3]!;
      }
      store1(c, ci + j, bias, j, act, accumulate, s0);
      store1(c, ci + j + 1, bias, j + 1, act, accumulate, s1);
      store1(c, ci + j + 2, bias, j + 2, act, accumulate, s2);
      store1(c, ci + j + 3, bias, j + 3, act, accumulate, s3);
    }
    for (; j < n; j++) {
      let s = 0;
      for (let p = 0, bp = j; p < k; p++, bp += n) s += a[ai + p]! * b[bp]!;
      store1(c, ci + j, bias, j, act, accumulate, s);
    }
  }
}

function store1(c: Float32Array, at: number, bias: Float32Array | null, col: number, act: number, accumulate: boolean, v: number): void {
  if (accumulate) c[at] += v;
  else c[at] = activate(bias === null ? v : v + bias[col]!, act);
}

/** C[m×n] (+)= A[m×k] · B[n×k]ᵀ: the input gradient of a dense layer (dY · Wᵀ). */
export function gemmTransB(m: number, k: number, n: number, a: Float32Array, b: Float32Array, c: Float32Array, accumulate: boolean): void {
  for (let i = 0; i < m; i += 4) {
    const a0 = i * k, a1 = (i + 1 < m ? i + 1 : m - 1) * k, a2 = (i + 2 < m ? i + 2 : m - 1) * k, a3 = (i + 3 < m ? i + 3 : m - 1) * k;
    for (let j = 0; j < n; j += 4) {
      const b0 = j * k, b1 = (j + 1 < n ? j + 1 : n - 1) * k, b2 = (j + 2 < n ? j + 2 : n - 1) * k, b3 = (j + 3 < n ? j + 3 : n - 1) * k;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0; p < k; p++) {
        const y0 = b[b0 + p]!, y1 = b[b1 + p]!, y2 = b[b2 + p]!, y3 = b[b3 + p]!;
        const x0 = a[a0 + p]!, x1 = a[a1 + p]!, x2 = a[a2 + p]!, x3 = a[a3 + p]!;
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      if (!accumulate && i + 4 <= m && j + 4 <= n) {
        // Full tile, plain store, inline: with a short k the call would cost as much as the tile.
        let at = i * n + j;
        c[at] = c00; c[at + 1] = c01; c[at + 2] = c02; c[at + 3] = c03;
        at += n;
        c[at] = c10; c[at + 1] = c11; c[at + 2] = c12; c[at + 3] = c13;
        at += n;
        c[at] = c20; c[at + 1] = c21; c[at + 2] = c22; c[at + 3] = c23;
        at += n;
        c[at] = c30; c[at + 1] = c31; c[at + 2] = c32; c[at + 3] = c33;
      } else storeTile(c, m, n, i, j, accumulate, null, 0, c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33);
    }
  }
}

/** C[m×n] (+)= A[k×m]ᵀ · B[k×n]: the weight gradient of a dense layer (Xᵀ · dY). */
export function gemmTransA(m: number, k: number, n: number, a: Float32Array, b: Float32Array, c: Float32Array, accumulate: boolean): void {
  for (let i = 0; i < m; i += 4) {
    const i1 = i + 1 < m ? 1 : 0, i2 = i + 2 < m ? 2 : i1, i3 = i + 3 < m ? 3 : i2;
    for (let j = 0; j < n; j += 4) {
      if (blockWidth(n, j) === 3) {
        let c00 = 0, c01 = 0, c02 = 0, c10 = 0, c11 = 0, c12 = 0, c20 = 0, c21 = 0, c22 = 0, c30 = 0, c31 = 0, c32 = 0;
        for (let p = 0, ap = i, bp = j; p < k; p++, ap += m, bp += n) {
          const x0 = a[ap]!, x1 = a[ap + i1]!, x2 = a[ap + i2]!, x3 = a[ap + i3]!;
          const y0 = b[bp]!, y1 = b[bp + 1]!, y2 = b[bp + 2]!;
          c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2;
          c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2;
          c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2;
          c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2;
        }
        if (!accumulate && i + 4 <= m) {
          let at = i * n + j;
          c[at] = c00; c[at + 1] = c01; c[at + 2] = c02;
          at += n;
          c[at] = c10; c[at + 1] = c11; c[at + 2] = c12;
          at += n;
          c[at] = c20; c[at + 1] = c21; c[at + 2] = c22;
          at += n;
          c[at] = c30; c[at + 1] = c31; c[at + 2] = c32;
        } else storeTile3(c, m, n, i, j, accumulate, null, 0, c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32);
        j -= 1;
        continue;
      }
      const j1 = j + 1 < n ? 1 : 0, j2 = j + 2 < n ? 2 : j1, j3 = j + 3 < n ? 3 : j2;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0, ap = i, bp = j; p < k; p++, ap += m, bp += n) {
        const x0 = a[ap]!, x1 = a[ap + i1]!, x2 = a[ap + i2]!, x3 = a[ap + i3]!;
        const y0 = b[bp]!, y1 = b[bp + j1]!, y2 = b[bp + j2]!, y3 = b[bp + j3]!;
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      if (!accumulate && i + 4 <= m && j + 4 <= n) {
        let at = i * n + j;
        c[at] = c00; c[at + 1] = c01; c[at + 2] = c02; c[at + 3] = c03;
        at += n;
        c[at] = c10; c[at + 1] = c11; c[at + 2] = c12; c[at + 3] = c13;
        at += n;
        c[at] = c20; c[at + 1] = c21; c[at + 2] = c22; c[at + 3] = c23;
        at += n;
        c[at] = c30; c[at + 1] = c31; c[at + 2] = c32; c[at + 3] = c33;
      } else storeTile(c, m, n, i, j, accumulate, null, 0, c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33);
    }
  }
}

/**
 * Products on sub-matrices, for recurrent steps: row i of A starts at
 * aOff + i·lda, row p of B at bOff + p·ldb, row i of C at cOff + i·ldc.
 * C (+)= A[m×k] · B[k×n]. Edge tiles are clamped like gemm's.
 */
export function gemmStrided(m: number, k: number, n: number, a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, c: Float32Array, cOff: number, ldc: number, accumulate: boolean): void {
  for (let i = 0; i < m; i += 4) {
    const a0 = aOff + i * lda, a1 = aOff + (i + 1 < m ? i + 1 : m - 1) * lda, a2 = aOff + (i + 2 < m ? i + 2 : m - 1) * lda, a3 = aOff + (i + 3 < m ? i + 3 : m - 1) * lda;
    for (let j = 0; j < n; j += 4) {
      const j1 = j + 1 < n ? 1 : 0, j2 = j + 2 < n ? 2 : j1, j3 = j + 3 < n ? 3 : j2;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0, bp = bOff + j; p < k; p++, bp += ldb) {
        const b0 = b[bp]!, b1 = b[bp + j1]!, b2 = b[bp + j2]!, b3 = b[bp + j3]!;
        const x0 = a[a0 + p]!, x1 = a[a1 + p]!, x2 = a[a2 + p]!, x3 = a[a3 + p]!;
        c00 += x0 * b0; c01 += x0 * b1; c02 += x0 * b2; c03 += x0 * b3;
        c10 += x1 * b0; c11 += x1 * b1; c12 += x1 * b2; c13 += x1 * b3;
        c20 += x2 * b0; c21 += x2 * b1; c22 += x2 * b2; c23 += x2 * b3;
        c30 += x3 * b0; c31 += x3 * b1; c32 += x3 * b2; c33 += x3 * b3;
      }
      storeStrided(c, cOff + i * ldc + j, ldc, m - i, n - j, accumulate, c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33);
    }
  }
}

/** C (+)= A[m×k] · B[n×k]ᵀ on sub-matrices (offsets and row strides as gemmStrided). */
export function gemmTransBStrided(m: number, k: number, n: number, a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, c: Float32Array, cOff: number, ldc: number, accumulate: boolean): void {
  for (let i = 0; i < m; i += 4) {
    const a0 = aOff + i * lda, a1 = aOff + (i + 1 < m ? i + 1 : m - 1) * lda, a2 = aOff + (i + 2 < m ? i + 2 : m - 1) * lda, a3 = aOff + (i + 3 < m ? i + 3 : m - 1) * lda;
    for (let j = 0; j < n; j += 4) {
      const b0 = bOff + j * ldb, b1 = bOff + (j + 1 < n ? j + 1 : n - 1) * ldb, b2 = bOff + (j + 2 < n ? j + 2 : n - 1) * ldb, b3 = bOff + (j + 3 < n ? j + 3 : n - 1) * ldb;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0; p < k; p++) {
        const y0 = b[b0 + p]!, y1 = b[b1 + p]!, y2 = b[b2 + p]!, y3 = b[b3 + p]!;
        const x0 = a[a0 + p]!, x1 = a[a1 + p]!, x2 = a[a2 + p]!, x3 = a[a3 + p]!;
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      storeStrided(c, cOff + i * ldc + j, ldc, m - i, n - j, accumulate, c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33);
    }
  }
}

/** Stores (or adds) the part of a 4×4 tile inside C: `rows` and `cols` left from its corner at `at`. */
function storeStrided(
  c: Float32Array, at: number, ldc: number, rows: number, cols: number, accumulate: boolean,
  c00: number, c01: number, c02: number, c03: number,
  c10: number, c11: number, c12: number, c13: number,
  c20: number, c21: number, c22: number, c23: number,
  c30: number, c31: number, c32: number, c33: number,
): void {
  if (rows >= 4 && cols >= 4) {
    if (accumulate) {
      c[at] += c00; c[at + 1] += c01; c[at + 2] += c02; c[at + 3] += c03;
      at += ldc;
      c[at] += c10; c[at + 1] += c11; c[at + 2] += c12; c[at + 3] += c13;
      at += ldc;
      c[at] += c20; c[at + 1] += c21; c[at + 2] += c22; c[at + 3] += c23;
      at += ldc;
      c[at] += c30; c[at + 1] += c31; c[at + 2] += c32; c[at + 3] += c33;
    } else {
      c[at] = c00; c[at + 1] = c01; c[at + 2] = c02; c[at + 3] = c03;
      at += ldc;
      c[at] = c10; c[at + 1] = c11; c[at + 2] = c12; c[at + 3] = c13;
      at += ldc;
      c[at] = c20; c[at + 1] = c21; c[at + 2] = c22; c[at + 3] = c23;
      at += ldc;
      c[at] = c30; c[at + 1] = c31; c[at + 2] = c32; c[at + 3] = c33;
    }
    return;
  }
  const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let r = 0; r < Math.min(rows, 4); r++)
    for (let q = 0; q < Math.min(cols, 4); q++) {
      const i = at + r * ldc + q;
      c[i] = accumulate ? c[i]! + tile[r * 4 + q]! : tile[r * 4 + q]!;
    }
}

/**
 * C (+)= A[k×m]ᵀ · B[k×n] on sub-matrices: element (p, i) of the stored A at
 * aOff + p·lda + i, row p of B at bOff + p·ldb, row i of C at cOff + i·ldc.
 * Per-head gradients of attention (Pᵀ·dO, dSᵀ·Q) use it.
 */
export function gemmTransAStrided(m: number, k: number, n: number, a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, c: Float32Array, cOff: number, ldc: number, accumulate: boolean): void {
  for (let i = 0; i < m; i += 4) {
    const i1 = i + 1 < m ? 1 : 0, i2 = i + 2 < m ? 2 : i1, i3 = i + 3 < m ? 3 : i2;
    for (let j = 0; j < n; j += 4) {
      const j1 = j + 1 < n ? 1 : 0, j2 = j + 2 < n ? 2 : j1, j3 = j + 3 < n ? 3 : j2;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0, ap = aOff + i, bp = bOff + j; p < k; p++, ap += lda, bp += ldb) {
        const x0 = a[ap]!, x1 = a[ap + i1]!, x2 = a[ap + i2]!, x3 = a[ap + i3]!;
        const y0 = b[bp]!, y1 = b[bp + j1]!, y2 = b[bp + j2]!, y3 = b[bp + j3]!;
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      storeStrided(c, cOff + i * ldc + j, ldc, m - i, n - j, accumulate, c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33);
    }
  }
}
