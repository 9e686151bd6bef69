import { Dim } from "./common.ts";
import type { LayerDef } from "./layer.ts";

/** `embedding(vocab, dim)`: `i32[…] → […, dim]`, a row of `table` per index. */
export const embedding: LayerDef = {
  name: "embedding",
  doc: "Looks up a learned vector per integer index: i32[...] → [..., dim].",
  inputs: 1,
  dtypes: ["i32"],
  options: [
    { name: "vocab", type: { kind: "int", min: 1 }, doc: "number of distinct indices" },
    { name: "dim", type: { kind: "int", min: 1 }, doc: "vector width" },
  ],
  shape(ctx) {
    const x = ctx.inputs[0]!;
    const dim = ctx.options.dim as number;
    return { output: { dtype: "f32", shape: [...x.shape, Dim.const(dim)] }, params: { table: [ctx.options.vocab as number, dim] } };
  },
};
