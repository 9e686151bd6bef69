// Attention's row softmax and its gradient, fused per (example, head) block
// of rows (AssemblyScript; the generated loops in
// compiler/layers/attention-emit.ts do the same where these decline).
// Row t of `rows`, each `width` wide, sees its first `visible` keys: all
// `keys`, or with causal != 0 min(t + 1, keys); the rest are set to 0.
import { hsum, scalarExp, vexp } from "./vmath";

// @ts-ignore: decorator
@inline function visibleKeys(t: i32, keys: i32, causal: i32): i32 {
  return causal != 0 ? min(t + 1, keys) : keys;
}

/** p = softmax(p·scale) over each row's visible keys, in place. */
export function softmaxRows(p: usize, rows: i32, width: i32, scale: f32, keys: i32, causal: i32): void {
  const vscale = f32x4.splat(scale);
  for (let t = 0; t < rows; t++) {
    const row = p + (<usize>(t * width) << 2);
    const visible = visibleKeys(t, keys, causal);
    // pmax(m, a) keeps m unless a > m: a NaN score is skipped here, as in the loop (exp then makes the row NaN).
    let vm = f32x4.splat(-Infinity);
    let s = 0;
    for (; s + 4 <= visible; s += 4) {
      const at = row + (<usize>s << 2);
      const a = f32x4.mul(v128.load(at), vscale);
      v128.store(at, a);
      vm = f32x4.pmax(vm, a);
    }
    let m = max(max(f32x4.extract_lane(vm, 0), f32x4.extract_lane(vm, 1)), max(f32x4.extract_lane(vm, 2), f32x4.extract_lane(vm, 3)));
    // max() above would propagate a NaN lane, but pmax never put one there.
    for (; s < visible; s++) {
      const at = row + (<usize>s << 2);
      const a = load<f32>(at) * scale;
      store<f32>(at, a);
      if (a > m) m = a;
    }
    const vmax = f32x4.splat(m);
    let vsum = f32x4.splat(0);
    s = 0;
    for (; s + 4 <= visible; s += 4) {
      const at = row + (<usize>s << 2);
      const e = vexp(f32x4.sub(v128.load(at), vmax));
      v128.store(at, e);
      vsum = f32x4.add(vsum, e);
    }
    let sum = hsum(vsum);
    for (; s < visible; s++) {
      const at = row + (<usize>s << 2);
      const e = scalarExp(load<f32>(at) - m);
      store<f32>(at, e);
      sum += e;
    }
    const inv: f32 = 1 / sum;
    const vinv = f32x4.splat(inv);
    s = 0;
    for (; s + 4 <= visible; s += 4) {
      const at = row + (<usize>s << 2);
      v128.store(at, f32x4.mul(v128.load(at), vinv));
    }
    for (; s < visible; s++) {
      const at = row + (<usize>s << 2);
      store<f32>(at, load<f32>(at) * inv);
    }
    if (visible < width) memory.fill(row + (<usize>visible << 2), 0, <usize>(width - visible) << 2);
  }
}

/** dp = p ⊙ (dp − rowsum(dp ⊙ p))·scale over each row's visible keys, in place; 0 elsewhere. */
export function softmaxRowsGrad(dp: usize, p: usize, rows: i32, width: i32, scale: f32, keys: i32, causal: i32): void {
  const vscale = f32x4.splat(scale);
  for (let t = 0; t < rows; t++) {
    const off = <usize>(t * width) << 2;
    const drow = dp + off, prow = p + off;
    const visible = visibleKeys(t, keys, causal);
    let vdot = f32x4.splat(0);
    let s = 0;
    for (; s + 4 <= visible; s += 4) {
      const k = <usize>s << 2;
      vdot = f32x4.add(vdot, f32x4.mul(v128.load(drow + k), v128.load(prow + k)));
    }
    let dot = hsum(vdot);
    for (; s < visible; s++) dot += load<f32>(drow + (<usize>s << 2)) * load<f32>(prow + (<usize>s << 2));
    const vd = f32x4.splat(dot);
    s = 0;
    for (; s + 4 <= visible; s += 4) {
      const k = <usize>s << 2;
      v128.store(drow + k, f32x4.mul(f32x4.mul(v128.load(prow + k), f32x4.sub(v128.load(drow + k), vd)), vscale));
    }
    for (; s < visible; s++) {
      const k = <usize>s << 2;
      store<f32>(drow + k, load<f32>(prow + k) * (load<f32>(drow + k) - dot) * scale);
    }
    if (visible < width) memory.fill(drow + (<usize>visible << 2), 0, <usize>(width - visible) << 2);
  }
}
