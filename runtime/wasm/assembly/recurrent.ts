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

/** Example b's row (b·T + t, t = s or len − 1 − s reversed) at step s, or −1 where its length ends at or before s. */
// @ts-ignore: decorator
@inline function stepRow(lengths: usize, b: i32, T: i32, s: i32, reverse: i32): i32 {
  const len = lengths != 0 ? load<i32>(lengths + (<usize>b << 2)) : T;
  return s >= len ? -1 : b * T + (reverse != 0 ? len - 1 - s : s);
}

/** Where `row` of y (or dy) starts: rows yWidth wide, this direction's columns from yColumn; 0 without y. */
// @ts-ignore: decorator
@inline function outputAt(y: usize, row: usize, yWidth: i32, yColumn: i32): usize {
  return y != 0 ? y + ((row * <usize>yWidth + <usize>yColumn) << 2) : 0;
}

/** The state gradient's lanes: dh, plus dy's row where the layer outputs every step (then stored back into dh). */
// @ts-ignore: decorator
@inline function stateGrad(dhb: usize, dyo: usize, jb: usize, vec: bool): v128 {
  let d = ld(dhb + jb, vec);
  if (dyo != 0) {
    d = f32x4.add(d, ld(dyo + jb, vec));
    st(dhb + jb, d, vec);
  }
  return d;
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
    const at = stepRow(lengths, b, T, s, reverse);
    if (at < 0) continue;
    const row = <usize>at;
    const o = gates + row * 4 * U, r = rec + <usize>b * 4 * U;
    const hb = h + <usize>b * U, cb = c + <usize>b * U, cs = cell + row * U;
    memory.copy(hprev + row * U, hb, U);
    const yo = outputAt(y, row, yWidth, yColumn);
    let j = 0;
    for (; j + 4 <= u; j += 4) lstmForwardLanes(true, <usize>j << 2, U, o, r, cb, cs, hb, yo);
    for (; j < u; j++) lstmForwardLanes(false, <usize>j << 2, U, o, r, cb, cs, hb, yo);
  }
}

// @ts-ignore: decorator
@inline function lstmBackwardLanes(vec: bool, jb: usize, U: usize, o: usize, cs: usize, cp: usize, dhb: usize, dcb: usize, dyo: usize, dg: usize, ds: usize): void {
  const d = stateGrad(dhb, dyo, jb, vec);
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
    const at = stepRow(lengths, b, T, s, reverse);
    if (at < 0) continue;
    const row = <usize>at;
    const o = gates + row * 4 * U, dg = dgates + row * 4 * U, ds = dstep + <usize>b * 4 * U;
    const cs = cell + row * U;
    // The cell state before this step: the previous step's row (the next time index when reversed).
    const cp = s > 0 ? cell + <usize>(at + (reverse != 0 ? 1 : -1)) * U : 0;
    const dhb = dh + <usize>b * U, dcb = dc + <usize>b * U;
    const dyo = outputAt(dy, row, yWidth, yColumn);
    let j = 0;
    for (; j + 4 <= u; j += 4) lstmBackwardLanes(true, <usize>j << 2, U, o, cs, cp, dhb, dcb, dyo, dg, ds);
    for (; j < u; j++) lstmBackwardLanes(false, <usize>j << 2, U, o, cs, cp, dhb, dcb, dyo, dg, ds);
  }
}

// GRU (gates z r h): its step has two products, h'·U[:, z r] and
// (r ⊙ h')·U[:, ĥ], so forward and backward each take two kernels, one
// before and one after the second product.

// @ts-ignore: decorator
@inline function gruGatesLanes(vec: bool, jb: usize, U: usize, o: usize, r: usize, hb: usize, rhRow: usize, rhStep: usize): void {
  const z = vsigmoid(f32x4.add(ld(o + jb, vec), ld(r + jb, vec)));
  const rr = vsigmoid(f32x4.add(ld(o + U + jb, vec), ld(r + U + jb, vec)));
  st(o + jb, z, vec);
  st(o + U + jb, rr, vec);
  const v = f32x4.mul(rr, ld(hb + jb, vec));
  st(rhRow + jb, v, vec);
  st(rhStep + jb, v, vec);
}

/**
 * GRU step s forward, after rec = h'·U[:, 0:2u] (rows 2u wide): hprev's row
 * = h; z, r = σ(gates + rec) in place; r ⊙ h into the saved rh row and
 * rhStep's row b (the next product's operand).
 */
export function gruForwardGates(
  B: i32, T: i32, u: i32, s: i32, reverse: i32, lengths: usize,
  gates: usize, rec: usize, hprev: usize, h: usize, rh: usize, rhStep: usize,
): void {
  const U = <usize>u << 2;
  for (let b = 0; b < B; b++) {
    const at = stepRow(lengths, b, T, s, reverse);
    if (at < 0) continue;
    const row = <usize>at;
    const o = gates + row * 3 * U, r = rec + <usize>b * 2 * U, hb = h + <usize>b * U;
    memory.copy(hprev + row * U, hb, U);
    const rhRow = rh + row * U, rs = rhStep + <usize>b * U;
    let j = 0;
    for (; j + 4 <= u; j += 4) gruGatesLanes(true, <usize>j << 2, U, o, r, hb, rhRow, rs);
    for (; j < u; j++) gruGatesLanes(false, <usize>j << 2, U, o, r, hb, rhRow, rs);
  }
}

