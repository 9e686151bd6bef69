// The gelu activation layer (tanh approximation, spec §5), forward and
// backward, four elements at a time with vmath.ts's tanh. As generated
// JavaScript it cost ~35 ns an element (Math.tanh, and a call per element
// for the gradient): half of charlm.nn's training step.
import { vtanh } from "./vmath";

const C: f32 = 0.7978845608028654; // √(2/π)
const A: f32 = 0.044715;

/** 0.5x(1 + tanh(c(x + a·x³))). */
// @ts-ignore: decorator
@inline function geluLanes(x: v128): v128 {
  const u = f32x4.mul(f32x4.splat(C), f32x4.add(x, f32x4.mul(f32x4.splat(A), f32x4.mul(x, f32x4.mul(x, x)))));
  return f32x4.mul(f32x4.mul(f32x4.splat(0.5), x), f32x4.add(f32x4.splat(1), vtanh(u)));
}

/**
 * d/dx: 0.5(1 + t) + 0.5x(1 − t²)·c(1 + 3a·x²), t = tanh(c(x + a·x³)).
 * Past |x| = 10, t is ±1 exactly in f32 and the second term 0; x is clamped
 * there inside t and the polynomial, so x² overflowing (|x| > 1.8e19) cannot
 * make it 0·∞ = NaN. (NaN still propagates: min and max keep it.)
 */
// @ts-ignore: decorator
@inline function geluSlopeLanes(x: v128): v128 {
  const xc = f32x4.min(f32x4.max(x, f32x4.splat(-10)), f32x4.splat(10));
  const x2 = f32x4.mul(xc, xc);
  const t = vtanh(f32x4.mul(f32x4.splat(C), f32x4.add(xc, f32x4.mul(f32x4.splat(A), f32x4.mul(xc, x2)))));
  const half = f32x4.splat(0.5), one = f32x4.splat(1);
  const dInner = f32x4.mul(f32x4.splat(C), f32x4.add(one, f32x4.mul(f32x4.splat(3 * A), x2)));
  return f32x4.add(f32x4.mul(half, f32x4.add(one, t)), f32x4.mul(f32x4.mul(f32x4.mul(half, x), f32x4.sub(one, f32x4.mul(t, t))), dInner));
}

/** y = gelu(x) for n elements. The last n mod 4 run the same lane code on a splatted value, so they get a vector's bits. */
export function gelu(x: usize, y: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(y + (<usize>i << 2), geluLanes(v128.load(x + (<usize>i << 2))));
  for (; i < n; i++) store<f32>(y + (<usize>i << 2), f32x4.extract_lane(geluLanes(f32x4.splat(load<f32>(x + (<usize>i << 2)))), 0));
}

/** dx (= or += with accumulate) dy·gelu′(x) for n elements. */
export function geluGrad(x: usize, dy: usize, dx: usize, n: i32, accumulate: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    let g = f32x4.mul(v128.load(dy + at), geluSlopeLanes(v128.load(x + at)));
    if (accumulate) g = f32x4.add(v128.load(dx + at), g);
    v128.store(dx + at, g);
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    let g = load<f32>(dy + at) * f32x4.extract_lane(geluSlopeLanes(f32x4.splat(load<f32>(x + at))), 0);
    if (accumulate) g += load<f32>(dx + at);
    store<f32>(dx + at, g);
  }
}
