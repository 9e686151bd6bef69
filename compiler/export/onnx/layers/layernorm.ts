// layernorm: LayerNormalization (opset 17) over the last axis, ε = 1e-5 as ours.
import { attr } from "../builder.ts";
import type { Lowering } from "../lowering.ts";

export const layernorm: Lowering = (c) =>
  c.g.op("LayerNormalization", [c.inputs[0]!, c.param("gamma"), c.param("beta")], { axis: attr.int(-1), epsilon: attr.float(1e-5) }, c.hint("LayerNormalization"));
