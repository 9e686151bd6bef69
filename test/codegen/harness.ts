// Shared by the code-generation tests: compile .nn text to a loaded model
// class, make deterministic inputs, and check gradients by finite differences.
import { check } from "../../compiler/index.ts";
import { generate } from "../../compiler/codegen/index.ts";
import { loadModule, type ModelClass, type ModelInstance } from "../../compiler/codegen/load.ts";
import { Rng } from "../../runtime/random.ts";

export function compileModel(source: string, name?: string, specialize?: Record<string, number>): ModelClass {
  const result = generate(check(source, { filename: "test.nn" }), specialize ? { specialize } : {});
  if (!result.code) throw new Error(result.diagnostics.map((d) => `${d.span.line}:${d.span.column} ${d.code} ${d.message}`).join("\n"));
  const mod = loadModule(result.code);
  return name ? mod[name]! : Object.values(mod)[0]!;
}

export type Arrays = Record<string, Float32Array | Int32Array>;

/** Inputs for every input and target: floats in [-1, 1], integer labels below `classes` (by target/input name). */
export function makeInputs(M: ModelClass, dims: Record<string, number>, intRanges: Record<string, number> = {}, seed = 7): Arrays {
  const rng = new Rng(seed);
  const out: Arrays = {};
  for (const [name, spec] of Object.entries({ ...M.inputs, ...M.targets })) {
    const n = dims.batch! * spec.shape.reduce<number>((a, d) => a * (typeof d === "number" ? d : dims[d]!), 1);
    if (spec.dtype === "f32") out[name] = Float32Array.from({ length: n }, () => rng.uniform() * 2 - 1);
    else out[name] = Int32Array.from({ length: n }, () => rng.int(intRanges[name] ?? 2));
  }
  return out;
}

export function inputsOnly(M: ModelClass, all: Arrays): Arrays {
  return Object.fromEntries(Object.entries(all).filter(([k]) => k in M.inputs));
}

/**
 * Central differences on every parameter element (or a sample of `maxPerParam`),
 * against lossAndGrads' analytic gradient. Each evaluation uses a fresh
 * instance with the same seed, so dropout draws the same mask.
 * Returns the worst relative error: |num − ana| / max(|num|, |ana|, floor).
 */
export function gradCheck(M: ModelClass, inputs: Arrays, dims: { batch: number; [s: string]: number }, options: { h?: number; maxPerParam?: number; seed?: number; floor?: number } = {}): { worst: number; where: string } {
  const h = options.h ?? 1e-2;
  const seed = options.seed ?? 3;
  const floor = options.floor ?? 1e-2;
  const reference = new M({ seed });
  const params = Object.fromEntries(Object.entries(reference.params).map(([k, v]) => [k, Float32Array.from(v)]));
  const evaluate = (): { loss: number; model: ModelInstance } => {
    const m = new M({ seed });
    for (const [k, v] of Object.entries(params)) m.params[k]!.set(v);
    return { loss: m.lossAndGrads!(inputs, dims), model: m };
  };
  const analytic = Object.fromEntries(Object.entries(evaluate().model.grads!).map(([k, v]) => [k, Float32Array.from(v)]));
  let worst = 0;
  let where = "";
  for (const [name, p] of Object.entries(params)) {
    const step = Math.max(1, Math.floor(p.length / (options.maxPerParam ?? 40)));
    for (let i = 0; i < p.length; i += step) {
      const saved = p[i]!;
      p[i] = saved + h;
      const up = evaluate().loss;
      p[i] = saved - h;
      const down = evaluate().loss;
      p[i] = saved;
      const numeric = (up - down) / (2 * h);
      const a = analytic[name]![i]!;
      const err = Math.abs(numeric - a) / Math.max(Math.abs(numeric), Math.abs(a), floor);
      if (err > worst) {
        worst = err;
        where = `${name}[${i}]: numeric ${numeric}, analytic ${a}`;
      }
    }
  }
  return { worst, where };
}
