import { Diagnostics } from "../diagnostics.ts";
import { alongOtherAxis, axisOption, normalizeAxis, sameType } from "./common.ts";
import { typeToString } from "../types.ts";
import type { LayerDef } from "./layer.ts";
import { product } from "../shapes/dim.ts";

/** `layernorm`: normalises over the last axis (ε = 1e-5 inside the root), then scales by gamma and shifts by beta. */
export const layernorm: LayerDef = {
  name: "layernorm",
  doc: "Layer normalisation over the last axis, with learned gamma and beta.",
  inputs: 1,
  causal: alongOtherAxis,
  // Starts as the identity normalisation: unit scale, no shift.
  init: (local) => ({ kind: local === "gamma" ? "ones" : "zeros" }),
  options: [axisOption(-1)],
  shape(ctx) {
    const x = ctx.inputs[0]!;
    if (x.shape.length === 0) return ctx.error(Diagnostics.LayerInputMismatch, { layer: "layernorm", expected: "[..., n]", got: typeToString(x) }, ctx.inputSpans[0]);
    const axis = normalizeAxis(ctx, ctx.options.axis as number, x.shape.length);
    if (axis === undefined) return undefined;
    if (axis !== x.shape.length - 1)
      return ctx.error(Diagnostics.BadOptionValue, { layer: "layernorm", option: "axis", expected: "the last axis (-1)", got: String(ctx.options.axis) }, ctx.optionSpan("axis"));
    const n = ctx.requireStatic(x.shape[axis]!, "last axis");
    if (n === undefined) return undefined;
    return { output: sameType(x), params: { gamma: [n], beta: [n] } };
  },
  emit: {
    trainingDiffers: true,
    // Per row: mean and biased variance, ε = 1e-5 inside the root; training keeps mean and 1/σ for backward.
    forward(k) {
      const x = k.input(0).name;
      const shape = k.op.inputs[0]!.shape;
      const n = k.static(shape[shape.length - 1]!);
      const rows = k.rows(shape.slice(0, -1));
      const stats = k.training ? k.aux("stats", product(shape.slice(0, -1)).mul(2)) : undefined;
      k.code(`
        if (!rt.layerNorm(${x}, ${k.output.name}, ${k.param("gamma")}, ${k.param("beta")}, ${stats ?? "null"}, ${rows}, ${n})) for (let r = 0; r < ${rows}; r++) {
          const o = r * ${n};
          let mean = 0;
          for (let j = 0; j < ${n}; j++) mean += ${x}[o + j];
          mean /= ${n};
          let v = 0;
          for (let j = 0; j < ${n}; j++) { const c = ${x}[o + j] - mean; v += c * c; }
          const rstd = 1 / Math.sqrt(v / ${n} + 1e-5);
          ${stats ? `${stats}[2 * r] = mean; ${stats}[2 * r + 1] = rstd;` : ""}
          for (let j = 0; j < ${n}; j++) ${k.output.name}[o + j] = (${x}[o + j] - mean) * rstd * ${k.param("gamma")}[j] + ${k.param("beta")}[j];
        }
      `);
    },
    // dx = rstd · (ĝ − mean(ĝ) − x̂ · mean(ĝ ⊙ x̂)), with ĝ = dy ⊙ gamma.
    backward(k) {
      const x = k.input(0).name;
      const shape = k.op.inputs[0]!.shape;
      const n = k.static(shape[shape.length - 1]!);
      const rows = k.rows(shape.slice(0, -1));
      const stats = k.aux("stats", product(shape.slice(0, -1)).mul(2));
      const dy = k.outputGrad;
      const gg = k.paramGrad("gamma");
      const gb = k.paramGrad("beta");
      const gamma = k.param("gamma");
      const dx = k.inputGrad(0);
      const dxLoop = dx
        ? `sg /= ${n}; sgx /= ${n};
          for (let j = 0; j < ${n}; j++) { const xh = (${x}[o + j] - mean) * rstd; ${dx}[o + j] ${k.assign(0)} rstd * (${dy}[o + j] * ${gamma}[j] - sg - xh * sgx); }`
        : "";
      k.code(`
        if (!rt.layerNormGrad(${x}, ${stats}, ${dy}, ${gamma}, ${gg}, ${gb}, ${dx ?? "null"}, ${dx ? k.assign(0) === "+=" : false}, ${rows}, ${n})) {
        ${gg}.fill(0);
        ${gb}.fill(0);
        for (let r = 0; r < ${rows}; r++) {
          const o = r * ${n}, mean = ${stats}[2 * r], rstd = ${stats}[2 * r + 1];
          let sg = 0, sgx = 0;
          for (let j = 0; j < ${n}; j++) {
            const xh = (${x}[o + j] - mean) * rstd, g = ${dy}[o + j];
            ${gg}[j] += g * xh;
            ${gb}[j] += g;
            const gh = g * ${gamma}[j];
            sg += gh;
            sgx += gh * xh;
          }
          ${dxLoop}
        }
        }
      `);
    },
  },
};
