// Matrix products for generated code, row-major, register-blocked: each
// inner step keeps a 4×4 tile of C in locals, so every value loaded from A or
// B feeds four multiply-adds instead of one. This is the one kernel an
// inlined loop cannot match; a WebAssembly implementation can replace these
// functions behind the same signatures.

/** Activations a product can apply as it stores C. */
export const Act = { none: 0, relu: 1, tanh: 2, sigmoid: 3 } as const;

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
 * C[m×n] = A[m×k] · B[k×n] (+ bias per column) (then act), or C += A·B when
 * `accumulate` (bias and act are then ignored).
 */
export function gemm(m: number, k: number, n: number, a: Float32Array, b: Float32Array, c: Float32Array, bias: Float32Array | null, act: number, accumulate: boolean): void {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
    for (let j = 0; j < n4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0, bp = j; p < k; p++, bp += n) {
        const b0 = b[bp]!, b1 = b[bp + 1]!, b2 = b[bp + 2]!, b3 = b[bp + 3]!;
        const x0 = a[a0 + p]!, x1 = a[a1 + p]!, x2 = a[a2 + p]!, x3 = a[a3 + p]!;
        c00 += x0 * b0; c01 += x0 * b1; c02 += x0 * b2; c03 += x0 * b3;
        c10 += x1 * b0; c11 += x1 * b1; c12 += x1 * b2; c13 += x1 * b3;
        c20 += x2 * b0; c21 += x2 * b1; c22 += x2 * b2; c23 += x2 * b3;
        c30 += x3 * b0; c31 += x3 * b1; c32 += x3 * b2; c33 += x3 * b3;
      }
      store4(c, i * n + j, n, accumulate, bias, j, act, c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33);
    }
    for (let j = n4; j < n; j++) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0, bp = j; p < k; p++, bp += n) {
        const bv = b[bp]!;
        s0 += a[a0 + p]! * bv; s1 += a[a1 + p]! * bv; s2 += a[a2 + p]! * bv; s3 += a[a3 + p]! * bv;
      }
      storeOne(c, i * n + j, accumulate, bias, j, act, s0);
      storeOne(c, (i + 1) * n + j, accumulate, bias, j, act, s1);
      storeOne(c, (i + 2) * n + j, accumulate, bias, j, act, s2);
      storeOne(c, (i + 3) * n + j, accumulate, bias, j, act, s3);
    }
  }
  for (let i = m4; i < m; i++) {
    const ai = i * k;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0, bp = j; p < k; p++, bp += n) s += a[ai + p]! * b[bp]!;
      storeOne(c, i * n + j, accumulate, bias, j, act, s);
    }
  }
}

function storeOne(c: Float32Array, at: number, accumulate: boolean, bias: Float32Array | null, col: number, act: number, v: number): void {
  if (accumulate) c[at] = c[at]! + v;
  else if (act === 0) c[at] = bias ? v + bias[col]! : v;
  else c[at] = activate(bias ? v + bias[col]! : v, act);
}

function store4(
  c: Float32Array, at: number, n: number, accumulate: boolean, bias: Float32Array | null, col: number, act: number,
  c00: number, c01: number, c02: number, c03: number,
  c10: number, c11: number, c12: number, c13: number,
  c20: number, c21: number, c22: number, c23: number,
  c30: number, c31: number, c32: number, c33: number,
): void {
  if (accumulate) {
    c[at] = c[at]! + c00; c[at + 1] = c[at + 1]! + c01; c[at + 2] = c[at + 2]! + c02; c[at + 3] = c[at + 3]! + c03;
    at += n;
    c[at] = c[at]! + c10; c[at + 1] = c[at + 1]! + c11; c[at + 2] = c[at + 2]! + c12; c[at + 3] = c[at + 3]! + c13;
    at += n;
    c[at] = c[at]! + c20; c[at + 1] = c[at + 1]! + c21; c[at + 2] = c[at + 2]! + c22; c[at + 3] = c[at + 3]! + c23;
    at += n;
    c[at] = c[at]! + c30; c[at + 1] = c[at + 1]! + c31; c[at + 2] = c[at + 2]! + c32; c[at + 3] = c[at + 3]! + c33;
    return;
  }
  const b0 = bias ? bias[col]! : 0, b1 = bias ? bias[col + 1]! : 0, b2 = bias ? bias[col + 2]! : 0, b3 = bias ? bias[col + 3]! : 0;
  if (act === 0) {
    c[at] = c00 + b0; c[at + 1] = c01 + b1; c[at + 2] = c02 + b2; c[at + 3] = c03 + b3;
    at += n;
    c[at] = c10 + b0; c[at + 1] = c11 + b1; c[at + 2] = c12 + b2; c[at + 3] = c13 + b3;
    at += n;
    c[at] = c20 + b0; c[at + 1] = c21 + b1; c[at + 2] = c22 + b2; c[at + 3] = c23 + b3;
    at += n;
    c[at] = c30 + b0; c[at + 1] = c31 + b1; c[at + 2] = c32 + b2; c[at + 3] = c33 + b3;
    return;
  }
  if (act === 1) {
    c[at] = relu(c00 + b0); c[at + 1] = relu(c01 + b1); c[at + 2] = relu(c02 + b2); c[at + 3] = relu(c03 + b3);
    at += n;
    c[at] = relu(c10 + b0); c[at + 1] = relu(c11 + b1); c[at + 2] = relu(c12 + b2); c[at + 3] = relu(c13 + b3);
    at += n;
    c[at] = relu(c20 + b0); c[at + 1] = relu(c21 + b1); c[at + 2] = relu(c22 + b2); c[at + 3] = relu(c23 + b3);
    at += n;
    c[at] = relu(c30 + b0); c[at + 1] = relu(c31 + b1); c[at + 2] = relu(c32 + b2); c[at + 3] = relu(c33 + b3);
    return;
  }
  c[at] = activate(c00 + b0, act); c[at + 1] = activate(c01 + b1, act); c[at + 2] = activate(c02 + b2, act); c[at + 3] = activate(c03 + b3, act);
  at += n;
  c[at] = activate(c10 + b0, act); c[at + 1] = activate(c11 + b1, act); c[at + 2] = activate(c12 + b2, act); c[at + 3] = activate(c13 + b3, act);
  at += n;
  c[at] = activate(c20 + b0, act); c[at + 1] = activate(c21 + b1, act); c[at + 2] = activate(c22 + b2, act); c[at + 3] = activate(c23 + b3, act);
  at += n;
  c[at] = activate(c30 + b0, act); c[at + 1] = activate(c31 + b1, act); c[at + 2] = activate(c32 + b2, act); c[at + 3] = activate(c33 + b3, act);
}

