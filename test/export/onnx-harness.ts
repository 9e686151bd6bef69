// Exports a model with exportOnnx, runs it in ONNX Runtime (onnxruntime-node,
// CPU) and compares every output with nnc's own forward on the same inputs.
// Error measure as in test/oracle/oracle.ts: max |got − want| / max(max |want|, 1e-3).
import * as ort from "onnxruntime-node";
import { check, type CompilerHost } from "../../compiler/index.ts";
import { exportOnnx } from "../../compiler/export/onnx/index.ts";
import { generate } from "../../compiler/codegen/index.ts";
import { loadModule } from "../../compiler/codegen/load.ts";
import { Dim } from "../../compiler/shapes/dim.ts";
import type { CheckedModel } from "../../compiler/graph.ts";
import { Rng } from "../../runtime/random.ts";

export type Arrays = Record<string, Float32Array | Int32Array>;

/** The oracle's measure (test/oracle/oracle.ts), here without loading TF.js: the worst difference over the largest magnitude (at least 1e-3). */
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

export interface Comparison {
  dims: Record<string, number>;
  /** Output name → relative error. */
  errors: Record<string, number>;
}

/** The checked model `name` (default: the first) of `source`, failing on any error. */
export function checkedModel(source: string, filename = "test.nn", name?: string, host?: CompilerHost): CheckedModel {
  const result = check(source, { filename, ...(host ? { host } : {}) });
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length) throw new Error(errors.map((d) => `${d.span.line}:${d.span.column} ${d.code} ${d.message}`).join("\n"));
  const model = name ? result.models.find((m) => m.name === name) : result.models[0];
  if (!model) throw new Error(`no model ${name}`);
  return model;
}

/**
 * Seeded inputs: floats in [-1, 1]; a lengths input in [1, steps] of the
 * sequence it measures; other ints below the smallest embedding vocab (an
 * index may reach an embedding through concat or reshape), else 0 or 1.
 */
function makeInputs(model: CheckedModel, dims: Record<string, number>, seed: number): Arrays {
  const sizes = new Map(Object.entries(dims).map(([k, v]) => [k, Dim.const(v)]));
  const size = (d: Dim) => d.substitute(sizes).value!;
  const ranges = new Map<string, { min: number; max: number }>();
  const vocabs = model.nodes.filter((n) => n.def.name === "embedding").map((n) => n.options.vocab as number);
  const indices = { min: 0, max: vocabs.length ? Math.min(...vocabs) - 1 : 1 };
  for (const n of model.nodes) {
    n.inputs.forEach((ref, i) => {
      if (ref.kind !== "input") return;
      if (n.options.lengths === i) {
        const cross = n.def.name === "attention" && n.inputs.length === 3;
        const sequence = cross ? n.inputs[1]! : n.inputs[0]!;
        const type = sequence.kind === "input" ? model.inputs.find((x) => x.name === sequence.name)!.type : model.nodes[sequence.id]!.output;
        ranges.set(ref.name, { min: 1, max: size(type.shape[0]!) });
      }
    });
  }
  const rng = new Rng(seed);
  const out: Arrays = {};
  for (const input of model.inputs.filter((i) => i.role === "input")) {
    const count = dims.batch! * input.type.shape.reduce((a, d) => a * size(d), 1);
    const range = ranges.get(input.name) ?? indices;
    out[input.name] = input.type.dtype === "f32" ? Float32Array.from({ length: count }, () => rng.uniform() * 2 - 1) : Int32Array.from({ length: count }, () => range.min + rng.int(range.max - range.min + 1));
  }
  return out;
}

/**
 * Compiles `source`, sets its parameters to the seed-0 ones plus seeded
 * noise (so zero biases and unit gammas are exercised), exports it once and
 * compares ONNX Runtime with forward() at each set of dims.
 */
export async function compareWithOnnxRuntime(source: string, dimSets: Record<string, number>[], options: { name?: string; filename?: string; specialize?: Record<string, number>; host?: CompilerHost } = {}): Promise<Comparison[]> {
  const model = checkedModel(source, options.filename, options.name, options.host);
  const generated = generate(check(source, { filename: options.filename ?? "test.nn", ...(options.host ? { host: options.host } : {}) }));
  const M = loadModule(generated.code!)[model.name]!;
  const instance = new M({ seed: 0 });
  const rng = new Rng(23);
  for (const name of Object.keys(instance.params).sort()) {
    const p = instance.params[name]!;
    for (let i = 0; i < p.length; i++) p[i] = p[i]! + 0.3 * (rng.uniform() * 2 - 1);
  }
  const bytes = exportOnnx(model, instance.params, options.specialize ? { specialize: options.specialize } : {});
  const session = await ort.InferenceSession.create(bytes);
  const results: Comparison[] = [];
  for (const [k, given] of dimSets.entries()) {
    // Cases give T to every model; forward() refuses dims a model does not have.
    const dims = Object.fromEntries(Object.entries(given).filter(([s]) => s === "batch" || model.symbols.has(s)));
    const inputs = makeInputs(model, dims, 11 + k);
    const want = instance.forward(inputs, dims as { batch: number });
    const sizes = new Map(Object.entries(dims).map(([s, v]) => [s, Dim.const(v)]));
    const feeds: Record<string, ort.Tensor> = {};
    for (const input of model.inputs.filter((i) => i.role === "input")) {
      const shape = [dims.batch!, ...input.type.shape.map((d) => d.substitute(sizes).value!)];
      const data = inputs[input.name]!;
      feeds[input.name] = data instanceof Float32Array ? new ort.Tensor("float32", data, shape) : new ort.Tensor("int32", data, shape);
    }
    const got = await session.run(feeds);
    const errors: Record<string, number> = {};
    for (const o of model.outputs) errors[o.name] = relErr(got[o.name]!.data as Float32Array, want[o.name]!);
    results.push({ dims, errors });
  }
  return results;
}

/** The largest error over every output and dim set. */
export function worst(results: Comparison[]): number {
  return Math.max(...results.flatMap((r) => Object.values(r.errors)));
}