// @ts-ignore: decorator
@inline function gruStateLanes(vec: bool, jb: usize, U: usize, o: usize, r2: usize, hb: usize, yo: usize): void {
  const hh = vtanh(f32x4.add(ld(o + 2 * U + jb, vec), ld(r2 + jb, vec)));
  const z = ld(o + jb, vec);
  st(o + 2 * U + jb, hh, vec);
  const h = f32x4.add(f32x4.mul(z, ld(hb + jb, vec)), f32x4.mul(f32x4.sub(f32x4.splat(1), z), hh));
  st(hb + jb, h, vec);
  if (yo != 0) st(yo + jb, h, vec);
}

/** GRU step s forward, after rec2 = (r ⊙ h')·U[:, 2u:3u]: ĥ = tanh(gates + rec2) in place; h = z·h + (1 − z)·ĥ; y's row when y != 0. */
export function gruForwardState(
  B: i32, T: i32, u: i32, s: i32, reverse: i32, lengths: usize,
  gates: usize, rec2: usize, h: usize, y: usize, yWidth: i32, yColumn: i32,
): void {
  const U = <usize>u << 2;
  for (let b = 0; b < B; b++) {
    const at = stepRow(lengths, b, T, s, reverse);
    if (at < 0) continue;
    const row = <usize>at;
    const o = gates + row * 3 * U, r2 = rec2 + <usize>b * U, hb = h + <usize>b * U;
    const yo = outputAt(y, row, yWidth, yColumn);
    let j = 0;
    for (; j + 4 <= u; j += 4) gruStateLanes(true, <usize>j << 2, U, o, r2, hb, yo);
    for (; j < u; j++) gruStateLanes(false, <usize>j << 2, U, o, r2, hb, yo);
  }
}

// @ts-ignore: decorator
@inline function gruGateGradLanes(vec: bool, jb: usize, U: usize, o: usize, hp: usize, dhb: usize, dyo: usize, dg: usize, ds: usize): void {
  const d = stateGrad(dhb, dyo, jb, vec);
  const one = f32x4.splat(1);
  const z = ld(o + jb, vec), hh = ld(o + 2 * U + jb, vec);
  const dz = f32x4.mul(f32x4.mul(f32x4.mul(d, f32x4.sub(ld(hp + jb, vec), hh)), z), f32x4.sub(one, z));
  const dhh = f32x4.mul(f32x4.mul(d, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(hh, hh)));
  st(dg + jb, dz, vec);
  st(dg + 2 * U + jb, dhh, vec);
  st(ds + jb, dz, vec);
  st(ds + 2 * U + jb, dhh, vec);
}

/**
 * GRU step s backward, first part: dh += dy's row (dy != 0); the z and ĥ
 * gate gradients into dgates' row and dstep's row b (r's come after the
 * ĥ block's product, in gruBackwardReset).
 */
export function gruBackwardGates(
  B: i32, T: i32, u: i32, s: i32, reverse: i32, lengths: usize,
  gates: usize, hprev: usize, dh: usize, dgates: usize, dstep: usize,
  dy: usize, yWidth: i32, yColumn: i32,
): void {
  const U = <usize>u << 2;
  for (let b = 0; b < B; b++) {
    const at = stepRow(lengths, b, T, s, reverse);
    if (at < 0) continue;
    const row = <usize>at;
    const o = gates + row * 3 * U, dg = dgates + row * 3 * U, ds = dstep + <usize>b * 3 * U;
    const hp = hprev + row * U, dhb = dh + <usize>b * U;
    const dyo = outputAt(dy, row, yWidth, yColumn);
    let j = 0;
    for (; j + 4 <= u; j += 4) gruGateGradLanes(true, <usize>j << 2, U, o, hp, dhb, dyo, dg, ds);
    for (; j < u; j++) gruGateGradLanes(false, <usize>j << 2, U, o, hp, dhb, dyo, dg, ds);
  }
}

// @ts-ignore: decorator
@inline function gruResetLanes(vec: bool, jb: usize, U: usize, o: usize, hp: usize, dhb: usize, cb: usize, dg: usize, ds: usize): void {
  const rr = ld(o + U + jb, vec), a = ld(cb + jb, vec);
  const dr = f32x4.mul(f32x4.mul(f32x4.mul(a, ld(hp + jb, vec)), rr), f32x4.sub(f32x4.splat(1), rr));
  st(dg + U + jb, dr, vec);
  st(ds + U + jb, dr, vec);
  st(cb + jb, f32x4.add(f32x4.mul(ld(dhb + jb, vec), ld(o + jb, vec)), f32x4.mul(a, rr)), vec);
}

