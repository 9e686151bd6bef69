// Activations map onto ONNX operators one to one, except gelu: spec §5's tanh
// approximation written out (ONNX's Gelu arrives in opset 20; ours is 17).
import { attr } from "../builder.ts";
import { batchedAxis, type Lowering } from "../lowering.ts";

const unary = (op: string): Lowering => (c) => c.g.op(op, [c.inputs[0]!], {}, c.hint(op));

export const relu = unary("Relu");
export const tanh = unary("Tanh");
export const sigmoid = unary("Sigmoid");
export const neg = unary("Neg");

export const leakyRelu: Lowering = (c) => c.g.op("LeakyRelu", [c.inputs[0]!], { alpha: attr.float(c.node.options.alpha as number) }, c.hint("LeakyRelu"));

export const softmax: Lowering = (c) => c.g.op("Softmax", [c.inputs[0]!], { axis: attr.int(batchedAxis(c.node.options.axis as number, c.inputTypes[0]!.shape.length)) }, c.hint("Softmax"));

/** 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export const gelu: Lowering = (c) => {
  const { g } = c;
  const x = c.inputs[0]!;
  const x3 = g.op("Mul", [g.op("Mul", [x, x], {}, c.hint("x2")), x], {}, c.hint("x3"));
  const inner = g.op("Add", [x, g.op("Mul", [x3, g.scalar(c.hint("c"), 0.044715)], {}, c.hint("cx3"))], {}, c.hint("inner"));
  const t = g.op("Tanh", [g.op("Mul", [inner, g.scalar(c.hint("k"), Math.sqrt(2 / Math.PI))], {}, c.hint("scaled"))], {}, c.hint("Tanh"));
  const half = g.op("Mul", [x, g.scalar(c.hint("half"), 0.5)], {}, c.hint("halfx"));
  return g.op("Mul", [half, g.op("Add", [t, g.scalar(c.hint("one"), 1)], {}, c.hint("onePlus"))], {}, c.hint("gelu"));
};

/** Dropout exports as inference: the identity. */
export const identity: Lowering = (c) => c.g.op("Identity", [c.inputs[0]!], {}, c.hint("Identity"));
