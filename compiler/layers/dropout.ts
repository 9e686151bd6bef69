import { sameType } from "./common.ts";
import type { LayerDef } from "./layer.ts";

/** `dropout(rate)`: zeroes a fraction of activations while training; identity at inference. */
export const dropout: LayerDef = {
  name: "dropout",
  doc: "Randomly zeroes a fraction `rate` of values in training (scaling the rest); identity in forward().",
  inputs: 1,
  options: [{ name: "rate", type: { kind: "float", min: 0, max: 1, exclusiveMax: true } }],
  shape(ctx) {
    return { output: sameType(ctx.inputs[0]!) };
  },
};