/**
 * GRU step s backward, second part, after carry = dstep[:, 2u:3u]·U[:, 2u:3u]ᵀ
 * (the gradient reaching r ⊙ h'): r's gradient into dgates and dstep;
 * carry = dh·z + carry·r (the part of dh' not through the product by U[:, 0:2u]).
 */
export function gruBackwardReset(
  B: i32, T: i32, u: i32, s: i32, reverse: i32, lengths: usize,
  gates: usize, hprev: usize, dh: usize, carry: usize, dgates: usize, dstep: usize,
): void {
  const U = <usize>u << 2;
  for (let b = 0; b < B; b++) {
    const at = stepRow(lengths, b, T, s, reverse);
    if (at < 0) continue;
    const row = <usize>at;
    const o = gates + row * 3 * U, dg = dgates + row * 3 * U, ds = dstep + <usize>b * 3 * U;
    const hp = hprev + row * U, dhb = dh + <usize>b * U, cb = carry + <usize>b * U;
    let j = 0;
    for (; j + 4 <= u; j += 4) gruResetLanes(true, <usize>j << 2, U, o, hp, dhb, cb, dg, ds);
    for (; j < u; j++) gruResetLanes(false, <usize>j << 2, U, o, hp, dhb, cb, dg, ds);
  }
}

// Simple rnn: h = act(x·W + h'·U + b), act tanh or relu.

// @ts-ignore: decorator
@inline function rnnForwardLanes(vec: bool, relu: i32, jb: usize, o: usize, r: usize, hb: usize, yo: usize): void {
  const v = f32x4.add(ld(o + jb, vec), ld(r + jb, vec));
  // relu as the loop's (v > 0 ? v : 0): NaN goes to 0.
  const a = relu != 0 ? v128.and(v, f32x4.gt(v, f32x4.splat(0))) : vtanh(v);
  st(o + jb, a, vec);
  st(hb + jb, a, vec);
  if (yo != 0) st(yo + jb, a, vec);
}

/** rnn step s forward, after rec = h'·U: hprev's row = h; h = act(gates + rec), also kept in gates; y's row when y != 0. */
export function rnnForwardStep(
  B: i32, T: i32, u: i32, s: i32, reverse: i32, lengths: usize, relu: i32,
  gates: usize, rec: usize, hprev: usize, h: usize, y: usize, yWidth: i32, yColumn: i32,
): void {
  const U = <usize>u << 2;
  for (let b = 0; b < B; b++) {
    const at = stepRow(lengths, b, T, s, reverse);
    if (at < 0) continue;
    const row = <usize>at;
    const o = gates + row * U, r = rec + <usize>b * U, hb = h + <usize>b * U;
    memory.copy(hprev + row * U, hb, U);
    const yo = outputAt(y, row, yWidth, yColumn);
    let j = 0;
    for (; j + 4 <= u; j += 4) rnnForwardLanes(true, relu, <usize>j << 2, o, r, hb, yo);
    for (; j < u; j++) rnnForwardLanes(false, relu, <usize>j << 2, o, r, hb, yo);
  }
}

// @ts-ignore: decorator
@inline function rnnBackwardLanes(vec: bool, relu: i32, jb: usize, o: usize, dhb: usize, dyo: usize, dg: usize, ds: usize): void {
  const d = stateGrad(dhb, dyo, jb, vec);
  const a = ld(o + jb, vec);
  const g = relu != 0 ? v128.and(d, f32x4.gt(a, f32x4.splat(0))) : f32x4.mul(d, f32x4.sub(f32x4.splat(1), f32x4.mul(a, a)));
  st(dg + jb, g, vec);
  st(ds + jb, g, vec);
}

/** rnn step s backward: dh += dy's row (dy != 0); the pre-activation gradient into dgates' row and dstep's row b. */
export function rnnBackwardStep(
  B: i32, T: i32, u: i32, s: i32, reverse: i32, lengths: usize, relu: i32,
  gates: usize, dh: usize, dgates: usize, dstep: usize, dy: usize, yWidth: i32, yColumn: i32,
): void {
  const U = <usize>u << 2;
  for (let b = 0; b < B; b++) {
    const at = stepRow(lengths, b, T, s, reverse);
    if (at < 0) continue;
    const row = <usize>at;
    const o = gates + row * U, dg = dgates + row * U, ds = dstep + <usize>b * U, dhb = dh + <usize>b * U;
    const dyo = outputAt(dy, row, yWidth, yColumn);
    let j = 0;
    for (; j + 4 <= u; j += 4) rnnBackwardLanes(true, relu, <usize>j << 2, o, dhb, dyo, dg, ds);
    for (; j < u; j++) rnnBackwardLanes(false, relu, <usize>j << 2, o, dhb, dyo, dg, ds);
  }
}
