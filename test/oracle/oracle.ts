// Oracle comparisons against TensorFlow.js (tfjs-core + the plain-JS cpu
// backend). A case is a small .nn model plus the same computation written
// with tf ops. We compile the model, give its parameters seeded values, copy
// them into tf tensors (spec §5 layouts are TF's: dense kernel [n, units],
// conv kernel [k…, C, F]), and compare forward outputs, the mean loss and
// every parameter gradient (tf.valueAndGrads over the parameter tensors).
//
// Error measure: relErr(got, want) = max_i |got_i − want_i| / max(max_i |want_i|, 1e-3).
// Why per tensor and not per element: both sides compute in float32 but sum
// in different orders (nnc's blocked GEMM and im2col vs TF's loops), so each
// element carries an absolute error of a few ulps *of the terms summed*, not
// of the result. An element that is a near-cancelling sum (a gradient entry
// close to 0 while its neighbours are O(1)) has a large element-wise relative
// error that means nothing. Scaling by the tensor's largest magnitude measures
// the error against the size of the numbers involved. The 1e-3 floor keeps a
// tensor that is (almost) all zeros — e.g. a bias gradient of a saturated
// unit — from dividing by ~0; it turns the check into an absolute tolerance of
// 1e-7 there, still far above float32 noise at that scale. A tolerance of 1e-4
// is ~1000 float32 ulps: generous for rounding, far below any real mistake
// (a wrong index, a missed padding cell or an off-by-one stride moves
// results by O(1) relative).
import * as tf from "@tensorflow/tfjs-core";
// tfjs-core's CommonJS bundle registers no gradients; its ES-module tree does
// (the @tensorflow/tfjs umbrella imports this file). Vite resolves that tree's
// extensionless imports; the registrations land in tfjs's global registry.
import "@tensorflow/tfjs-core/dist/register_all_gradients.js";
import "@tensorflow/tfjs-backend-cpu";
import { compileModel, inputsOnly, makeInputs, type Arrays } from "../codegen/harness.ts";
import type { ModelClass } from "../../compiler/codegen/load.ts";
import { Rng } from "../../runtime/random.ts";

export { tf };
export const TOLERANCE = 1e-4;

let ready: Promise<boolean> | undefined;
/** Selects the cpu backend once (and silences its "install tfjs-node" hint). */
export function useCpuBackend(): Promise<boolean> {
  if (!ready) {
    const warn = console.warn;
    console.warn = () => {};
    ready = tf.setBackend("cpu").finally(() => {
      console.warn = warn;
    });
  }
  return ready;
}

export function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) return Infinity;
  let diff = 0;
  let scale = 1e-3;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i]! - want[i]!);
    if (!(d <= diff)) diff = d; // NaN propagates as a failure
    scale = Math.max(scale, Math.abs(want[i]!));
  }
  return diff / scale;
}

export type Tensors = Record<string, tf.Tensor>;

export interface OracleCase {
  name: string;
  source: string;
  /** Symbolic dims (T, …); the batch size is `batch`. */
  dims?: Record<string, number>;
  batch?: number;
  /** Exclusive upper bounds for i32 inputs and targets, by name (default 3). */
  ints?: Record<string, number>;
  /** Targets (f32) mapped from [-1, 1] into [0, 1] (binary cross-entropy). */
  probabilities?: string[];
  /** Adjusts the seeded inputs and targets before use (e.g. hard 0/1 targets). */
  prepare?(data: Arrays): void;
  /** Bake the dims into the code (codegen `specialize`). */
  specialize?: boolean;
  /** Keep the model's initial parameters instead of adding seeded noise. */
  keepInit?: boolean;
  /**
   * The same model in tf ops: parameters by nnc name, inputs and targets as
   * [batch, …] tensors (i32 as int32). Returns the outputs by name and, for a
   * model with a loss, the mean loss.
   */
  reference(p: Tensors, x: Tensors): { outputs: Tensors; loss?: tf.Scalar };
}

