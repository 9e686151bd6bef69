// Lowers a checked model to the IR that code generation walks: tensors with
// static (possibly symbolic) shapes, ops in execution order, parameters with
// their initialisers, activations fused into the op that produces their
// input, and the reverse-mode autodiff plan (which tensors need gradients,
// and whether each gradient write overwrites or accumulates).
import type { CheckedModel, GraphNode, TensorRef } from "../graph.ts";
import type { Dim } from "../shapes/dim.ts";
import type { Dtype } from "../types.ts";
import type { LayerDef } from "../layers/layer.ts";
import { minDimsData, minDimsLiteral, type MinDimEntry } from "../shapes/min-dims.ts";
import { fusable, type FusedActivation } from "../layers/activation-math.ts";

export interface Tensor {
  id: number;
  /** Readable origin: an input's name or the producing layer's name. */
  label: string;
  dtype: Dtype;
  /** Per-example shape; the batch dim is implicit and leads. */
  shape: Dim[];
  role: "input" | "target" | "activation";
  /** Depends on a parameter and leads to the loss: backward computes its gradient. */
  needsGrad: boolean;
}

export interface Param {
  /** Full name, as in `params[name]`: `conv2d_1.kernel`. */
  name: string;
  local: string;
  shape: number[];
  index: number;
}

/** An activation applied in the producing op's output loop. */
export type Epilogue = FusedActivation;

export interface Op {
  index: number;
  node: GraphNode;
  def: LayerDef;
  inputs: Tensor[];
  output: Tensor;
  params: Param[];
  epilogue?: Epilogue;
  /** The name of the fused activation layer, for comments. */
  fusedName?: string;
  /** Per input: the gradient write accumulates (+=) because another consumer wrote it first. */
  accumulate: boolean[];
}

export interface IRProgram {
  model: CheckedModel;
  tensors: Tensor[];
  inputs: Tensor[];
  ops: Op[];
  params: Param[];
  outputs: { name: string; tensor: Tensor }[];
  loss?: Op;
  /** Symbols, in first-appearance order. */
  symbols: string[];
  /** Each symbol's smallest legal value (shapes/min-dims.ts), for those above 1: the run-time check's data. */
  minDims: Record<string, MinDimEntry>;
  /** The same as a JavaScript object literal, for the emitted class. */
  minDimsJs: string;
}

function epilogueOf(node: GraphNode): Epilogue | undefined {
  return fusable(node.def.name, node.options);
}

export function lowerModel(model: CheckedModel): IRProgram {
  const tensors: Tensor[] = [];
  const newTensor = (label: string, dtype: Dtype, shape: Dim[], role: Tensor["role"]): Tensor => {
    const t: Tensor = { id: tensors.length, label, dtype, shape, role, needsGrad: false };
    tensors.push(t);
    return t;
  };
  const inputTensors = new Map<string, Tensor>();
  for (const i of model.inputs) inputTensors.set(i.name, newTensor(i.name, i.type.dtype, i.type.shape, i.role));

  // Uses of each node's output, to find activations that can be fused.
  const uses = new Map<number, number>();
  const countUse = (r: TensorRef) => r.kind === "node" && uses.set(r.id, (uses.get(r.id) ?? 0) + 1);
  for (const n of model.nodes) n.inputs.forEach(countUse);
  for (const o of model.outputs) countUse(o.ref);

  const nodeTensor = new Map<number, Tensor>();
  const ops: Op[] = [];
  const params: Param[] = [];
  const resolve = (r: TensorRef): Tensor => (r.kind === "input" ? inputTensors.get(r.name)! : nodeTensor.get(r.id)!);

  for (const node of model.nodes) {
    const producer = node.inputs[0]?.kind === "node" ? ops.find((o) => o.output === nodeTensor.get((node.inputs[0] as { id: number }).id)) : undefined;
    const epilogue = epilogueOf(node);
    if (epilogue && producer && !producer.epilogue && producer.def.emit?.fusesActivation && uses.get((node.inputs[0] as { id: number }).id) === 1) {
      // Fuse: the activation's output is the producer's output, computed in the same loop.
      producer.epilogue = epilogue;
      producer.fusedName = node.name;
      nodeTensor.set(node.id, producer.output);
      producer.output.label = node.name;
      continue;
    }
    const op: Op = {
      index: ops.length,
      node,
      def: node.def,
      inputs: node.inputs.map(resolve),
      output: newTensor(node.name, node.output.dtype, node.output.shape, "activation"),
      params: Object.entries(node.params).map(([local, shape]) => {
        const p: Param = { name: `${node.name}.${local}`, local, shape, index: params.length };
        params.push(p);
        return p;
      }),
      accumulate: node.inputs.map(() => false),
    };
    nodeTensor.set(node.id, op.output);
    ops.push(op);
  }

  const loss = model.loss ? ops.find((o) => o.node === model.loss) : undefined;
  if (loss) planGradients(ops, loss);
  const symbols = [...model.symbols.keys()];
  const minDims = minDimsData(model);
  return {
    model,
    tensors,
    inputs: [...inputTensors.values()],
    ops,
    params,
    outputs: model.outputs.map((o) => ({ name: o.name, tensor: resolve(o.ref) })),
    ...(loss ? { loss } : {}),
    symbols,
    minDims,
    minDimsJs: minDimsLiteral(minDims),
  };
}

/**
 * Reverse-mode autodiff plan: a tensor needs a gradient when it depends on a
 * parameter and the loss depends on it. Backward runs ops in reverse; the
 * first gradient write to a tensor overwrites, later ones accumulate.
 */
function planGradients(ops: Op[], loss: Op): void {
  const dependsOnParam = new Set<Tensor>();
  for (const op of ops) if (op.params.length > 0 || op.inputs.some((t) => dependsOnParam.has(t))) dependsOnParam.add(op.output);
  const reachesLoss = new Set<Tensor>([loss.output]);
  for (let i = ops.length - 1; i >= 0; i--) {
    const op = ops[i]!;
    if (!reachesLoss.has(op.output)) continue;
    for (const t of op.inputs) reachesLoss.add(t);
  }
  for (const op of ops) for (const t of [...op.inputs, op.output]) t.needsGrad = t.role === "activation" && dependsOnParam.has(t) && reachesLoss.has(t);
  const written = new Set<Tensor>();
  for (let i = ops.length - 1; i >= 0; i--) {
    const op = ops[i]!;
    op.inputs.forEach((t, k) => {
      if (!t.needsGrad) return;
      op.accumulate[k] = written.has(t);
      written.add(t);
    });
  }
}

/** Ops whose backward runs: their output needs a gradient, or they are the loss. */
export function backwardOps(p: IRProgram): Op[] {
  if (!p.loss) return [];
  return p.ops.filter((o) => o === p.loss || (o.output.needsGrad && p.ops.indexOf(o) < p.ops.indexOf(p.loss!))).reverse();
}
