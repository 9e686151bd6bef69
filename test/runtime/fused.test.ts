// The fused element-wise kernels of the wasm set (runtime/wasm/assembly/
// vmath.ts, recurrent.ts, softmax.ts, layernorm.ts, activation.ts) against the generated
// loops they replace: their vectorised exp, sigmoid and tanh swept against
// Math's (max ulp error), each kernel against a transcription of its loop
// (odd widths, lengths, reverse, output columns, non-finite inputs), and
// whole models run on the wasm set (kernels used, checked by counting) and
// on the js set (loops) with the same outputs and gradients.
import { describe, expect, it } from "vitest";
import { jsKernels, kernelSet, useKernels, wasmKernels } from "../../runtime/kernels.ts";
import type { Kernels } from "../../runtime/kernel-types.ts";
import { Rng } from "../../runtime/random.ts";
import { compileModel } from "../codegen/harness.ts";

const wasm = wasmKernels()!;
const rng = new Rng(11);

/** Float32 spacing at |v| (the subnormal spacing below the normal range). */
function ulp(v: number): number {
  const a = Math.abs(Math.fround(v));
  if (a < 2 ** -126) return 2 ** -149;
  const e = Math.floor(Math.log2(a));
  // log2 can round up just below a power of two.
  const exp = 2 ** e > a ? e - 1 : e;
  return 2 ** (exp - 23);
}

/** Runs the kernels' function `which` over xs and returns the max ulp error against `exact` (f64). */
function maxUlp(which: 0 | 1 | 2, xs: number[], exact: (x: number) => number): { worst: number; at: number } {
  const src = wasm.f32(xs.length), dst = wasm.f32(xs.length);
  src.set(xs);
  expect(wasm.mapMath(which, src, dst, xs.length)).toBe(true);
  let worst = 0, at = NaN;
  for (let i = 0; i < xs.length; i++) {
    const x = src[i]!, want = exact(x), got = dst[i]!;
    const rounded = Math.fround(want);
    // Where the exact value is past the float range, only the rounded value (±Infinity or 0) is acceptable.
    if (!Number.isFinite(rounded) || rounded === 0) {
      if (got !== rounded) return { worst: Infinity, at: x };
      continue;
    }
    const err = Math.abs(got - want) / ulp(rounded);
    if (err > worst) (worst = err), (at = x);
  }
  return { worst, at };
}

