// a + b, a − b, a · b. Our broadcasting aligns the per-example shapes' trailing
// axes; ONNX aligns whole tensors, batch included, so the operand of lower
// rank first gets size-1 axes right after its batch axis.
import type { Lowering, LoweringContext } from "../lowering.ts";

function batchAligned(c: LoweringContext, i: number, rank: number): string {
  const missing = rank - c.inputTypes[i]!.shape.length;
  if (missing === 0) return c.inputs[i]!;
  const axes = c.g.int64s(c.hint("axes"), [missing], Array.from({ length: missing }, (_, k) => k + 1));
  return c.g.op("Unsqueeze", [c.inputs[i]!, axes], {}, c.hint("Unsqueeze"));
}

const binary = (op: string): Lowering => (c) => {
  const rank = Math.max(...c.inputTypes.map((t) => t.shape.length));
  return c.g.op(op, [batchAligned(c, 0, rank), batchAligned(c, 1, rank)], {}, c.hint(op));
};

export const add = binary("Add");
export const sub = binary("Sub");
export const mul = binary("Mul");
