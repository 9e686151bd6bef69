// The checked model: a graph of layer nodes with inferred types, the result
// of the checker and the input of summary, lowering and code generation.
import type { Span } from "../grammar/source.ts";
import type { TensorType } from "./types.ts";
import type { LayerDef, OptionValue } from "./layers/layer.ts";
import type { Dim } from "./shapes/dim.ts";

export type TensorRef = { kind: "input"; name: string } | { kind: "node"; id: number };

export interface GraphInput {
  name: string;
  role: "input" | "target";
  type: TensorType;
  span: Span;
}

export interface GraphNode {
  id: number;
  /** Full layer name: `conv2d_1`, `head`, `encoder_layer_1.attention_1`. */
  name: string;
  def: LayerDef;
  inputs: TensorRef[];
  options: Record<string, OptionValue>;
  output: TensorType;
  /** Local parameter name → shape; the full name is `${name}.${local}`. */
  params: Record<string, number[]>;
  macs: Dim;
  span: Span;
  /** The block instances this node sits in, outermost first. */
  instancePath: string[];
}

export interface BlockInstance {
  name: string;
  block: string;
  span: Span;
  /** Enclosing instances, outermost first. */
  instancePath: string[];
}

export interface CheckedModel {
  name: string;
  file: string;
  span: Span;
  inputs: GraphInput[];
  nodes: GraphNode[];
  outputs: { name: string; ref: TensorRef; type: TensorType; span: Span }[];
  loss?: GraphNode;
  /** `generate feed from source(…)`: how the module's generate method decodes. */
  generate?: Generation;
  /** Each symbolic dim and where it first appears. */
  symbols: Map<string, Span>;
  instances: BlockInstance[];
}

/**
 * Decoding, declared by `generate feed from source(start:, stop:)`: step t's
 * prediction (the argmax of `source` row t, or a sample) becomes step t + 1
 * of the input `feed`, whose step 0 is `start`.
 */
export interface Generation {
  feed: string;
  source: string;
  /** The feed's length: how many steps one call decodes. */
  steps: Dim;
  classes: number;
  start: number;
  /** A class that ends an example's sequence. */
  stop?: number;
  span: Span;
}

export function sameRef(a: TensorRef, b: TensorRef): boolean {
  return a.kind === "input" ? b.kind === "input" && a.name === b.name : b.kind === "node" && a.id === b.id;
}

export function refType(model: CheckedModel, ref: TensorRef): TensorType {
  return ref.kind === "input" ? model.inputs.find((i) => i.name === ref.name)!.type : model.nodes[ref.id]!.output;
}

/** Every parameter of the model, by full name, in definition order. */
export function modelParams(model: CheckedModel): { name: string; shape: number[]; node: GraphNode }[] {
  const out: { name: string; shape: number[]; node: GraphNode }[] = [];
  for (const n of model.nodes) for (const [local, shape] of Object.entries(n.params)) out.push({ name: `${n.name}.${local}`, shape, node: n });
  return out;
}
