// Vectorised exp, sigmoid and tanh on f32x4 for the fused elementwise
// kernels (recurrent.ts, softmax.ts). Cephes' single-precision algorithms:
// exp(x) = 2^n · p(r), r = x − n·ln 2 (ln 2 split in two so r is exact),
// p a degree-7 polynomial; about 1 ulp over the float range. Lanes are
// independent, so a row's tail (fewer than 4 elements) runs through the
// same code splatted (scalarExp, …) and gets the same bits as a full vector.

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
/**
 * Inputs are clamped to [-104, 89] so n stays within two power-of-2
 * factors' range: below -104 the result rounds to 0, above 89 it overflows
 * to Infinity through the multiplication, as it should. min/max propagate NaN.
 */
const EXP_LO: f32 = -104;
const EXP_HI: f32 = 89;

/** e^x per lane. */
// @ts-ignore: decorator
@inline export function vexp(x: v128): v128 {
  const xc = f32x4.min(f32x4.max(x, f32x4.splat(EXP_LO)), f32x4.splat(EXP_HI));
  const fn = f32x4.nearest(f32x4.mul(xc, f32x4.splat(LOG2E)));
  let r = f32x4.sub(xc, f32x4.mul(fn, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(fn, f32x4.splat(LN2_LO)));
  const z = f32x4.mul(r, r);
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(p, z), r), f32x4.splat(1));
  // 2^n as two factors 2^(n>>1) and 2^(n − n>>1): n reaches -150 and 128, outside one float exponent's range.
  const n = i32x4.trunc_sat_f32x4_s(fn);
  const n1 = i32x4.shr_s(n, 1);
  const n2 = i32x4.sub(n, n1);
  const bias = i32x4.splat(127);
  const s1 = i32x4.shl(i32x4.add(n1, bias), 23);
  const s2 = i32x4.shl(i32x4.add(n2, bias), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

/**
 * 1 / (1 + e^-x) per lane, as e/(1 + e) with e = e^-|x| for negative x, so
 * that neither branch overflows and tiny results keep their precision.
 */
// @ts-ignore: decorator
@inline export function vsigmoid(x: v128): v128 {
  const e = vexp(f32x4.neg(f32x4.abs(x)));
  const s = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), e));
  return v128.bitselect(f32x4.mul(e, s), s, f32x4.lt(x, f32x4.splat(0)));
}

const SIGN: i32 = <i32>0x80000000;

/**
 * tanh per lane. For |x| < 0.625 an odd polynomial x + x³·P(x²) (Cephes
 * tanhf), which keeps relative precision near 0 where 1 − 2/(e^2x + 1)
 * would cancel; above it 1 − 2/(e^2|x| + 1) with x's sign (→ ±1 once e^2|x|
 * overflows). NaN stays NaN (the polynomial branch passes it through).
 */
// @ts-ignore: decorator
@inline export function vtanh(x: v128): v128 {
  const ax = f32x4.abs(x);
  const big = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(vexp(f32x4.add(ax, ax)), f32x4.splat(1))));
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const signed = v128.bitselect(x, big, i32x4.splat(SIGN));
  return v128.bitselect(signed, small, f32x4.ge(ax, f32x4.splat(0.625)));
}

// @ts-ignore: decorator
@inline export function scalarExp(x: f32): f32 {
  return f32x4.extract_lane(vexp(f32x4.splat(x)), 0);
}

// @ts-ignore: decorator
@inline export function scalarSigmoid(x: f32): f32 {
  return f32x4.extract_lane(vsigmoid(f32x4.splat(x)), 0);
}

// @ts-ignore: decorator
@inline export function scalarTanh(x: f32): f32 {
  return f32x4.extract_lane(vtanh(f32x4.splat(x)), 0);
}

/** Horizontal sum of the four lanes. */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/**
 * dst[i] = f(src[i]) for i < n, f = 0: exp, 1: sigmoid, 2: tanh (the
 * vectorised functions, exported so tests can sweep them against Math's).
 */
export function mapMath(which: i32, src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const x = v128.load(src + (<usize>i << 2));
    v128.store(dst + (<usize>i << 2), which == 0 ? vexp(x) : which == 1 ? vsigmoid(x) : vtanh(x));
  }
  for (; i < n; i++) {
    const x = load<f32>(src + (<usize>i << 2));
    store<f32>(dst + (<usize>i << 2), which == 0 ? scalarExp(x) : which == 1 ? scalarSigmoid(x) : scalarTanh(x));
  }
}
