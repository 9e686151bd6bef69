// What a layer is to the compiler: its options, the dtypes it accepts, and
// its shape rule (output type, parameter shapes, cost). Each layer lives in
// one file under layers/ and registers itself in registry.ts; later phases
// (lowering, gradients) hang off the same definition.
import type { DiagnosticEntry } from "../diagnostics.ts";
import type { Span } from "../../grammar/source.ts";
import type { Dtype, TensorType } from "../types.ts";
import type { Dim } from "../shapes/dim.ts";
import type { KernelBuilder } from "../codegen/kernel.ts";

export type OptionType =
  | { kind: "int"; min?: number }
  | { kind: "float"; min?: number; max?: number; exclusiveMax?: boolean }
  | { kind: "bool" }
  | { kind: "enum"; values: readonly string[] }
  /** An int, or a tuple with one int per spatial axis. */
  | { kind: "ints"; min?: number }
  /** `valid`, `same`, an int, or a tuple of ints per spatial axis. */
  | { kind: "padding" }
  /** An axis of the per-example shape; negative counts from the end. */
  | { kind: "axis" }
  /**
   * A tensor of per-example lengths (an `i32` scalar input, `lengths: n`):
   * it becomes one more input of the layer, and the option's value is its index.
   */
  | { kind: "lengths" }
  /**
   * An f32 tensor taken from another value (`initial: h0`); like lengths it
   * becomes one more input of the layer (and receives a gradient), and the
   * option's value is its index. The layer's rule checks its shape.
   */
  | { kind: "state" };

/** The value of an option after checking. */
export type OptionValue = number | boolean | string | number[];

export interface OptionSpec {
  name: string;
  type: OptionType;
  /** Absent (and not `optional`) means the option is required. */
  default?: OptionValue;
  /** May be left out with no default (the rule then derives it, e.g. a pool's stride). */
  optional?: boolean;
  /** May be given by position (in declaration order). Default true. */
  positional?: boolean;
  doc?: string;
}

export interface LayerContext {
  layer: string;
  inputs: TensorType[];
  options: Record<string, OptionValue>;
  span: Span;
  inputSpans: Span[];
  /** The span of an option's value, or the call's if it was defaulted. */
  optionSpan(name: string): Span;
  /** Reports a diagnostic; returns undefined so rules can `return ctx.error(…)`. */
  error<A>(entry: DiagnosticEntry<A>, args: A, span?: Span): undefined;
  /** The dim as a number, or reports that it must be static. */
  requireStatic(dim: Dim, what: string, span?: Span): number | undefined;
}

export interface LayerResult {
  output: TensorType;
  /** Parameter name → static shape, in the §5 layouts. */
  params?: Record<string, number[]>;
  /** Multiply-adds per example. */
  macs?: Dim;
}

/**
 * How a layer becomes code: its forward loop and its gradient rule, written
 * with a KernelBuilder (buffer names, dims as literals, loops).
 */
export interface LayerEmit {
  forward(k: KernelBuilder): void;
  /** Gradients of the inputs that need one (k.inputGrad) and of every parameter. Absent: not differentiable. */
  backward?(k: KernelBuilder): void;
  /** The output loop can apply a following relu/tanh/sigmoid/leaky_relu. */
  fusesActivation?: boolean;
  /** Forward differs while training (dropout): emitted twice. */
  trainingDiffers?: boolean;
}

export interface LayerDef {
  name: string;
  /** One line for completion and docs. */
  doc: string;
  /** How many tensor inputs: exact, or [min, max] (max Infinity for variadic). */
  inputs: number | [number, number];
  /** Accepted dtypes, per input (the last entry repeats). Default: f32. */
  dtypes?: (Dtype | "any")[];
  options: OptionSpec[];
  /** Positional options beyond the declared ones are gathered into this one as a list (reshape). */
  rest?: string;
  /** A loss: allowed only in a `loss` statement. */
  isLoss?: boolean;
  shape(ctx: LayerContext): LayerResult | undefined;
  /** Code generation; absent for layers whose code generator has not landed. */
  emit?: LayerEmit;
  /**
   * Step t of the output (axis 0) depends only on steps ≤ t of the inputs
   * marked `dependent`, which decoding one step at a time (`generate`)
   * relies on. Absent: the layer may look ahead (or mixes steps).
   */
  causal?(node: CausalQuery): boolean;
  /** How a parameter is initialised; default: defaultInit below. */
  init?(local: string, shape: number[]): ParamInit;
  /**
   * Runs a recurrence over time steps (backpropagation through time): the
   * CLI and the playground clip the gradient norm of such models by default.
   */
  recurrent?: boolean;
}

export interface CausalQuery {
  options: Record<string, OptionValue>;
  inputs: TensorType[];
  output: TensorType;
  /** Which inputs depend on the fed-back sequence. */
  dependent: boolean[];
}

export type ParamInit = { kind: "glorot"; fanIn: number; fanOut: number } | { kind: "he"; fanIn: number } | { kind: "zeros" } | { kind: "ones" } | { kind: "uniform"; limit: number };

export function inputArity(def: LayerDef): [number, number] {
  return typeof def.inputs === "number" ? [def.inputs, def.inputs] : def.inputs;
}

/**
 * Keras's defaults for a layer without an `init` of its own: Glorot-uniform
 * kernels (fans count the receptive field, for convolutions), zero biases.
 */
export function defaultInit(local: string, shape: number[]): ParamInit {
  const leaf = local.slice(local.lastIndexOf(".") + 1);
  if (leaf === "bias") return { kind: "zeros" };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const fanIn = (shape.length >= 2 ? shape[shape.length - 2]! : 1) * receptive;
  const fanOut = shape[shape.length - 1]! * receptive;
  return { kind: "glorot", fanIn, fanOut };
}
