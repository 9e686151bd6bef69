// Runs an emitted module in this process without writing files: transpile
// the TypeScript in memory, evaluate it as a CommonJS body whose `require`
// hands it our runtime. The same path works in a browser worker.
import { ts } from "ts-morph";
import * as runtime from "../../runtime/index.ts";
import type * as io from "../../runtime/io.ts";

export interface ModelInstance {
  params: Record<string, Float32Array>;
  grads?: Record<string, Float32Array>;
  /** The dropout generator's state (models with a loss, not --inference): saved with checkpoints. */
  randomState?: runtime.RngState;
  forward(inputs: Record<string, Float32Array | Int32Array>, dims: { batch: number; [s: string]: number }): Record<string, Float32Array>;
  /** Present where the model has a loss: its value without gradients. */
  loss?(inputs: Record<string, Float32Array | Int32Array>, dims: { batch: number; [s: string]: number }): number;
  /** Absent where the model has no loss, or was compiled for inference. */
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
  const module = { exports: exportsObject() };
  const require = (specifier: string) => {
    if (specifier === "nnc/runtime") return runtimeObject;
    throw new Error(`a generated module may import only nnc/runtime, not '${specifier}'`);
  };
  new Function("exports", "require", "module", js)(module.exports, require, module);
  // Own properties only, with no prototype: a model may be named `__proto__`, `__esModule` or `constructor`.
  const out = Object.create(null) as Record<string, ModelClass>;
  for (const [name, value] of Object.entries(module.exports)) if (!(name === "__esModule" && value === (true as unknown))) out[name] = value;
  return out;
}

/**
 * The `exports` a CommonJS body writes to. Every export name is a model's
 * name, and TypeScript's CommonJS output assigns them (`exports.__proto__ = …`)
 * after marking `__esModule` read-only: this object keeps each as a plain,
 * writable own property, whatever its name.
 */
function exportsObject(): Record<string, ModelClass> {
  const own = (target: object, name: string | symbol, value: unknown) => Reflect.defineProperty(target, name, { value, writable: true, enumerable: true, configurable: true });
  return new Proxy(Object.create(null) as Record<string, ModelClass>, {
    set: (target, name, value) => own(target, name, value),
    defineProperty: (target, name, descriptor) => own(target, name, "value" in descriptor ? descriptor.value : descriptor.get?.()),
  });
}
