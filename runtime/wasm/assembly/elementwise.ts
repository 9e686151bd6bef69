// Elementwise and pooling work that costs as much as the products around it
// once those are fast (AssemblyScript; see gemm.ts): max pooling with its
// argmax, the argmax scatter of its gradient, the relu gradient and column
// sums (bias gradients). Channels go four at a time where there are four.

/**
 * Max pooling over up to three spatial axes (outer ones padded with size 1),
 * channels last. y = the max over the window's cells inside the input, first
 * maximal cell kept; with `arg` != 0, arg = that cell's element index in x
 * (unchanged where no value beats -Infinity, like the generated loops).
 */
export function maxPool(
  x: usize, y: usize, arg: usize, B: i32, C: i32,
  L0: i32, L1: i32, L2: i32, O0: i32, O1: i32, O2: i32,
  K0: i32, K1: i32, K2: i32, S0: i32, S1: i32, S2: i32, P0: i32, P1: i32, P2: i32,
): void {
  let out: usize = 0; // output element index
  const minus = f32x4.splat(-Infinity);
  for (let b = 0; b < B; b++)
    for (let o0 = 0; o0 < O0; o0++)
      for (let o1 = 0; o1 < O1; o1++)
        for (let o2 = 0; o2 < O2; o2++) {
          let c = 0;
          // Four channels at a time; a last partial group overlaps the one before (recomputing a
          // channel gives the same max and argmax), so C = 6 runs as two groups, not one and two scalars.
          for (let group = 0; C >= 4 && group < C; group += 4) {
            c = min(group, C - 4);
            if (arg == 0) {
              // Inference: no argmax. pmax(best, v) keeps best unless v > best, as the generated loop does.
              const at = (b * L0 * L1 * L2 + (o0 * S0 - P0) * L1 * L2 + (o1 * S1 - P1) * L2 + o2 * S2 - P2) * C + c;
              // The window's cells inside the input, per axis, instead of a check per cell.
              const a0 = max(0, P0 - o0 * S0), e0 = min(K0, L0 + P0 - o0 * S0);
              const a1 = max(0, P1 - o1 * S1), e1 = min(K1, L1 + P1 - o1 * S1);
              const a2 = max(0, P2 - o2 * S2), e2 = min(K2, L2 + P2 - o2 * S2);
              let best = minus;
              for (let k0 = a0; k0 < e0; k0++)
                for (let k1 = a1; k1 < e1; k1++) {
                  let cell = x + (<usize>(at + ((k0 * L1 + k1) * L2 + a2) * C) << 2);
                  for (let k2 = a2; k2 < e2; k2++) {
                    best = f32x4.pmax(best, v128.load(cell));
                    cell += <usize>C << 2;
                  }
                }
              v128.store(y + ((out + <usize>c) << 2), best);
              c += 4;
              continue;
            }
            let best = minus;
            const argAt = arg + ((out + <usize>c) << 2);
            let where = arg != 0 ? v128.load(argAt) : i32x4.splat(0);
            for (let k0 = 0; k0 < K0; k0++) {
              const i0 = o0 * S0 + k0 - P0;
              if (i0 < 0 || i0 >= L0) continue;
              for (let k1 = 0; k1 < K1; k1++) {
                const i1 = o1 * S1 + k1 - P1;
                if (i1 < 0 || i1 >= L1) continue;
                for (let k2 = 0; k2 < K2; k2++) {
                  const i2 = o2 * S2 + k2 - P2;
                  if (i2 < 0 || i2 >= L2) continue;
                  const at = (((b * L0 + i0) * L1 + i1) * L2 + i2) * C + c;
                  const v = v128.load(x + (<usize>at << 2));
                  const more = f32x4.gt(v, best);
                  best = v128.bitselect(v, best, more);
                  where = v128.bitselect(i32x4.add(i32x4.splat(at), i32x4(0, 1, 2, 3)), where, more);
                }
              }
            }
            v128.store(y + ((out + <usize>c) << 2), best);
            if (arg != 0) v128.store(argAt, where);
            c += 4;
          }
          for (; c < C; c++) {
            let best: f32 = -Infinity;
            let where = arg != 0 ? load<i32>(arg + ((out + <usize>c) << 2)) : 0;
            for (let k0 = 0; k0 < K0; k0++) {
              const i0 = o0 * S0 + k0 - P0;
              if (i0 < 0 || i0 >= L0) continue;
              for (let k1 = 0; k1 < K1; k1++) {
                const i1 = o1 * S1 + k1 - P1;
                if (i1 < 0 || i1 >= L1) continue;
                for (let k2 = 0; k2 < K2; k2++) {
                  const i2 = o2 * S2 + k2 - P2;
                  if (i2 < 0 || i2 >= L2) continue;
                  const at = (((b * L0 + i0) * L1 + i1) * L2 + i2) * C + c;
                  const v = load<f32>(x + (<usize>at << 2));
                  if (v > best) {
                    best = v;
                    where = at;
                  }
                }
              }
            }
            store<f32>(y + ((out + <usize>c) << 2), best);
            if (arg != 0) store<i32>(arg + ((out + <usize>c) << 2), where);
          }
          out += <usize>C;
        }
}

/** dx[arg[i]] += dy[i] for i < n (max pooling's gradient). */
export function scatterAdd(dx: usize, arg: usize, dy: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const at = dx + (<usize>load<i32>(arg + (<usize>i << 2)) << 2);
    store<f32>(at, load<f32>(at) + load<f32>(dy + (<usize>i << 2)));
  }
}

/** dy[i] = y[i] > 0 ? dy[i] : 0 for i < n (the relu gradient, in place). */
export function reluGrad(dy: usize, y: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = dy + (<usize>i << 2);
    v128.store(at, v128.and(v128.load(at), f32x4.gt(v128.load(y + (<usize>i << 2)), zero)));
  }
  for (; i < n; i++) {
    const at = dy + (<usize>i << 2);
    if (!(load<f32>(y + (<usize>i << 2)) > 0)) store<f32>(at, 0);
  }
}

/**
 * dst[j] = Σ_r src[r·width + j] (bias gradients), summing rows in order so
 * each column adds exactly as the generated loop does.
 */
export function columnSums(src: usize, rows: i32, width: i32, dst: usize): void {
  memory.fill(dst, 0, <usize>width << 2);
  const row = <usize>width << 2;
  let at = src;
  for (let r = 0; r < rows; r++) {
    let j = 0;
    for (; j + 4 <= width; j += 4) {
      const d = dst + (<usize>j << 2);
      v128.store(d, f32x4.add(v128.load(d), v128.load(at + (<usize>j << 2))));
    }
    for (; j < width; j++) {
      const d = dst + (<usize>j << 2);
      store<f32>(d, load<f32>(d) + load<f32>(at + (<usize>j << 2)));
    }
    at += row;
  }
}