export interface Finding {
  what: string;
  err: number;
  detail?: string;
}

function resolve(shape: readonly (number | string)[], dims: Record<string, number>): number[] {
  return shape.map((d) => (typeof d === "number" ? d : dims[d]!));
}

/** Where two arrays differ most: index, got, want (for failure messages). */
function worstAt(got: ArrayLike<number>, want: ArrayLike<number>): string {
  let at = 0;
  let d = -1;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i]! - want[i]!);
    if (!(e <= d)) {
      d = e;
      at = i;
    }
  }
  return `at [${at}] got ${got[at]}, want ${want[at]} (lengths ${got.length}/${want.length})`;
}

/**
 * The same case at a realistic size: a batch past 32 (odd, so no blocked
 * product divides it evenly) and every symbolic dim made odd and longer
 * (2·T + 3), which keeps any length legal that was legal before.
 */
export function atScale(c: OracleCase, batch = 37): OracleCase {
  const dims = Object.fromEntries(Object.entries(c.dims ?? {}).map(([s, v]) => [s, 2 * v + 3]));
  const sizes = [`batch ${batch}`, ...Object.entries(dims).map(([s, v]) => `${s} = ${v}`)].join(", ");
  return { ...c, name: `${c.name} [${sizes}]`, batch, dims };
}

/** Runs one case; returns a finding per compared tensor (outputs, loss, gradients). */
export function runOracle(c: OracleCase): Finding[] {
  const batch = c.batch ?? 3;
  const dims = { batch, ...c.dims };
  const M: ModelClass = compileModel(c.source, undefined, c.specialize ? dims : undefined);
  const data: Arrays = makeInputs(M, dims, { label: 3, tags: 3, ...c.ints }, 11);
  for (const k of c.probabilities ?? []) data[k] = Float32Array.from(data[k]!, (v) => (v + 1) / 2);
  c.prepare?.(data);

  const m = new M({ seed: 5 });
  if (!c.keepInit) {
    // Seeded noise so that zero-initialised biases, gamma = 1, beta = 0 are exercised too.
    const rng = new Rng(23);
    for (const name of Object.keys(m.params).sort()) {
      const p = m.params[name]!;
      for (let i = 0; i < p.length; i++) p[i] = p[i]! + 0.3 * (rng.uniform() * 2 - 1);
    }
  }
  const paramNames = Object.keys(M.params);
  const specs = { ...M.inputs, ...M.targets };
  const findings: Finding[] = [];

  // A first pass on other data, so that state left behind by an earlier call
  // (saved masks, reused workspaces, gradients that accumulate) would show.
  const other: Arrays = makeInputs(M, dims, { label: 3, tags: 3, ...c.ints }, 12);
  for (const k of c.probabilities ?? []) other[k] = Float32Array.from(other[k]!, (v) => (v + 1) / 2);
  c.prepare?.(other);
  m.lossAndGrads?.(other, dims);
  m.forward(inputsOnly(M, other), dims);

  const outputs = m.forward(inputsOnly(M, data), dims);
  const loss = m.lossAndGrads ? m.lossAndGrads(data, dims) : undefined;
  const grads = m.grads ? Object.fromEntries(Object.entries(m.grads).map(([k, v]) => [k, Float32Array.from(v)])) : undefined;

  tf.tidy(() => {
    const x: Tensors = {};
    for (const [name, spec] of Object.entries(specs)) {
      const shape = [batch, ...resolve(spec.shape, dims)];
      x[name] = spec.dtype === "i32" ? tf.tensor(data[name] as Int32Array, shape, "int32") : tf.tensor(data[name] as Float32Array, shape, "float32");
    }
    const pt: Tensors = Object.fromEntries(paramNames.map((n) => [n, tf.tensor(m.params[n]!, [...M.params[n]!], "float32")]));

    const ref = c.reference(pt, x);
    for (const [name, want] of Object.entries(ref.outputs)) {
      const got = outputs[name];
      const w = want.dataSync();
      if (!got) {
        findings.push({ what: `output ${name}`, err: Infinity, detail: "missing from forward()" });
        continue;
      }
      findings.push({ what: `output ${name}`, err: relErr(got, w), detail: worstAt(got, w) });
    }
    for (const name of Object.keys(outputs)) if (!(name in ref.outputs)) findings.push({ what: `output ${name}`, err: Infinity, detail: "not produced by the reference" });

    if (ref.loss !== undefined || loss !== undefined) {
      if (loss === undefined || ref.loss === undefined || !grads) {
        findings.push({ what: "loss", err: Infinity, detail: `nnc ${loss}, reference ${ref.loss ? "present" : "absent"}` });
        return;
      }
      const wantLoss = ref.loss.dataSync()[0]!;
      findings.push({ what: "loss", err: relErr([loss], [wantLoss]), detail: `got ${loss}, want ${wantLoss}` });
      if (paramNames.length === 0) return;
      const f = (...ps: tf.Tensor[]) => c.reference(Object.fromEntries(paramNames.map((n, i) => [n, ps[i]!])), x).loss!;
      const { value, grads: g } = tf.valueAndGrads(f)(paramNames.map((n) => pt[n]!));
      findings.push({ what: "loss (under tf.valueAndGrads)", err: relErr([loss], value.dataSync()) });
      paramNames.forEach((n, i) => {
        const want = g[i]!.dataSync();
        const got = grads[n]!;
        findings.push({ what: `grad ${n}`, err: relErr(got, want), detail: worstAt(got, want) });
      });
    }
  });
  if (process.env.ORACLE_VERBOSE) {
    const worst = findings.reduce((a, f) => (f.err > a.err ? f : a), { what: "-", err: 0 });
    console.log(`[oracle] ${c.name}: ${findings.length} compared, worst ${worst.err.toExponential(2)} (${worst.what})`);
  }
  return findings;
}