function relu(v: number): number {
  return v > 0 ? v : 0;
}

/** C[m×n] (+)= A[m×k] · B[n×k]ᵀ: the input gradient of a dense layer (dY · Wᵀ). */
export function gemmTransB(m: number, k: number, n: number, a: Float32Array, b: Float32Array, c: Float32Array, accumulate: boolean): void {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
    for (let j = 0; j < n4; j += 4) {
      const b0 = j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
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
      store4(c, i * n + j, n, accumulate, null, j, 0, c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33);
    }
    for (let j = n4; j < n; j++) {
      const bj = j * k;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0; p < k; p++) {
        const bv = b[bj + p]!;
        s0 += a[a0 + p]! * bv; s1 += a[a1 + p]! * bv; s2 += a[a2 + p]! * bv; s3 += a[a3 + p]! * bv;
      }
      storeOne(c, i * n + j, accumulate, null, j, 0, s0);
      storeOne(c, (i + 1) * n + j, accumulate, null, j, 0, s1);
      storeOne(c, (i + 2) * n + j, accumulate, null, j, 0, s2);
      storeOne(c, (i + 3) * n + j, accumulate, null, j, 0, s3);
    }
  }
  for (let i = m4; i < m; i++) {
    const ai = i * k;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ai + p]! * b[bj + p]!;
      storeOne(c, i * n + j, accumulate, null, j, 0, s);
    }
  }
}

/** C[m×n] (+)= A[k×m]ᵀ · B[k×n]: the weight gradient of a dense layer (Xᵀ · dY). */
export function gemmTransA(m: number, k: number, n: number, a: Float32Array, b: Float32Array, c: Float32Array, accumulate: boolean): void {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    for (let j = 0; j < n4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0, ap = i, bp = j; p < k; p++, ap += m, bp += n) {
        const x0 = a[ap]!, x1 = a[ap + 1]!, x2 = a[ap + 2]!, x3 = a[ap + 3]!;
        const y0 = b[bp]!, y1 = b[bp + 1]!, y2 = b[bp + 2]!, y3 = b[bp + 3]!;
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      store4(c, i * n + j, n, accumulate, null, j, 0, c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33);
    }
    for (let j = n4; j < n; j++) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0, ap = i, bp = j; p < k; p++, ap += m, bp += n) {
        const bv = b[bp]!;
        s0 += a[ap]! * bv; s1 += a[ap + 1]! * bv; s2 += a[ap + 2]! * bv; s3 += a[ap + 3]! * bv;
      }
      storeOne(c, i * n + j, accumulate, null, j, 0, s0);
      storeOne(c, (i + 1) * n + j, accumulate, null, j, 0, s1);
      storeOne(c, (i + 2) * n + j, accumulate, null, j, 0, s2);
      storeOne(c, (i + 3) * n + j, accumulate, null, j, 0, s3);
    }
  }
  for (let i = m4; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0, ap = i, bp = j; p < k; p++, ap += m, bp += n) s += a[ap]! * b[bp]!;
      storeOne(c, i * n + j, accumulate, null, j, 0, s);
    }
  }
}
