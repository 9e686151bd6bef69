// One time step of a recurrent layer's element-wise work over the batch,
// fused (AssemblyScript; see compiler/layers/recurrent-emit.ts for the
// generated loops these replace, with the same buffers and layouts):
// the gate nonlinearities, cell and state updates and saved buffers forward,
// the gate gradients backward. Gate order i f c o (lstm). Rows are
// (example b, time t) with t = s, or len − 1 − s for a reverse direction;
// an example whose length (lengths != 0) is at most s is skipped.
// Four units at a time; the last u mod 4 run the same lane code splatted.
import { vsigmoid, vtanh } from "./vmath";

// @ts-ignore: decorator
@inline function ld(p: usize, vec: bool): v128 {
  return vec ? v128.load(p) : f32x4.splat(load<f32>(p));
}

// @ts-ignore: decorator
@inline function st(p: usize, v: v128, vec: bool): void {
  if (vec) v128.store(p, v);
  else store<f32>(p, f32x4.extract_lane(v, 0));
}

// @ts-ignore: decorator
@inline function lengthOf(lengths: usize, b: i32, T: i32): i32 {
  return lengths != 0 ? load<i32>(lengths + (<usize>b << 2)) : T;
}

// @ts-ignore: decorator
@inline function lstmForwardLanes(vec: bool, jb: usize, U: usize, o: usize, r: usize, cb: usize, cs: usize, hb: usize, yo: usize): void {
  const i = vsigmoid(f32x4.add(ld(o + jb, vec), ld(r + jb, vec)));
  const f = vsigmoid(f32x4.add(ld(o + U + jb, vec), ld(r + U + jb, vec)));
  const cc = vtanh(f32x4.add(ld(o + 2 * U + jb, vec), ld(r + 2 * U + jb, vec)));
  const og = vsigmoid(f32x4.add(ld(o + 3 * U + jb, vec), ld(r + 3 * U + jb, vec)));
  st(o + jb, i, vec);
  st(o + U + jb, f, vec);
  st(o + 2 * U + jb, cc, vec);
  st(o + 3 * U + jb, og, vec);
  const c = f32x4.add(f32x4.mul(ld(cb + jb, vec), f), f32x4.mul(cc, i));
  st(cb + jb, c, vec);
  st(cs + jb, c, vec);
  const h = f32x4.mul(og, vtanh(c));
  st(hb + jb, h, vec);
  if (yo != 0) st(yo + jb, h, vec);
}

/**
 * LSTM step s forward, after rec = h'·U: per active example, hprev's row =
 * h; gates = act(gates + rec) in place; c = c·f + ĉ·i (into c and the saved
 * cell row); h = o·tanh(c); and with y != 0 h also into y's row at column
 * yColumn of rows yWidth wide.
 */
export function lstmForwardStep(
  B: i32, T: i32, u: i32, s: i32, reverse: i32, lengths: usize,
  gates: usize, rec: usize, hprev: usize, cell: usize, h: usize, c: usize,
  y: usize, yWidth: i32, yColumn: i32,
): void {
  const U = <usize>u << 2;
  for (let b = 0; b < B; b++) {
    const len = lengthOf(lengths, b, T);
    if (s >= len) continue;
    const row = <usize>(b * T + (reverse != 0 ? len - 1 - s : s));
    const o = gates + row * 4 * U, r = rec + <usize>b * 4 * U;
    const hb = h + <usize>b * U, cb = c + <usize>b * U, cs = cell + row * U;
    memory.copy(hprev + row * U, hb, U);
    const yo = y != 0 ? y + ((row * <usize>yWidth + <usize>yColumn) << 2) : 0;
    let j = 0;
    for (; j + 4 <= u; j += 4) lstmForwardLanes(true, <usize>j << 2, U, o, r, cb, cs, hb, yo);
    for (; j < u; j++) lstmForwardLanes(false, <usize>j << 2, U, o, r, cb, cs, hb, yo);
  }
}

// @ts-ignore: decorator
@inline function lstmBackwardLanes(vec: bool, jb: usize, U: usize, o: usize, cs: usize, cp: usize, dhb: usize, dcb: usize, dyo: usize, dg: usize, ds: usize): void {
  let d = ld(dhb + jb, vec);
  if (dyo != 0) {
    d = f32x4.add(d, ld(dyo + jb, vec));
    st(dhb + jb, d, vec);
  }
  const one = f32x4.splat(1);
  const i = ld(o + jb, vec), f = ld(o + U + jb, vec), cc = ld(o + 2 * U + jb, vec), og = ld(o + 3 * U + jb, vec);
  const tc = vtanh(ld(cs + jb, vec));
  const cprev = cp != 0 ? ld(cp + jb, vec) : f32x4.splat(0);
  const dcell = f32x4.add(ld(dcb + jb, vec), f32x4.mul(f32x4.mul(d, og), f32x4.sub(one, f32x4.mul(tc, tc))));
  const di = f32x4.mul(f32x4.mul(f32x4.mul(dcell, cc), i), f32x4.sub(one, i));
  const df = f32x4.mul(f32x4.mul(f32x4.mul(dcell, cprev), f), f32x4.sub(one, f));
  const dc = f32x4.mul(f32x4.mul(dcell, i), f32x4.sub(one, f32x4.mul(cc, cc)));
  const dog = f32x4.mul(f32x4.mul(f32x4.mul(d, tc), og), f32x4.sub(one, og));
  st(dg + jb, di, vec);
  st(dg + U + jb, df, vec);
  st(dg + 2 * U + jb, dc, vec);
  st(dg + 3 * U + jb, dog, vec);
  st(ds + jb, di, vec);
  st(ds + U + jb, df, vec);
  st(ds + 2 * U + jb, dc, vec);
  st(ds + 3 * U + jb, dog, vec);
  st(dcb + jb, f32x4.mul(dcell, f), vec);
}

/**
 * LSTM step s backward, before dh' = dstep·Uᵀ: per active example, dh +=
 * dy's row (y != 0: sequences); the four gate gradients into dgates' row
 * and dstep's row b; dc = dcell·f. The cell state before step 0 is zero.
 */
export function lstmBackwardStep(
  B: i32, T: i32, u: i32, s: i32, reverse: i32, lengths: usize,
  gates: usize, cell: usize, dh: usize, dc: usize, dgates: usize, dstep: usize,
  dy: usize, yWidth: i32, yColumn: i32,
): void {
  const U = <usize>u << 2;
  for (let b = 0; b < B; b++) {
    const len = lengthOf(lengths, b, T);
    if (s >= len) continue;
    const t = reverse != 0 ? len - 1 - s : s;
    const row = <usize>(b * T + t);
    const o = gates + row * 4 * U, dg = dgates + row * 4 * U, ds = dstep + <usize>b * 4 * U;
    const cs = cell + row * U;
    const cp = s > 0 ? cell + <usize>(b * T + (reverse != 0 ? t + 1 : t - 1)) * U : 0;
    const dhb = dh + <usize>b * U, dcb = dc + <usize>b * U;
    const dyo = dy != 0 ? dy + ((row * <usize>yWidth + <usize>yColumn) << 2) : 0;
    let j = 0;
    for (; j + 4 <= u; j += 4) lstmBackwardLanes(true, <usize>j << 2, U, o, cs, cp, dhb, dcb, dyo, dg, ds);
    for (; j < u; j++) lstmBackwardLanes(false, <usize>j << 2, U, o, cs, cp, dhb, dcb, dyo, dg, ds);
  }
}
