// What the differential suites share: compiling a model with symbolic dims
// and with `--specialize`, the legal sizes of a model's symbols (from its IR),
// inputs for a size, and the comparison of two runs.
import { transformSync } from "esbuild";
import { check } from "../../compiler/index.ts";
import { generate } from "../../compiler/codegen/index.ts";
import type { ModelClass, ModelInstance } from "../../compiler/codegen/load.ts";
import { lowerModel, type IRProgram } from "../../compiler/ir/program.ts";
import { Dim, product } from "../../compiler/shapes/dim.ts";
import * as runtime from "../../runtime/index.ts";
import { Rng } from "../../runtime/random.ts";
import { smallestLegal } from "./generator.ts";

export type Arrays = Record<string, Float32Array | Int32Array>;
export type Sizes = { batch: number; [symbol: string]: number };

const runtimeObject = { ...runtime };

/**
 * Compiles .nn text to its model classes, with `specialize` baked in. The
 * module is transpiled by esbuild (the suites compile hundreds of modules;
 * TypeScript's transpiler takes ten times longer), then evaluated with the
 * real runtime, as compiler/codegen/load.ts does.
 */
export function compileAll(source: string, specialize?: Record<string, number>): Record<string, ModelClass> {
  const result = generate(check(source, { filename: "differential.nn" }), specialize ? { specialize } : {});
  if (!result.code) throw new Error(`does not compile:\n${result.diagnostics.map((d) => `${d.span.line}:${d.span.column} ${d.code} ${d.message}`).join("\n")}\n${source}`);
  const js = transformSync(result.code, { loader: "ts", format: "cjs", target: "es2022" }).code;
  const module = { exports: {} as Record<string, ModelClass> };
  const require = (specifier: string) => {
    if (specifier === "nnc/runtime") return runtimeObject;
    throw new Error(`unexpected import '${specifier}'`);
  };
  new Function("exports", "require", "module", js)(module.exports, require, module);
  return module.exports;
}

export function compileOne(source: string, model: string, specialize?: Record<string, number>): ModelClass {
  const M = compileAll(source, specialize)[model];
  if (!M) throw new Error(`no model ${model}`);
  return M;
}

/** The IR of each model in a file (checked without errors). */
export function programs(source: string, filename = "differential.nn"): IRProgram[] {
  const checked = check(source, { filename });
  const errors = checked.diagnostics.filter((d) => d.severity === "error");
  if (errors.length) throw new Error(`does not check:\n${errors.map((d) => `${d.span.line}:${d.span.column} ${d.code} ${d.message}`).join("\n")}\n${source}`);
  return checked.models.map(lowerModel);
}

/** Learned positional tables bound a step axis from above: (dim, max). */
function upperBounds(p: IRProgram): [Dim, number][] {
  return p.ops.filter((o) => o.def.name === "positional" && o.node.options.kind === "learned").map((o) => [o.inputs[0]!.shape[0]!, o.node.options.max as number]);
}

/** Whether every dim of every tensor is ≥ 1 and learned positional tables are long enough at these sizes. */
export function isLegal(p: IRProgram, env: Record<string, number>): boolean {
  return p.tensors.every((t) => t.shape.every((d) => (d.evaluate(env) ?? 1) >= 1)) && upperBounds(p).every(([d, max]) => d.evaluate(env)! <= max);
}

/** The smallest legal value of each symbol, from the IR. */
export function smallestSizes(p: IRProgram): Record<string, number> {
  const min = smallestLegal(
    p.tensors.flatMap((t) => t.shape),
    p.symbols,
    (env) => upperBounds(p).every(([d, max]) => d.evaluate(env)! <= max),
  );
  if (!min) throw new Error(`${p.model.name}: no legal sizes`);
  return min;
}

/** The largest value of each symbol (up to `cap`) that keeps the model legal with the others at `others`. */
export function largestSize(p: IRProgram, symbol: string, others: Record<string, number>, cap: number): number {
  let v = cap;
  while (v > 1 && !isLegal(p, { ...others, [symbol]: v })) v--;
  return v;
}