function sweep(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

/** ±10^k for k from -38 to 0: where relative precision near 0 is lost by careless formulas. */
const tiny = Array.from({ length: 2000 }, (_, i) => (i % 2 ? -1 : 1) * 10 ** (-38 + (38 * i) / 1999));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe("vectorised exp, sigmoid and tanh (vmath.ts)", () => {
  it("exp is within 2 ulp of Math.exp over the whole float range, subnormal results included", () => {
    const r = maxUlp(0, [...sweep(-104, 89, 200001), ...tiny, 88.72283, 88.7229, -87.33655, -103.97, -0.5, 0.5], Math.exp);
    expect(r.worst).toBeLessThanOrEqual(2);
  });

  it("sigmoid is within 3 ulp of 1/(1 + e^-x), tiny results included", () => {
    expect(maxUlp(1, [...sweep(-100, 30, 200001), ...tiny], sigmoid).worst).toBeLessThanOrEqual(3);
  });

  it("tanh is within 2 ulp of Math.tanh, and keeps relative precision near 0", () => {
    expect(maxUlp(2, [...sweep(-12, 12, 200001), ...tiny, 0.625, -0.625, 0.62499994, 9.1, -9.1], Math.tanh).worst).toBeLessThanOrEqual(2);
    const near0 = maxUlp(2, tiny, Math.tanh);
    expect(near0.worst).toBeLessThanOrEqual(1);
  });

  it("saturates and propagates like Math's functions on non-finite and extreme inputs, in full vectors and tails", () => {
    const xs = [NaN, Infinity, -Infinity, 0, -0, 1e30, -1e30, 89, 100, -104, -200, 3.4e38, -3.4e38];
    const src = wasm.f32(xs.length), dst = wasm.f32(xs.length);
    src.set(xs);
    for (const [which, f] of [[0, Math.exp], [1, sigmoid], [2, Math.tanh]] as const) {
      wasm.mapMath(which, src, dst, xs.length);
      xs.forEach((x, i) => {
        const want = Math.fround(f(x));
        if (Number.isNaN(want)) expect(dst[i]).toBeNaN();
        else if (want === 0 || !Number.isFinite(want) || Math.abs(want) === 1) expect(Object.is(dst[i], want) || (want === 0 && dst[i] === 0), `f${which}(${x}) = ${dst[i]}, not ${want}`).toBe(true);
        else expect(Math.abs(dst[i]! - want) / ulp(want)).toBeLessThanOrEqual(3);
      });
    }
  });
});

// ---------------------------------------------------------------------------
// Each kernel against its loop, transcribed from the generated code.

/** Equal within `tol` relative to max(1, |expected|); NaN where NaN, the same infinity where infinite. */
function expectClose(actual: Float32Array, expected: Float32Array, tol: number, what: string): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (Number.isNaN(e)) expect(a, `${what}[${i}]`).toBeNaN();
    else if (!Number.isFinite(e)) expect(a, `${what}[${i}]`).toBe(e);
    else expect(Math.abs(a - e), `${what}[${i}]: ${a} vs ${e}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e)));
  }
}

const randomIn = (n: number, scale = 2) => Float32Array.from({ length: n }, () => (rng.uniform() * 2 - 1) * scale);

/** A copy in the kernels' memory (so they run) and a plain copy for the loop. */
function pair(data: Float32Array): [Float32Array, Float32Array] {
  const inMemory = wasm.f32(data.length);
  inMemory.set(data);
  return [inMemory, Float32Array.from(data)];
}

interface StepGeometry { B: number; T: number; u: number; reverse: boolean; lengths: Int32Array | null; yWidth: number; yColumn: number }

function lstmForwardLoop(G: StepGeometry, s: number, pre: Float32Array, rec: Float32Array, hp: Float32Array, cs: Float32Array, h: Float32Array, cPrev: Float32Array, y: Float32Array | null): void {
  const { B, T, u, reverse, lengths, yWidth, yColumn } = G;
  const g = 4 * u;
  for (let b = 0; b < B; b++) {
    const len = lengths ? lengths[b]! : T;
    if (s >= len) continue;
    const t = reverse ? len - 1 - s : s, o = (b * T + t) * g, so = (b * T + t) * u, hb = b * u, r = b * g;
    for (let p = 0; p < u; p++) hp[so + p] = h[hb + p]!;
    for (let j = 0; j < g; j++) { const a = pre[o + j]! + rec[r + j]!; pre[o + j] = j >= 2 * u && j < 3 * u ? Math.tanh(a) : 1 / (1 + Math.exp(-a)); }
    for (let j = 0; j < u; j++) {
      const c = cPrev[hb + j]! * pre[o + u + j]! + pre[o + 2 * u + j]! * pre[o + j]!;
      cPrev[hb + j] = c;
      cs[so + j] = c;
      h[hb + j] = pre[o + 3 * u + j]! * Math.tanh(c);
    }
    if (y) for (let j = 0; j < u; j++) y[(b * T + t) * yWidth + yColumn + j] = h[hb + j]!;
  }
}

function lstmBackwardLoop(G: StepGeometry, s: number, pre: Float32Array, cs: Float32Array, dh: Float32Array, dc: Float32Array, dpre: Float32Array, dStep: Float32Array, dy: Float32Array | null): void {
  const { B, T, u, reverse, lengths, yWidth, yColumn } = G;
  const g = 4 * u;
  for (let b = 0; b < B; b++) {
    const len = lengths ? lengths[b]! : T;
    if (s >= len) continue;
    const t = reverse ? len - 1 - s : s, o = (b * T + t) * g, so = (b * T + t) * u, hb = b * u, r = b * g;
    const prevTime = reverse ? len - s : s - 1;
    if (dy) for (let j = 0; j < u; j++) dh[hb + j] = dh[hb + j]! + dy[(b * T + t) * yWidth + yColumn + j]!;
    for (let j = 0; j < u; j++) {
      const i = pre[o + j]!, f = pre[o + u + j]!, cc = pre[o + 2 * u + j]!, og = pre[o + 3 * u + j]!;
      const c = cs[so + j]!, tc = Math.tanh(c);
      const cp = s > 0 ? cs[(b * T + prevTime) * u + j]! : 0;
      const d = dh[hb + j]!;
      const dcell = dc[hb + j]! + d * og * (1 - tc * tc);
      dpre[o + j] = dcell * cc * i * (1 - i);
      dpre[o + u + j] = dcell * cp * f * (1 - f);
      dpre[o + 2 * u + j] = dcell * i * (1 - cc * cc);
      dpre[o + 3 * u + j] = d * tc * og * (1 - og);
      dc[hb + j] = dcell * f;
    }
    for (let j = 0; j < g; j++) dStep[r + j] = dpre[o + j]!;
  }
}

describe("lstmForwardStep and lstmBackwardStep against the generated loops", () => {
  const cases: (Omit<StepGeometry, "lengths"> & { lengths?: number[]; nonFinite?: boolean })[] = [
    { B: 3, T: 4, u: 8, reverse: false, yWidth: 0, yColumn: 0 },
    { B: 2, T: 5, u: 5, reverse: false, yWidth: 5, yColumn: 0 },
    { B: 4, T: 6, u: 7, reverse: true, yWidth: 14, yColumn: 7, lengths: [6, 2, 1, 4] },
    { B: 3, T: 5, u: 3, reverse: false, yWidth: 6, yColumn: 0, lengths: [3, 5, 1] },
    { B: 2, T: 3, u: 6, reverse: false, yWidth: 6, yColumn: 0, nonFinite: true },
  ];
  for (const c of cases) {
    const G: StepGeometry = { ...c, lengths: c.lengths ? Int32Array.from(c.lengths) : null };
    const name = `B ${c.B}, T ${c.T}, u ${c.u}${c.reverse ? ", reverse" : ""}${c.lengths ? `, lengths ${c.lengths}` : ""}${c.yWidth ? `, y column ${c.yColumn} of ${c.yWidth}` : ""}${c.nonFinite ? ", NaN and ±Infinity inputs" : ""}`;
    it(`${name}: every buffer after every step as the loops leave it`, () => {
      const { B, T, u } = c;
      const g = 4 * u;
      const preData = randomIn(B * T * g, 3);
      const recData = randomIn(B * g, 1);
      const cData = randomIn(B * u, 1);
      if (c.nonFinite) {
        preData[1] = NaN; // i of example 0, step 0
        preData[g + u + 2] = -Infinity; // f of example 0, step 1
        preData[T * g + 2 * u] = Infinity; // ĉ of example 1, step 0
        recData[g + 3 * u + 1] = -Infinity; // o of example 1, every step
        cData[u + 3] = Infinity; // example 1's cell
      }
      const [pre, preRef] = pair(preData), [rec, recRef] = pair(recData);
      const [hp, hpRef] = pair(new Float32Array(B * T * u)), [cs, csRef] = pair(new Float32Array(B * T * u));
      const [h, hRef] = pair(randomIn(B * u, 1)), [cPrev, cRef] = pair(cData);
      const [y, yRef] = c.yWidth ? pair(new Float32Array(B * T * c.yWidth)) : [null, null];
      for (let s = 0; s < T; s++) {
        expect(wasm.lstmForwardStep(B, T, u, s, c.reverse, G.lengths, pre, rec, hp, cs, h, cPrev, y, c.yWidth, c.yColumn)).toBe(true);
        lstmForwardLoop(G, s, preRef, recRef, hpRef, csRef, hRef, cRef, yRef);
        for (const [a, e, what] of [[pre, preRef, "gates"], [hp, hpRef, "hprev"], [cs, csRef, "cell"], [h, hRef, "h"], [cPrev, cRef, "c"], [y, yRef, "y"]] as const)
          if (a && e) expectClose(a, e, 2e-6, `${what} after step ${s}`);
      }
      if (c.nonFinite) expect(pre.some(Number.isNaN) && h.some(Number.isNaN)).toBe(true);
      // Backward over the saved buffers (the loop's, so both start from the same values).
      pre.set(preRef), cs.set(csRef);
      const [dh, dhRef] = pair(randomIn(B * u, 1)), [dc, dcRef] = pair(new Float32Array(B * u));
      const [dpre, dpreRef] = pair(new Float32Array(B * T * g)), [dStep, dStepRef] = pair(new Float32Array(B * g));
      const [dy, dyRef] = c.yWidth ? pair(randomIn(B * T * c.yWidth, 1)) : [null, null];
      for (let s = T - 1; s >= 0; s--) {
        expect(wasm.lstmBackwardStep(B, T, u, s, c.reverse, G.lengths, pre, cs, dh, dc, dpre, dStep, dy, c.yWidth, c.yColumn)).toBe(true);
        lstmBackwardLoop(G, s, preRef, csRef, dhRef, dcRef, dpreRef, dStepRef, dyRef);
        for (const [a, e, what] of [[dh, dhRef, "dh"], [dc, dcRef, "dc"], [dpre, dpreRef, "dgates"], [dStep, dStepRef, "dstep"]] as const) expectClose(a, e, 1e-5, `${what} after step ${s}`);
        // The recurrent product (dh = dstep·Uᵀ) is not part of the kernel: stand in for it with a fixed mix of dstep.
        for (let b = 0; b < B; b++) for (let j = 0; j < u; j++) dh[b * u + j] = dhRef[b * u + j] = 0.5 * dStepRef[b * g + j]! - 0.25 * dStepRef[b * g + 3 * u + j]!;
      }
      if (c.lengths) {
        // Padded steps: their saved rows and gradients stay untouched (zero).
        const lengths = c.lengths;
        for (let b = 0; b < B; b++)
          for (let t = 0; t < T; t++) {
            const real = c.reverse ? t < lengths[b]! : t < lengths[b]!;
            if (!real) expect(dpre.subarray((b * T + t) * g, (b * T + t + 1) * g).every((v) => v === 0)).toBe(true);
          }
      }
    });
  }

  it("declines (false) when a buffer is outside the kernels' memory, leaving the work to the loops", () => {
    const B = 1, T = 1, u = 4;
    const inMemory = (n: number) => wasm.f32(n);
    expect(wasm.lstmForwardStep(B, T, u, 0, false, null, new Float32Array(16), inMemory(16), inMemory(4), inMemory(4), inMemory(4), inMemory(4), null, 0, 0)).toBe(false);
    expect(jsKernels.lstmForwardStep(B, T, u, 0, false, null, inMemory(16), inMemory(16), inMemory(4), inMemory(4), inMemory(4), inMemory(4), null, 0, 0)).toBe(false);
  });
});

function softmaxLoop(P: Float32Array, pb: number, T: number, S: number, scale: number, keys: number, causal: boolean): void {
  for (let t = 0; t < T; t++) {
    const po = pb + t * S;
    const visible = causal ? Math.min(t + 1, keys) : keys;
    let m = -Infinity;
    for (let s = 0; s < visible; s++) { const a = P[po + s]! * scale; P[po + s] = a; if (a > m) m = a; }
    let sum = 0;
    for (let s = 0; s < visible; s++) { const e = Math.exp(P[po + s]! - m); P[po + s] = e; sum += e; }
    const inv = 1 / sum;
    for (let s = 0; s < visible; s++) P[po + s] = P[po + s]! * inv;
    for (let s = visible; s < S; s++) P[po + s] = 0;
  }
}

function softmaxGradLoop(dP: Float32Array, sb: number, P: Float32Array, pb: number, T: number, S: number, scale: number, keys: number, causal: boolean): void {
  for (let t = 0; t < T; t++) {
    const po = pb + t * S, so = sb + t * S;
    const visible = causal ? Math.min(t + 1, keys) : keys;
    let dot = 0;
    for (let s = 0; s < visible; s++) dot += dP[so + s]! * P[po + s]!;
    for (let s = 0; s < visible; s++) dP[so + s] = P[po + s]! * (dP[so + s]! - dot) * scale;
    for (let s = visible; s < S; s++) dP[so + s] = 0;
  }
}

describe("softmaxRows and softmaxRowsGrad against the generated loops", () => {
  const cases = [
    { T: 4, S: 8, keys: 8, causal: false },
    { T: 5, S: 7, keys: 7, causal: false },
    { T: 9, S: 13, keys: 6, causal: false },
    { T: 11, S: 11, keys: 11, causal: true },
    { T: 6, S: 9, keys: 5, causal: true },
  ];
  for (const { T, S, keys, causal } of cases)
    for (const nonFinite of [false, true])
      it(`${T} rows of ${S}, ${keys} keys${causal ? ", causal" : ""}${nonFinite ? ", NaN and ±Infinity scores" : ""}, at an offset`, () => {
        const off = 3, scale = 0.37;
        const scores = randomIn(off + T * S + 2, 6);
        if (nonFinite) {
          scores[off + 1] = NaN; // row 0
          scores[off + S + 2] = Infinity; // row 1 (visible only without causal)
          scores[off + 2 * S] = -Infinity; // row 2
          scores[off + 3 * S + S - 1] = NaN; // row 3's last key: masked unless all keys are visible
        }
        const [p, pRef] = pair(scores);
        expect(wasm.softmaxRows(p, off, T, S, scale, keys, causal)).toBe(true);
        softmaxLoop(pRef, off, T, S, scale, keys, causal);
        expectClose(p, pRef, 2e-6, "P");
        if (!nonFinite)
          for (let t = 0; t < T; t++) {
            const row = Array.from(p.subarray(off + t * S, off + (t + 1) * S));
            expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
          }
        // Before and after the block: untouched.
        expect([p[0], p[1], p[2], p[off + T * S], p[off + T * S + 1]]).toEqual([pRef[0], pRef[1], pRef[2], pRef[off + T * S], pRef[off + T * S + 1]]);
        const grads = randomIn(T * S + 5, 1);
        if (nonFinite) grads[4] = Infinity;
        const [dp, dpRef] = pair(grads);
        expect(wasm.softmaxRowsGrad(dp, 5, p, off, T - 1, S, scale, keys, causal)).toBe(true);
        softmaxGradLoop(dpRef, 5, pRef, off, T - 1, S, scale, keys, causal);
        expectClose(dp, dpRef, 2e-6, "dP");
      });
});

function layerNormLoop(x: Float32Array, y: Float32Array, gamma: Float32Array, beta: Float32Array, stats: Float32Array | null, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let mean = 0;
    for (let j = 0; j < n; j++) mean += x[o + j]!;
    mean /= n;
    let v = 0;
    for (let j = 0; j < n; j++) { const c = x[o + j]! - mean; v += c * c; }
    const rstd = 1 / Math.sqrt(v / n + 1e-5);
    if (stats) (stats[2 * r] = mean), (stats[2 * r + 1] = rstd);
    for (let j = 0; j < n; j++) y[o + j] = (x[o + j]! - mean) * rstd * gamma[j]! + beta[j]!;
  }
}

function layerNormGradLoop(x: Float32Array, stats: Float32Array, dy: Float32Array, gamma: Float32Array, gg: Float32Array, gb: Float32Array, dx: Float32Array | null, accumulate: boolean, rows: number, n: number): void {
  gg.fill(0);
  gb.fill(0);
  for (let r = 0; r < rows; r++) {
    const o = r * n, mean = stats[2 * r]!, rstd = stats[2 * r + 1]!;
    let sg = 0, sgx = 0;
    for (let j = 0; j < n; j++) {
      const xh = (x[o + j]! - mean) * rstd, g = dy[o + j]!;
      gg[j] = gg[j]! + g * xh;
      gb[j] = gb[j]! + g;
      const gh = g * gamma[j]!;
      sg += gh;
      sgx += gh * xh;
    }
    if (!dx) continue;
    sg /= n;
    sgx /= n;
    for (let j = 0; j < n; j++) {
      const xh = (x[o + j]! - mean) * rstd, d = rstd * (dy[o + j]! * gamma[j]! - sg - xh * sgx);
      dx[o + j] = accumulate ? dx[o + j]! + d : d;
    }
  }
}

describe("layerNorm and layerNormGrad against the generated loops", () => {
  for (const [rows, n] of [[5, 8], [7, 13], [3, 1], [4, 37]] as const)
    for (const variant of ["plain", "accumulate dx", "no dx, no stats kept", "NaN and Infinity inputs"] as const)
      it(`${rows} rows of ${n}: ${variant}`, () => {
        const xData = randomIn(rows * n, 3).map((v, i) => v + (i % n) * 0.1 + 5);
        if (variant === "NaN and Infinity inputs") (xData[n] = NaN), (xData[rows * n - 1] = Infinity);
        const [x, xRef] = pair(xData), [gamma, gammaRef] = pair(randomIn(n, 1)), [beta, betaRef] = pair(randomIn(n, 1));
        const [y, yRef] = pair(new Float32Array(rows * n));
        const keep = variant !== "no dx, no stats kept";
        const [stats, statsRef] = pair(new Float32Array(2 * rows));
        expect(wasm.layerNorm(x, y, gamma, beta, keep ? stats : null, rows, n)).toBe(true);
        layerNormLoop(xRef, yRef, gammaRef, betaRef, keep ? statsRef : null, rows, n);
        expectClose(y, yRef, 1e-5, "y");
        expectClose(stats, statsRef, 1e-5, "stats");
        if (!keep) {
          expect(stats.every((v) => v === 0)).toBe(true);
          stats.set(statsRef);
          layerNormLoop(xRef, yRef, gammaRef, betaRef, statsRef, rows, n);
          stats.set(statsRef);
        }
        const [dy, dyRef] = pair(randomIn(rows * n, 1));
        const [gg, ggRef] = pair(randomIn(n)), [gb, gbRef] = pair(randomIn(n));
        const [dx, dxRef] = pair(randomIn(rows * n, 1));
        const accumulate = variant === "accumulate dx";
        const withDx = keep;
        expect(wasm.layerNormGrad(x, stats, dy, gamma, gg, gb, withDx ? dx : null, accumulate, rows, n)).toBe(true);
        layerNormGradLoop(xRef, statsRef, dyRef, gammaRef, ggRef, gbRef, withDx ? dxRef : null, accumulate, rows, n);
        expectClose(gg, ggRef, 1e-5, "gGamma");
        expectClose(gb, gbRef, 1e-5, "gBeta");
        expectClose(dx, dxRef, 1e-5, "dx");
      });
});

// ---------------------------------------------------------------------------
// Whole models: the generated code calls the kernels on the wasm set and runs its loops on the js set.

const fused = ["lstmForwardStep", "lstmBackwardStep", "gruForwardGates", "gruForwardState", "gruBackwardGates", "gruBackwardReset", "rnnForwardStep", "rnnBackwardStep", "softmaxRows", "softmaxRowsGrad", "layerNorm", "layerNormGrad"] as const;

/** The wasm set with every call of a fused kernel that did the work (returned true) counted. */
function counting(): { kernels: Kernels; ran: Record<string, number> } {
  const ran: Record<string, number> = {};
  const kernels = {} as Record<string, unknown>;
  for (const key of Object.keys(jsKernels) as (keyof Kernels)[]) {
    const v = wasm[key];
    kernels[key] = typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(wasm) : v;
  }
  for (const name of fused) {
    ran[name] = 0;
    const f = (wasm[name] as (...a: unknown[]) => boolean).bind(wasm);
    kernels[name] = (...args: unknown[]) => {
      const done = f(...args);
      if (done) ran[name]!++;
      return done;
    };
  }
  return { kernels: kernels as unknown as Kernels, ran };
}

interface ModelCase { name: string; source: string; T: number; lengths?: string; expects: (typeof fused)[number][] }

const rec = (call: string): ModelCase => {
  const lengths = call.includes("lengths: n"), initial = call.includes("initial: h0");
  return {
    name: call,
    T: 6,
    lengths: lengths ? "n" : undefined,
    expects: call.startsWith("lstm")
      ? ["lstmForwardStep", "lstmBackwardStep"]
      : call.startsWith("gru")
        ? ["gruForwardGates", "gruForwardState", "gruBackwardGates", "gruBackwardReset"]
        : ["rnnForwardStep", "rnnBackwardStep"],
    source: `model M {
  input x: f32[T, 5]${initial ? "\n  input z: f32[7]" : ""}${lengths ? "\n  input n: i32" : ""}
  target label: i32${initial ? "\n  h0 = z -> dense(7) -> tanh" : ""}
  h = x -> ${call}
  logits = h -> ${call.includes("sequences: true") ? "mean(axis: 0) -> " : ""}dense(3)
  output logits
  loss cross_entropy(logits, label)
}`,
  };
};

const modelCases: ModelCase[] = [
  rec("lstm(7)"),
  rec("lstm(7, sequences: true)"),
  rec("lstm(7, reverse: true, sequences: true, lengths: n)"),
  rec("lstm(7, bidirectional: true, sequences: true, lengths: n)"),
  rec("lstm(7, initial: h0, lengths: n)"),
  rec("lstm(6, bidirectional: true)"),
  rec("gru(7)"),
  rec("gru(7, reverse: true, sequences: true, lengths: n)"),
  rec("gru(7, bidirectional: true, sequences: true)"),
  rec("gru(7, initial: h0, sequences: true)"),
  rec("gru(6, lengths: n)"),
  rec("rnn(7, sequences: true)"),
  rec("rnn(7, activation: relu, reverse: true, lengths: n)"),
  rec("rnn(7, bidirectional: true, sequences: true, lengths: n)"),
  rec("rnn(7, initial: h0, lengths: n)"),
  {
    name: "attention(heads: 2) + layernorm, d 6",
    T: 7,
    expects: ["softmaxRows", "softmaxRowsGrad", "layerNorm", "layerNormGrad"],
    source: `model M {
  input x: f32[T, 6]
  target label: i32
  a = x + (x -> attention(heads: 2)) -> layernorm
  logits = a -> mean(axis: 0) -> dense(3)
  output logits
  loss cross_entropy(logits, label)
}`,
  },
  {
    name: "attention(heads: 3, causal: true, lengths: n), d 9",
    T: 7,
    lengths: "n",
    expects: ["softmaxRows", "softmaxRowsGrad"],
    source: `model M {
  input x: f32[T, 9]
  input n: i32
  target label: i32
  a = x -> dense(9) -> attention(heads: 3, causal: true, lengths: n)
  logits = a -> mean(axis: 0) -> dense(3)
  output logits
  loss cross_entropy(logits, label)
}`,
  },
];

describe("gelu and geluInputGrad (activation.ts) against the generated loop's formula", () => {
  const C = Math.sqrt(2 / Math.PI);
  const gelu = (x: number) => 0.5 * x * (1 + Math.tanh(C * (x + 0.044715 * x * x * x)));
  const slope = (x: number) => {
    const t = Math.tanh(C * (x + 0.044715 * x * x * x));
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * C * (1 + 3 * 0.044715 * x * x);
  };
  // 4003 values: the last 3 go through the tail.
  const xs = [...sweep(-12, 12, 3980), ...tiny.slice(0, 16), -60, 60, -1e20, 1e20, NaN, Infinity, -Infinity];
  const close = (got: number, want: number, x: number) => {
    if (!Number.isFinite(want) || !Number.isFinite(got)) return Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want));
    // f32 arithmetic against f64: 1 + tanh(u) cancels for negative x, so the bound is absolute, scaled by |x|.
    return Math.abs(got - want) <= 2e-7 * Math.max(1, Math.abs(x)) + 2 * ulp(want);
  };

  it("forward: within f32 rounding of the formula everywhere, non-finite inputs as the formula gives them", () => {
    const x = wasm.f32(xs.length), y = wasm.f32(xs.length);
    x.set(xs);
    expect(wasm.gelu(x, y, xs.length)).toBe(true);
    const bad = xs.map((v, i) => [x[i]!, y[i]!, gelu(x[i]!)] as const).filter(([v, got, want]) => !close(got, want, v));
    expect(bad).toEqual([]);
  });

  it("gradient: dx = dy·gelu′(x), overwritten or accumulated", () => {
    const n = xs.length;
    const x = wasm.f32(n), dy = wasm.f32(n), dx = wasm.f32(n);
    x.set(xs);
    for (let i = 0; i < n; i++) dy[i] = rng.uniform() * 2 - 1;
    expect(wasm.geluInputGrad(x, dy, dx, false, n)).toBe(true);
    const bad = xs.map((_, i) => [x[i]!, dx[i]!, dy[i]! * slope(x[i]!)] as const).filter(([v, got, want]) => !close(got, want, v));
    expect(bad).toEqual([]);
    const before = Float32Array.from(dx);
    expect(wasm.geluInputGrad(x, dy, dx, true, n)).toBe(true);
    for (let i = 0; i < n; i++) if (Number.isFinite(before[i]!)) expect(dx[i]).toBe(Math.fround(before[i]! + before[i]!));
  });

  it("a tail element gets the bits it gets in a full vector; outside the memory it declines", () => {
    const x = wasm.f32(4), full = wasm.f32(4), tail = wasm.f32(3), dFull = wasm.f32(4), dTail = wasm.f32(3), dy = wasm.f32(4).fill(0.75);
    x.set([-2.5, 0.3, 1.7, 4]);
    wasm.gelu(x, full, 4);
    wasm.gelu(x, tail, 3);
    expect(Array.from(tail)).toEqual(Array.from(full.subarray(0, 3)));
    wasm.geluInputGrad(x, dy, dFull, false, 4);
    wasm.geluInputGrad(x, dy, dTail, false, 3);
    expect(Array.from(dTail)).toEqual(Array.from(dFull.subarray(0, 3)));
    expect(wasm.gelu(new Float32Array(4), full, 4)).toBe(false);
    expect(jsKernels.gelu(x, full, 4)).toBe(false);
  });
});

describe("models on the wasm set (fused kernels) and the js set (loops) agree", () => {
  for (const c of modelCases)
    it(`${c.name}: outputs, loss and every gradient`, () => {
      const previous = kernelSet();
      const batch = 4;
      const M = compileModel(c.source);
      const inputs: Record<string, Float32Array | Int32Array> = {};
      for (const [name, spec] of Object.entries({ ...M.inputs, ...M.targets })) {
        const size = (spec.shape as (number | string)[]).reduce<number>((a, d) => a * (typeof d === "number" ? d : c.T), 1);
        if (name === c.lengths) inputs[name] = Int32Array.from({ length: batch }, (_, b) => [c.T, 2, 1, c.T - 1][b]!);
        else if (spec.dtype === "i32") inputs[name] = Int32Array.from({ length: batch * size }, (_, i) => i % 3);
        else inputs[name] = Float32Array.from({ length: batch * size }, (_, i) => Math.sin(i * 0.77) * 1.5);
      }
      const run = (kernels: Kernels | "js") => {
        useKernels(kernels);
        const model = new M({ seed: 3 });
        const loss = model.lossAndGrads!(inputs, { batch, T: c.T });
        const logits = Array.from(model.forward(inputs, { batch, T: c.T }).logits!);
        return { loss, logits, grads: Object.entries(model.grads!).map(([k, g]) => [k, Array.from(g)] as const) };
      };
      try {
        const spy = counting();
        const fast = run(spy.kernels);
        for (const name of c.expects) expect(spy.ran[name], `${name} did the work`).toBeGreaterThan(0);
        const loops = run("js");
        expect(fast.loss).toBeCloseTo(loops.loss, 5);
        fast.logits.forEach((v, i) => expect(v).toBeCloseTo(loops.logits[i]!, 5));
        loops.grads.forEach(([name, g], i) => {
          const scale = Math.max(1e-3, ...g.map(Math.abs));
          g.forEach((v, j) => expect(Math.abs(fast.grads[i]![1][j]! - v) / scale, `${name}[${j}]`).toBeLessThan(2e-5));
        });
      } finally {
        useKernels(previous);
      }
    });
});