/** A readable summary of the findings over tolerance (empty when all pass). */
export function failures(findings: Finding[], tol = TOLERANCE): string {
  return findings
    .filter((f) => !(f.err <= tol))
    .map((f) => `${f.what}: rel err ${f.err.toExponential(2)}${f.detail ? ` — ${f.detail}` : ""}`)
    .join("\n");
}

// ---------------------------------------------------------------------------
// Reference building blocks in tf ops. Shapes carry the batch dim first; an
// nnc axis a (per example, may be negative) is tf axis a + 1, or a + rank.

export const tfAxis = (x: tf.Tensor, axis: number): number => (axis < 0 ? x.rank + axis : axis + 1);

/** x·kernel (+ bias) over the last axis, for any leading dims. */
export function dense(x: tf.Tensor, kernel: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  const n = x.shape[x.rank - 1]!;
  const units = kernel.shape[1]!;
  const y = tf.reshape(tf.matMul(tf.reshape(x, [-1, n]), kernel as tf.Tensor2D), [...x.shape.slice(0, -1), units]);
  return bias ? tf.add(y, bias) : y;
}

export const gelu = (x: tf.Tensor): tf.Tensor =>
  tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))));

/** Softmax over any axis, written out (tf.softmax handles only the last). */
export function softmax(x: tf.Tensor, axis: number): tf.Tensor {
  const a = tfAxis(x, axis);
  const e = tf.exp(tf.sub(x, tf.max(x, a, true)));
  return tf.div(e, tf.sum(e, a, true));
}

/** Layer norm over the last axis: ε = 1e-5 inside the square root, biased variance. */
export function layernorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const a = x.rank - 1;
  const mu = tf.mean(x, a, true);
  const d = tf.sub(x, mu);
  const v = tf.mean(tf.square(d), a, true);
  return tf.add(tf.mul(tf.div(d, tf.sqrt(tf.add(v, 1e-5))), gamma), beta);
}

