// embedding: Gather of the [vocab, dim] table's rows by the i32 indices (axis 0).
import type { Lowering } from "../lowering.ts";

export const embedding: Lowering = (c) => c.g.op("Gather", [c.param("table"), c.inputs[0]!], {}, c.hint("Gather"));
