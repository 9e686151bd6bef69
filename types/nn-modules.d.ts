// Fallback types for `.nn` modules, for projects that import .nn files
// through the nnc bundler plugin without generated declarations:
//
//   // tsconfig.json: "types": ["nnc/nn-modules"]   (or /// <reference types="nnc/nn-modules" />)
//   import * as models from "./lenet.nn";
//   const net = new models.LeNet5();
//
// A wildcard module cannot know a file's model names, so named imports
// (`import { LeNet5 } from "./lenet.nn"`) need exact declarations: generate
// them with `nnc compile --dts` (a `lenet.d.nn.ts` beside the import, read
// under "allowArbitraryExtensions": true), which also take precedence over
// this fallback.
declare module "*.nn" {
  type NnArrays = Record<string, Float32Array | Int32Array>;
  type NnDims = { batch: number; [symbol: string]: number };
  interface NnTensorSpec {
    readonly dtype: "f32" | "i32";
    /** Per-example dims: numbers, or symbol names bound by `dims`. */
    readonly shape: readonly (number | string)[];
  }
  /** An instance of a compiled model (spec §8). */
  interface NnModel {
    /** Parameters by name, row-major. Never replaced: write into them to change the model. */
    readonly params: Record<string, Float32Array>;
    /** Gradients of the last lossAndGrads call (models with a loss, not compiled for inference). */
    readonly grads?: Record<string, Float32Array>;
    /** The state of the generator behind dropout masks, for checkpoints that resume exactly (models with a loss, not --inference). */
    randomState?: { s: number; spare: number | null };
    /** Runs the model on a batch; the returned arrays belong to the caller. */
    forward(inputs: NnArrays, dims: NnDims): Record<string, Float32Array>;
    /** Mean loss over the batch, computed as `forward` computes, without gradients (models with a loss only). */
    loss?(inputsAndTargets: NnArrays, dims: NnDims): number;
    /** Mean loss over the batch; fills `grads` (models with a loss, not compiled for inference). */
    lossAndGrads?(inputsAndTargets: NnArrays, dims: NnDims): number;
  }
  /** A model class as a .nn module exports it, one per model, under the model's name. */
  interface NnModelClass {
    new (options?: { seed?: number }): NnModel;
    readonly inputs: Readonly<Record<string, NnTensorSpec>>;
    readonly targets: Readonly<Record<string, NnTensorSpec>>;
    readonly params: Readonly<Record<string, readonly number[]>>;
    readonly loss: { kind: string; prediction: string | null; target: string | null } | null;
  }
  const models: { readonly [model: string]: NnModelClass };
  export = models;
}
