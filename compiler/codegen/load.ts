// Runs an emitted module in this process without writing files: transpile
// the TypeScript in memory, evaluate it as a CommonJS body whose `require`
// hands it our runtime. The same path works in a browser worker.
import { ts } from "ts-morph";
import * as runtime from "../../runtime/index.ts";
import type * as io from "../../runtime/io.ts";

export interface ModelInstance {
  params: Record<string, Float32Array>;
  grads?: Record<string, Float32Array>;
  forward(inputs: Record<string, Float32Array | Int32Array>, dims: { batch: number; [s: string]: number }): Record<string, Float32Array>;
  lossAndGrads?(inputs: Record<string, Float32Array | Int32Array>, dims: { batch: number; [s: string]: number }): number;
  /** Present where the model declares `generate`. */
  generate?(inputs: Record<string, Float32Array | Int32Array>, dims: { batch: number; [s: string]: number }, options?: runtime.GenerateOptions): Int32Array;
}

export interface ModelClass {
  new (options?: { seed?: number }): ModelInstance;
  readonly inputs: Readonly<Record<string, io.TensorSpec>>;
  readonly targets: Readonly<Record<string, io.TensorSpec>>;
  readonly params: Readonly<Record<string, readonly number[]>>;
  readonly loss: { kind: string; prediction: string | null; target: string | null } | null;
  readonly generation?: runtime.GenerationSpec;
  /** Each symbol's smallest legal value (see runtime checkMinDims). */
  readonly minDims: io.MinDims;
}

const runtimeObject = { ...runtime };

export function transpile(code: string): string {
  return ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, removeComments: false } }).outputText;
}

/** Evaluates emitted TypeScript and returns its exports (model classes by name). */
export function loadModule(code: string): Record<string, ModelClass> {
  const js = transpile(code);
  const module = { exports: {} as Record<string, ModelClass> };
  const require = (specifier: string) => {
    if (specifier === "nnc/runtime") return runtimeObject;
    throw new Error(`a generated module may import only nnc/runtime, not '${specifier}'`);
  };
  new Function("exports", "require", "module", js)(module.exports, require, module);
  return module.exports;
}
