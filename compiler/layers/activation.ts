import { alongOtherAxis, normalizeAxis, perStep, sameType, axisOption } from "./common.ts";
import type { LayerDef, LayerEmit, OptionSpec } from "./layer.ts";
import type { KernelBuilder } from "../codegen/kernel.ts";
import { product } from "../shapes/dim.ts";
import * as math from "./activation-math.ts";
import type { ActivationMath } from "./activation-math.ts";

/**
 * An element-wise activation's code: `f(x)` and its derivative written with
 * the output `y` (or the input `x` where y does not determine it, as for gelu).
 */
function elementwise(f: (x: string, k: KernelBuilder) => string, df: (dy: string, x: string, y: string, k: KernelBuilder) => string): LayerEmit {
  return {
    forward(k) {
      const x = k.input(0).name;
      k.line(`for (let i = 0; i < ${k.rows(k.outShape)}; i++) { const v = ${x}[i]; ${k.output.name}[i] = ${f("v", k)}; }`);
    },
    backward(k) {
      const dx = k.inputGrad(0);
      if (!dx) return;
      const x = k.input(0).name;
      const y = k.output.name;
      k.line(`for (let i = 0; i < ${k.rows(k.outShape)}; i++) { const g = ${k.outputGrad}[i]; ${dx}[i] ${k.assign(0)} ${df("g", `${x}[i]`, `${y}[i]`, k)}; }`);
    },
  };
}

// gelu, tanh approximation (spec §5): 0.5x(1 + tanh(c(x + 0.044715x³))), c = √(2/π).
// The runtime's vectorised kernels where the set has them (rt.gelu returns false otherwise), else these loops.
const GELU_C = Math.sqrt(2 / Math.PI);
const geluLoops = elementwise(
  (x) => `0.5 * ${x} * (1 + Math.tanh(${GELU_C} * (${x} + 0.044715 * ${x} * ${x} * ${x})))`,
  (g, x) => `${g} * rt.geluGrad(${x})`,
);
const geluEmit: LayerEmit = {
  forward(k) {
    k.block(`if (!rt.gelu(${k.input(0).name}, ${k.output.name}, ${k.rows(k.outShape)}))`, () => geluLoops.forward(k));
  },
  backward(k) {
    const dx = k.inputGrad(0);
    if (!dx) return;
    k.block(`if (!rt.geluInputGrad(${k.input(0).name}, ${k.outputGrad}, ${dx}, ${k.assign(0) === "+="}, ${k.rows(k.outShape)}))`, () => geluLoops.backward!(k));
  },
};

const softmaxEmit: LayerEmit = {
  // Along one axis: rows of `size` elements `inner` apart; subtract the max for stability.
  forward(k) {
    const { outer, size, inner } = axisLayout(k);
    const x = k.input(0).name;
    const y = k.output.name;
    k.code(`
      for (let o = 0; o < ${outer}; o++) for (let j = 0; j < ${inner}; j++) {
        const base = o * ${size} * ${inner} + j;
        let m = -Infinity;
        for (let i = 0; i < ${size}; i++) { const v = ${x}[base + i * ${inner}]; if (v > m) m = v; }
        let s = 0;
        for (let i = 0; i < ${size}; i++) { const e = Math.exp(${x}[base + i * ${inner}] - m); ${y}[base + i * ${inner}] = e; s += e; }
        const r = 1 / s;
        for (let i = 0; i < ${size}; i++) ${y}[base + i * ${inner}] *= r;
      }
    `);
  },
  // dx = y ⊙ (dy − Σ dy·y) along the axis.
  backward(k) {
    const dx = k.inputGrad(0);
    if (!dx) return;
    const { outer, size, inner } = axisLayout(k);
    const y = k.output.name;
    const dy = k.outputGrad;
    k.code(`
      for (let o = 0; o < ${outer}; o++) for (let j = 0; j < ${inner}; j++) {
        const base = o * ${size} * ${inner} + j;
        let dot = 0;
        for (let i = 0; i < ${size}; i++) dot += ${dy}[base + i * ${inner}] * ${y}[base + i * ${inner}];
        for (let i = 0; i < ${size}; i++) { const at = base + i * ${inner}; ${dx}[at] ${k.assign(0)} ${y}[at] * (${dy}[at] - dot); }
      }
    `);
  },
};

/** Outer rows (batch included), the axis length and the inner stride of the softmax axis. */
function axisLayout(k: KernelBuilder): { outer: string; size: string; inner: string } {
  const shape = k.outShape;
  const axisOpt = k.options.axis as number;
  const axis = axisOpt < 0 ? axisOpt + shape.length : axisOpt;
  return { outer: k.rows(shape.slice(0, axis)), size: k.dim(shape[axis]!), inner: k.dim(product(shape.slice(axis + 1))) };
}

/** Element-wise activations: the output has the input's shape. */
function activation(name: string, doc: string, emit: LayerEmit, options: OptionSpec[] = []): LayerDef {
  return {
    name,
    doc,
    inputs: 1,
    emit,
    options,
    causal: options.some((o) => o.name === "axis") ? alongOtherAxis : perStep,
    shape(ctx) {
      const x = ctx.inputs[0]!;
      if (ctx.options.axis !== undefined && normalizeAxis(ctx, ctx.options.axis as number, x.shape.length) === undefined) return undefined;
      return { output: sameType(x) };
    },
  };
}

/** An activation layer computing `m`'s math in its own loops (where no producing op fused it). */
const standalone = (m: ActivationMath) => elementwise((x) => m.forward(x), (g, _x, y) => m.gradient(g, y));

export const relu = activation("relu", "max(x, 0).", standalone(math.relu));
export const tanh = activation("tanh", "Hyperbolic tangent.", standalone(math.tanh));
export const sigmoid = activation("sigmoid", "1 / (1 + e^-x).", standalone(math.sigmoid));
export const gelu = activation("gelu", "GELU, tanh approximation: 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))).", geluEmit);
export const softmax = activation("softmax", "Softmax along an axis (default the last).", softmaxEmit, [axisOption(-1)]);
export const leakyRelu = activation(
  "leaky_relu",
  "x for x > 0, alpha·x otherwise.",
  elementwise((x, k) => math.leakyRelu(k.options.alpha as number).forward(x), (g, _x, y, k) => math.leakyRelu(k.options.alpha as number).gradient(g, y)),
  [{ name: "alpha", type: { kind: "float", min: 0 }, default: 0.01 }],
);
