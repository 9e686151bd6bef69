import { elements } from "./common.ts";
import type { LayerDef } from "./layer.ts";
import { copyEmit } from "./emit-helpers.ts";

/** `flatten`: `[…] → [product]`. */
export const flatten: LayerDef = {
  name: "flatten",
  doc: "Flattens the per-example shape into one axis.",
  inputs: 1,
  dtypes: ["any"],
  emit: copyEmit,
  options: [],
  shape(ctx) {
    const x = ctx.inputs[0]!;
    return { output: { dtype: x.dtype, shape: [elements(x)] } };
  },
};
