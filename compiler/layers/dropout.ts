import { Dim, perStep, sameType } from "./common.ts";
import type { LayerDef } from "./layer.ts";

/** `dropout(rate)`: zeroes a fraction of activations while training; identity at inference. */
export const dropout: LayerDef = {
  name: "dropout",
  doc: "Randomly zeroes a fraction `rate` of values in training (scaling the rest); identity in forward().",
  inputs: 1,
  causal: perStep,
  options: [{ name: "rate", type: { kind: "float", min: 0, max: 1, exclusiveMax: true } }],
  shape(ctx) {
    return { output: sameType(ctx.inputs[0]!) };
  },
  emit: {
    trainingDiffers: true,
    // Inverted dropout: kept values are scaled by 1/(1−rate) while training, so inference is the identity.
    forward(k) {
      const x = k.input(0).name;
      const y = k.output.name;
      const n = k.rows(k.outShape);
      if (!k.training) {
        k.line(`${y}.set(${x}.subarray(0, ${n}));`);
        return;
      }
      const rate = k.options.rate as number;
      const mask = k.aux("mask", k.outShape.reduce((a, d) => a.mul(d), Dim.const(1)));
      k.line(`for (let i = 0; i < ${n}; i++) { const m = ${k.rng}.uniform() < ${rate} ? 0 : ${1 / (1 - rate)}; ${mask}[i] = m; ${y}[i] = ${x}[i] * m; }`);
    },
    backward(k) {
      const dx = k.inputGrad(0);
      if (!dx) return;
      const mask = k.aux("mask", k.outShape.reduce((a, d) => a.mul(d), Dim.const(1)));
      k.line(`for (let i = 0; i < ${k.rows(k.outShape)}; i++) ${dx}[i] ${k.assign(0)} ${k.outputGrad}[i] * ${mask}[i];`);
    },
  },
};