/** Sparse softmax cross-entropy, mean over the batch and every non-class axis. */
export function crossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  const classes = logits.shape[logits.rank - 1]!;
  const logp = tf.logSoftmax(tf.reshape(logits, [-1, classes]) as tf.Tensor2D);
  const onehot = tf.oneHot(tf.reshape(labels, [-1]) as tf.Tensor1D, classes);
  return tf.neg(tf.mean(tf.sum(tf.mul(onehot, logp), 1))) as tf.Scalar;
}

/** Sigmoid + binary cross-entropy on logits (the stable form), mean over everything. */
export function binaryCrossEntropy(logits: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.mean(tf.add(tf.sub(tf.relu(logits), tf.mul(logits, target)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))))) as tf.Scalar;
}

export const mse = (p: tf.Tensor, t: tf.Tensor): tf.Scalar => tf.mean(tf.squaredDifference(p, t)) as tf.Scalar;

export const flatten = (x: tf.Tensor): tf.Tensor => tf.reshape(x, [x.shape[0]!, -1]);

export type Padding = "valid" | "same" | number | number[];

/** Per-axis (before, after) zero padding, spec §5 (TF's split for `same`: the smaller half before). */
export function padAmounts(lengths: number[], kernel: number[], stride: number[], dilation: number[], padding: Padding): [number, number][] {
  return lengths.map((L, a) => {
    if (padding === "valid") return [0, 0];
    if (padding === "same") {
      const out = Math.ceil(L / stride[a]!);
      const total = Math.max((out - 1) * stride[a]! + dilation[a]! * (kernel[a]! - 1) + 1 - L, 0);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    }
    const p = typeof padding === "number" ? padding : padding[a]!;
    return [p, p];
  });
}

/** A kernel [k…, C, F] with d−1 zeros between taps along each spatial axis (differentiable). */
function dilateKernel(w: tf.Tensor, dilation: number[]): tf.Tensor {
  let out = w;
  dilation.forEach((d, a) => {
    if (d === 1) return;
    const shape = out.shape;
    const k = shape[a]!;
    // [.., k, ..] → [.., k, d, ..] with zeros in slots 1..d−1 → [.., k·d, ..] → first (k−1)·d+1.
    const expanded = tf.expandDims(out, a + 1);
    const zeros = tf.zeros([...shape.slice(0, a + 1), d - 1, ...shape.slice(a + 1)]);
    const merged = tf.reshape(tf.concat([expanded, zeros], a + 1), [...shape.slice(0, a), k * d, ...shape.slice(a + 1)]);
    out = tf.slice(merged, shape.map(() => 0), shape.map((s, i) => (i === a ? (k - 1) * d + 1 : s)));
  });
  return out;
}

/**
 * conv1d/2d/3d, channels last. Uses TF's own convolution with its own
 * `same`/`valid` padding, except with dilation > 1 or an int padding: TF.js
 * has no gradient for dilated convolutions ("dilation rates greater than 1
 * are not yet supported in gradients"), refuses stride > 1 with dilation > 1,
 * and takes no int padding for conv3d. Those pad explicitly (TF's split for
 * `same`, spec §5) and dilate the kernel with zeros, then convolve with TF's
 * op; `native: true` forces TF's dilated op (forward only, for self-checks).
 */
