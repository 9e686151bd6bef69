// Layer normalisation over rows of n, forward and backward, four columns at
// a time (AssemblyScript; compiler/layers/layernorm.ts emits the same
// arithmetic as loops where these decline). ε = 1e-5 inside the root; the
// variance is the biased one, from a second pass over x − mean.
import { hsum } from "./vmath";

/** Σ over a row of n (four partial sums, then the tail). */
// @ts-ignore: decorator
@inline function rowSum(x: usize, n: i32): f32 {
  let v = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) v = f32x4.add(v, v128.load(x + (<usize>j << 2)));
  let sum = hsum(v);
  for (; j < n; j++) sum += load<f32>(x + (<usize>j << 2));
  return sum;
}

/** y = (x − mean)·rstd·gamma + beta per row; with stats != 0, stats[2r] = mean and stats[2r + 1] = rstd. */
export function layerNorm(x: usize, y: usize, gamma: usize, beta: usize, stats: usize, rows: i32, n: i32): void {
  const N = <usize>n << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * N, yr = y + <usize>r * N;
    const mean = rowSum(xr, n) / <f32>n;
    const vmean = f32x4.splat(mean);
    let vv = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const c = f32x4.sub(v128.load(xr + (<usize>j << 2)), vmean);
      vv = f32x4.add(vv, f32x4.mul(c, c));
    }
    let v = hsum(vv);
    for (; j < n; j++) {
      const c = load<f32>(xr + (<usize>j << 2)) - mean;
      v += c * c;
    }
    const rstd: f32 = 1 / Mathf.sqrt(v / <f32>n + 1e-5);
    if (stats != 0) {
      store<f32>(stats + (<usize>r << 3), mean);
      store<f32>(stats + (<usize>r << 3) + 4, rstd);
    }
    const vr = f32x4.splat(rstd);
    j = 0;
    for (; j + 4 <= n; j += 4) {
      const k = <usize>j << 2;
      const xh = f32x4.mul(f32x4.sub(v128.load(xr + k), vmean), vr);
      v128.store(yr + k, f32x4.add(f32x4.mul(xh, v128.load(gamma + k)), v128.load(beta + k)));
    }
    for (; j < n; j++) {
      const k = <usize>j << 2;
      store<f32>(yr + k, (load<f32>(xr + k) - mean) * rstd * load<f32>(gamma + k) + load<f32>(beta + k));
    }
  }
}

/**
 * With ĝ = dy ⊙ gamma and x̂ = (x − mean)·rstd: gGamma = Σ_rows dy ⊙ x̂,
 * gBeta = Σ_rows dy (both overwritten, rows added in order), and with
 * dx != 0, dx (=, or += with accumulate) rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ ⊙ x̂)).
 */
export function layerNormGrad(x: usize, stats: usize, dy: usize, gamma: usize, gGamma: usize, gBeta: usize, dx: usize, accumulate: i32, rows: i32, n: i32): void {
  const N = <usize>n << 2;
  memory.fill(gGamma, 0, N);
  memory.fill(gBeta, 0, N);
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * N, dyr = dy + <usize>r * N;
    const mean = load<f32>(stats + (<usize>r << 3)), rstd = load<f32>(stats + (<usize>r << 3) + 4);
    const vmean = f32x4.splat(mean), vr = f32x4.splat(rstd);
    let vsg = f32x4.splat(0), vsgx = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const k = <usize>j << 2;
      const xh = f32x4.mul(f32x4.sub(v128.load(xr + k), vmean), vr);
      const g = v128.load(dyr + k);
      v128.store(gGamma + k, f32x4.add(v128.load(gGamma + k), f32x4.mul(g, xh)));
      v128.store(gBeta + k, f32x4.add(v128.load(gBeta + k), g));
      const gh = f32x4.mul(g, v128.load(gamma + k));
      vsg = f32x4.add(vsg, gh);
      vsgx = f32x4.add(vsgx, f32x4.mul(gh, xh));
    }
    let sg = hsum(vsg), sgx = hsum(vsgx);
    for (; j < n; j++) {
      const k = <usize>j << 2;
      const xh = (load<f32>(xr + k) - mean) * rstd, g = load<f32>(dyr + k);
      store<f32>(gGamma + k, load<f32>(gGamma + k) + g * xh);
      store<f32>(gBeta + k, load<f32>(gBeta + k) + g);
      const gh = g * load<f32>(gamma + k);
      sg += gh;
      sgx += gh * xh;
    }
    if (dx == 0) continue;
    sg /= <f32>n;
    sgx /= <f32>n;
    const dxr = dx + <usize>r * N;
    const vsgm = f32x4.splat(sg), vsgxm = f32x4.splat(sgx);
    j = 0;
    for (; j + 4 <= n; j += 4) {
      const k = <usize>j << 2;
      const xh = f32x4.mul(f32x4.sub(v128.load(xr + k), vmean), vr);
      let d = f32x4.mul(vr, f32x4.sub(f32x4.sub(f32x4.mul(v128.load(dyr + k), v128.load(gamma + k)), vsgm), f32x4.mul(xh, vsgxm)));
      if (accumulate != 0) d = f32x4.add(v128.load(dxr + k), d);
      v128.store(dxr + k, d);
    }
    for (; j < n; j++) {
      const k = <usize>j << 2;
      const xh = (load<f32>(xr + k) - mean) * rstd;
      let d = rstd * (load<f32>(dyr + k) * load<f32>(gamma + k) - sg - xh * sgx);
      if (accumulate != 0) d += load<f32>(dxr + k);
      store<f32>(dxr + k, d);
    }
  }
}