/**
 * What a run at these sizes costs, roughly: the elements of every tensor
 * and the attention weights (floats touched per pass).
 */
export function cost(p: IRProgram, sizes: Sizes): number {
  let n = 0;
  for (const t of p.tensors) n += product(t.shape).evaluate(sizes) ?? 0;
  for (const o of p.ops) {
    if (o.def.name === "attention") {
      const kv = o.inputs.length > 1 && o.inputs[1]!.dtype === "f32" ? o.inputs[1]! : o.inputs[0]!;
      n += o.inputs[0]!.shape[0]!.evaluate(sizes)! * kv.shape[0]!.evaluate(sizes)! * (o.node.options.heads as number) * 2;
    }
    if (o.def.name.startsWith("conv")) n += product(o.output.shape).evaluate(sizes)! * o.params[0]!.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  }
  return n * sizes.batch;
}

export interface Fill {
  fill: "float" | "unit" | "index" | "lengths";
  /** Indices: the exclusive bound. */
  range?: Dim;
  /** Lengths: the symbol whose steps they count. */
  symbol?: string;
}

/**
 * How each input and target of a compiled model is filled, read from the IR:
 * an embedding's indices below its vocabulary, a cross-entropy's labels below
 * the class count, lengths (an i32 scalar passed as `lengths:`) within the
 * steps of every axis they count, f32 targets of binary_cross_entropy in [0, 1].
 */
export function fillsOf(p: IRProgram): Record<string, Fill> {
  const out: Record<string, Fill> = {};
  for (const t of p.inputs) out[t.label] = { fill: t.dtype === "f32" ? "float" : "index", range: Dim.const(1) };
  const isInput = (t: { role: string; label: string }) => t.role !== "activation";
  for (const o of p.ops) {
    const lengths = o.node.options.lengths;
    if (typeof lengths === "number") {
      const n = o.inputs[lengths]!;
      // The axis they count: the keys of attention (cross: its second tensor), the label's steps of a loss, else the input's steps.
      const counted = o.def.name === "attention" ? (o.inputs.length > 2 ? o.inputs[1]! : o.inputs[0]!) : o.def.name === "cross_entropy" ? o.inputs[1]! : o.inputs[0]!;
      const symbol = counted.shape[0]!.toSource();
      const prior = out[n.label];
      // A lengths input used for several axes must fit the shortest: they are all the same symbol in practice.
      if (prior?.fill === "lengths" && prior.symbol !== symbol) throw new Error(`lengths '${n.label}' count both ${prior.symbol} and ${symbol}`);
      out[n.label] = { fill: "lengths", symbol };
    }
    if (o.def.name === "embedding" && isInput(o.inputs[0]!)) {
      const vocab = Dim.const(o.node.options.vocab as number);
      out[o.inputs[0]!.label] = { fill: "index", range: vocab };
    }
    if (o.def.name === "cross_entropy" && isInput(o.inputs[1]!)) {
      const logits = o.inputs[0]!;
      out[o.inputs[1]!.label] = { fill: "index", range: logits.shape[logits.shape.length - 1]! };
    }
    if (o.def.name === "binary_cross_entropy" && isInput(o.inputs[1]!)) out[o.inputs[1]!.label] = { fill: "unit" };
  }
  return out;
}

