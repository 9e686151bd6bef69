// dense: MatMul with the [n, units] kernel (our layout is ONNX's B operand), then Add of the bias.
import type { Lowering } from "../lowering.ts";

export const dense: Lowering = (c) => {
  const y = c.g.op("MatMul", [c.inputs[0]!, c.param("kernel")], {}, c.hint("MatMul"));
  return c.node.params.bias ? c.g.op("Add", [y, c.param("bias")], {}, c.hint("bias")) : y;
};
