// What a layer's ONNX lowering sees and returns. One file per layer family in
// layers/ (kept out of compiler/layers/ so that checking and code generation
// never load the exporter, nor the exporter the code generators).
import type { GraphNode } from "../../graph.ts";
import type { TensorType } from "../../types.ts";
import type { Dim } from "../../shapes/dim.ts";
import type { OnnxGraph } from "./builder.ts";

export interface LoweringContext {
  g: OnnxGraph;
  node: GraphNode;
  /** The ONNX value of each of the node's inputs, batch first like ours. */
  inputs: string[];
  inputTypes: TensorType[];
  /** A parameter as an initialiser in our layout (§5), named by its full name. */
  param(local: string): string;
  /** A parameter's values, for lowerings that rearrange them (conv, recurrent). */
  paramData(local: string): Float32Array;
  /** A parameter's §5 shape. */
  paramShape(local: string): number[];
  /** A dim's size when static or specialised; undefined when it stays symbolic. */
  staticDim(d: Dim): number | undefined;
  /** Values named after the layer: `dense_1/MatMul`. */
  hint(what: string): string;
}

/** Why a layer cannot be exported, reported at the layer. */
export class NotExportable extends Error {}

/** Adds the layer's nodes; returns the ONNX value holding its output. */
export type Lowering = (ctx: LoweringContext) => string;

/** An axis of the per-example shape (negative from the end) as an ONNX axis of the batched tensor. */
export function batchedAxis(axis: number, rank: number): number {
  return (axis < 0 ? axis + rank : axis) + 1;
}
