import { Dim } from "./common.ts";
import type { LayerDef } from "./layer.ts";

/** `embedding(vocab, dim)`: `i32[…] → […, dim]`, a row of `table` per index. */
export const embedding: LayerDef = {
  name: "embedding",
  doc: "Looks up a learned vector per integer index: i32[...] → [..., dim].",
  inputs: 1,
  dtypes: ["i32"],
  // Each index becomes its own row.
  causal: () => true,
  // Keras's default for embeddings.
  init: () => ({ kind: "uniform", limit: 0.05 }),
  options: [
    { name: "vocab", type: { kind: "int", min: 1 }, doc: "number of distinct indices" },
    { name: "dim", type: { kind: "int", min: 1 }, doc: "vector width" },
  ],
  shape(ctx) {
    const x = ctx.inputs[0]!;
    const dim = ctx.options.dim as number;
    return { output: { dtype: "f32", shape: [...x.shape, Dim.const(dim)] }, params: { table: [ctx.options.vocab as number, dim] } };
  },
  emit: {
    // A row of the table per index; an index outside [0, vocab) is an error naming the input.
    forward(k) {
      const x = k.input(0).name;
      const vocab = k.options.vocab as number;
      const d = k.options.dim as number;
      const who = JSON.stringify(k.op.inputs[0]!.label);
      k.code(`
        for (let r = 0; r < ${k.rows(k.op.inputs[0]!.shape)}; r++) {
          const id = ${x}[r];
          if (!(id >= 0 && id < ${vocab})) throw new RangeError("embedding: input '" + ${who} + "' holds index " + id + " at position " + r + ", outside [0, ${vocab})");
          ${k.output.name}.set(${k.param("table")}.subarray(id * ${d}, id * ${d} + ${d}), r * ${d});
        }
      `);
    },
    backward(k) {
      const x = k.input(0).name;
      const d = k.options.dim as number;
      const g = k.paramGrad("table");
      k.code(`
        ${g}.fill(0);
        for (let r = 0; r < ${k.rows(k.op.inputs[0]!.shape)}; r++) {
          const o = ${x}[r] * ${d}, s = r * ${d};
          for (let j = 0; j < ${d}; j++) ${g}[o + j] += ${k.outputGrad}[s + j];
        }
      `);
    },
  },
};