/** Inputs and targets for these sizes, the same for every build of a model. */
export function makeArrays(M: ModelClass, fills: Record<string, Fill>, sizes: Sizes, seed: number): Arrays {
  const rng = new Rng(seed);
  const out: Arrays = {};
  for (const [name, spec] of Object.entries({ ...M.inputs, ...M.targets })) {
    const perExample = spec.shape.reduce<number>((a, d) => a * (typeof d === "number" ? d : runtime.evaluateDim(d, sizes)), 1);
    // Sizes too small for a declared expression give empty arrays: the model must reject them, not this helper.
    const n = sizes.batch * Math.max(0, perExample);
    const f = fills[name] ?? { fill: spec.dtype === "f32" ? "float" : "index", range: Dim.const(1) };
    if (spec.dtype === "f32") out[name] = Float32Array.from({ length: n }, () => (f.fill === "unit" ? rng.uniform() : rng.uniform() * 2 - 1));
    else if (f.fill === "lengths") {
      const steps = runtime.evaluateDim(f.symbol!, sizes);
      // Full-length and one-step examples, and some in between.
      out[name] = Int32Array.from({ length: n }, (_, b) => (b === 0 ? steps : b === 1 ? 1 : 1 + rng.int(steps)));
    } else {
      const range = Math.max(1, f.range!.evaluate(sizes)!);
      out[name] = Int32Array.from({ length: n }, () => rng.int(range));
    }
  }
  return out;
}

export function inputsOnly(M: ModelClass, all: Arrays): Arrays {
  return Object.fromEntries(Object.entries(all).filter(([k]) => Object.hasOwn(M.inputs, k)));
}

/** Example b of every array (each is [batch, …]). */
export function example(all: Arrays, batch: number, b: number): Arrays {
  return Object.fromEntries(
    Object.entries(all).map(([k, a]) => {
      const per = a.length / batch;
      return [k, a.slice(b * per, (b + 1) * per)];
    }),
  );
}

/** The tolerance: |a − b| ≤ 1e-6 · max(1, |a|, |b|). */
export const RELATIVE = 1e-6;

/** The largest |a − b| / max(1, |a|, |b|) over two arrays seen so far, for the report. */
export const observed = { worst: 0, where: "" };

/**
 * Two results agree: same length, every value finite, and each pair within
 * the tolerance. Throws naming the first disagreement.
 */
export function agree(what: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new Error(`${what}: ${a.length} values against ${b.length}`);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new Error(`${what}[${i}]: not finite (${x} against ${y})`);
    const err = Math.abs(x - y) / Math.max(1, Math.abs(x), Math.abs(y));
    if (err > observed.worst) {
      observed.worst = err;
      observed.where = `${what}[${i}]: ${x} against ${y}`;
    }
    if (err > RELATIVE) throw new Error(`${what}[${i}]: ${x} against ${y} (relative ${err.toExponential(2)})`);
  }
}

/** Both instances start from the same parameters (same seed, same initialisation). */
export function sameParams(a: ModelInstance, b: ModelInstance): void {
  const names = Object.keys(a.params);
  if (names.join() !== Object.keys(b.params).join()) throw new Error(`parameters differ: ${names} against ${Object.keys(b.params)}`);
  for (const k of names) agree(`params.${k}`, a.params[k]!, b.params[k]!);
}

/** Forward outputs of two builds agree. */
export function sameOutputs(what: string, a: Record<string, Float32Array>, b: Record<string, Float32Array>): void {
  if (Object.keys(a).join() !== Object.keys(b).join()) throw new Error(`${what}: outputs ${Object.keys(a)} against ${Object.keys(b)}`);
  for (const k of Object.keys(a)) agree(`${what} ${k}`, a[k]!, b[k]!);
}

/** Loss and every gradient of two instances after lossAndGrads agree. */
export function sameTraining(what: string, lossA: number, a: ModelInstance, lossB: number, b: ModelInstance): void {
  agree(`${what} loss`, [lossA], [lossB]);
  for (const k of Object.keys(a.grads!)) agree(`${what} grads.${k}`, a.grads![k]!, b.grads![k]!);
}

/** Per-example row b of a [batch, …] output. */
export function row(a: Float32Array, batch: number, b: number): Float32Array {
  const per = a.length / batch;
  return a.subarray(b * per, (b + 1) * per);
}

/** An odd value in [lo, hi] (or lo when the range holds none). */
export function oddIn(lo: number, hi: number, pick: number): number {
  const odds: number[] = [];
  for (let v = lo; v <= hi; v++) if (v % 2 === 1) odds.push(v);
  return odds.length ? odds[pick % odds.length]! : lo;
}