export function conv(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor | undefined, opts: { stride?: number | number[]; dilation?: number | number[]; padding?: Padding; native?: boolean }): tf.Tensor {
  const rank = x.rank - 2;
  const per = (v: number | number[] | undefined) => (Array.isArray(v) ? v : Array(rank).fill(v ?? 1));
  const stride = per(opts.stride);
  const dilation = per(opts.dilation);
  const padding = opts.padding ?? "valid";
  const dilated = dilation.some((d) => d > 1);
  const native = typeof padding === "string" && (opts.native ?? !dilated);
  let y: tf.Tensor;
  if (native) {
    const p = padding as "valid" | "same";
    if (rank === 1) y = tf.conv1d(x as tf.Tensor3D, w as tf.Tensor3D, stride[0]!, p, "NWC", dilation[0]!);
    else if (rank === 2) y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride as [number, number], p, "NHWC", dilation as [number, number]);
    else y = tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, stride as [number, number, number], p, "NDHWC");
  } else {
    const pads = padAmounts(x.shape.slice(1, 1 + rank), w.shape.slice(0, rank), stride, dilation, padding);
    const xp = tf.pad(x, [[0, 0], ...pads, [0, 0]]);
    const wd = dilateKernel(w, dilation);
    if (rank === 1) y = tf.conv1d(xp as tf.Tensor3D, wd as tf.Tensor3D, stride[0]!, "valid");
    else if (rank === 2) y = tf.conv2d(xp as tf.Tensor4D, wd as tf.Tensor4D, stride as [number, number], "valid");
    else y = tf.conv3d(xp as tf.Tensor5D, wd as tf.Tensor5D, stride as [number, number, number], "valid");
  }
  return b ? tf.add(y, b) : y;
}

/**
 * max/avg pooling 1d/2d/3d with TF's ops (1-D through 2-D on a [B, 1, T, C]
 * view). Max with `same`/`valid` and avg with `valid` are TF's own. Padding
 * otherwise is written out: max pads with −∞; avg divides a zero-padded
 * window sum by the count of cells inside (a pooled mask of ones). Avg with
 * `same` must be written out too: TF.js's forward excludes padded cells, but
 * its AvgPoolGrad/AvgPool3DGrad kernels divide every window by the full
 * window size (tfjs-backend-cpu 4.22), so its gradient disagrees with its own
 * forward near the border. `native: true` forces TF's op (self-checks).
 */
export function pool(kind: "max" | "avg", x: tf.Tensor, size: number | number[], opts: { stride?: number | number[]; padding?: Padding; native?: boolean } = {}): tf.Tensor {
  const rank = x.rank - 2;
  const per = (v: number | number[]) => (Array.isArray(v) ? v : Array(rank).fill(v));
  const k = per(size);
  const s = per(opts.stride ?? size);
  const padding = opts.padding ?? "valid";
  const raw = (t: tf.Tensor, p: "valid" | "same", op: "max" | "avg"): tf.Tensor => {
    if (rank === 1) {
      const t4 = tf.expandDims(t, 1) as tf.Tensor4D;
      const r = op === "max" ? tf.maxPool(t4, [1, k[0]!], [1, s[0]!], p) : tf.avgPool(t4, [1, k[0]!], [1, s[0]!], p);
      return tf.squeeze(r, [1]);
    }
    if (rank === 2) return op === "max" ? tf.maxPool(t as tf.Tensor4D, k as [number, number], s as [number, number], p) : tf.avgPool(t as tf.Tensor4D, k as [number, number], s as [number, number], p);
    return op === "max" ? tf.maxPool3d(t as tf.Tensor5D, k as [number, number, number], s as [number, number, number], p) : tf.avgPool3d(t as tf.Tensor5D, k as [number, number, number], s as [number, number, number], p);
  };
  if (padding === "valid" || (padding === "same" && (kind === "max" || opts.native))) return raw(x, padding, kind);
  const pads: [number, number][] = [[0, 0], ...padAmounts(x.shape.slice(1, 1 + rank), k, s, per(1), padding), [0, 0]];
  if (kind === "max") return raw(tf.pad(x, pads, -Infinity), "valid", "max");
  const sums = raw(tf.pad(x, pads), "valid", "avg");
  const counts = raw(tf.pad(tf.onesLike(x), pads), "valid", "avg");
  return tf.div(sums, counts);
}
