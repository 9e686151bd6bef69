import { Diagnostics } from "../diagnostics.ts";
import { expectRank, normalizeAxis } from "./common.ts";
import { typeToString } from "../types.ts";
import type { LayerDef, LayerEmit } from "./layer.ts";
import type { KernelBuilder } from "../codegen/kernel.ts";
import { product } from "../shapes/dim.ts";

/** The reduced axis as (outer rows incl. batch, axis length, inner stride). */
function layout(k: KernelBuilder) {
  const shape = k.op.inputs[0]!.shape;
  const a = k.options.axis as number;
  const axis = a < 0 ? a + shape.length : a;
  return { outer: k.rows(shape.slice(0, axis)), size: k.dim(shape[axis]!), inner: k.dim(product(shape.slice(axis + 1))) };
}

const meanEmit: LayerEmit = {
  forward(k) {
    const { outer, size, inner } = layout(k);
    const x = k.input(0).name;
    const y = k.output.name;
    k.code(`
      for (let o = 0; o < ${outer}; o++) for (let j = 0; j < ${inner}; j++) {
        let s = 0;
        for (let i = 0; i < ${size}; i++) s += ${x}[(o * ${size} + i) * ${inner} + j];
        ${y}[o * ${inner} + j] = s / ${size};
      }
    `);
  },
  backward(k) {
    const dx = k.inputGrad(0);
    if (!dx) return;
    const { outer, size, inner } = layout(k);
    k.code(`
      for (let o = 0; o < ${outer}; o++) for (let j = 0; j < ${inner}; j++) {
        const g = ${k.outputGrad}[o * ${inner} + j] / ${size};
        for (let i = 0; i < ${size}; i++) ${dx}[(o * ${size} + i) * ${inner} + j] ${k.assign(0)} g;
      }
    `);
  },
};

/** Max keeps, while training, the offset of the first maximal element for backward. */
const maxEmit: LayerEmit = {
  trainingDiffers: true,
  forward(k) {
    const { outer, size, inner } = layout(k);
    const x = k.input(0).name;
    const arg = k.training ? k.aux("argmax", product(k.outShape), "i32") : undefined;
    k.code(`
      for (let o = 0; o < ${outer}; o++) for (let j = 0; j < ${inner}; j++) {
        let m = -Infinity, at = -1;
        for (let i = 0; i < ${size}; i++) { const p = (o * ${size} + i) * ${inner} + j; if (${x}[p] > m) { m = ${x}[p]; at = p; } }
        ${k.output.name}[o * ${inner} + j] = m;${arg ? ` ${arg}[o * ${inner} + j] = at;` : ""}
      }
    `);
  },
  backward(k) {
    const dx = k.inputGrad(0);
    if (!dx) return;
    const arg = k.aux("argmax", product(k.outShape), "i32");
    if (k.assign(0) === "=") k.line(`${dx}.fill(0, 0, ${k.rows(k.op.inputs[0]!.shape)});`);
    k.line(`for (let i = 0; i < ${k.rows(k.outShape)}; i++) ${dx}[${arg}[i]] += ${k.outputGrad}[i];`);
  },
};

/** `last`: each example's final step — its own last real step with `lengths: n`. */
const lastEmit: LayerEmit = {
  forward(k) {
    const [T, n] = k.op.inputs[0]!.shape;
    const t = k.dim(T!);
    const w = k.dim(n!);
    const step = lastStep(k, t);
    k.line(`for (let b = 0; b < ${k.B}; b++) { const t = ${step}; ${k.output.name}.set(${k.input(0).name}.subarray((b * ${t} + t) * ${w}, (b * ${t} + t + 1) * ${w}), b * ${w}); }`);
  },
  backward(k) {
    const dx = k.inputGrad(0);
    if (!dx) return;
    const [T, n] = k.op.inputs[0]!.shape;
    const t = k.dim(T!);
    const w = k.dim(n!);
    if (k.assign(0) === "=") k.line(`${dx}.fill(0, 0, ${k.rows(k.op.inputs[0]!.shape)});`);
    k.line(`for (let b = 0; b < ${k.B}; b++) { const t = ${lastStep(k, t)}; for (let j = 0; j < ${w}; j++) ${dx}[(b * ${t} + t) * ${w} + j] += ${k.outputGrad}[b * ${w} + j]; }`);
  },
};

/** The index of example b's last step, range-checked when lengths are given. */
function lastStep(k: KernelBuilder, T: string): string {
  const index = k.options.lengths;
  if (typeof index !== "number") return `${T} - 1`;
  const lengths = k.input(index).name;
  const who = JSON.stringify(k.op.inputs[index]!.label);
  return `(${lengths}[b] >= 1 && ${lengths}[b] <= ${T} ? ${lengths}[b] - 1 : rt.badLength("last", ${who}, ${lengths}[b], b, ${T}))`;
}

/** `mean(axis:)` and `max(axis:)`: drop one axis. */
function reduce(name: "mean" | "max", doc: string): LayerDef {
  return {
    name,
    doc,
    emit: name === "mean" ? meanEmit : maxEmit,
    inputs: 1,
    options: [{ name: "axis", type: { kind: "axis" } }],
    shape(ctx) {
      const x = ctx.inputs[0]!;
      if (x.shape.length === 0) return ctx.error(Diagnostics.LayerInputMismatch, { layer: name, expected: "a tensor of rank ≥ 1", got: typeToString(x) }, ctx.inputSpans[0]);
      const axis = normalizeAxis(ctx, ctx.options.axis as number, x.shape.length);
      if (axis === undefined) return undefined;
      return { output: { dtype: x.dtype, shape: x.shape.filter((_, i) => i !== axis) } };
    },
  };
}

export const mean = reduce("mean", "Mean over one axis, which is dropped.");
export const max = reduce("max", "Maximum over one axis, which is dropped.");

/** `last`: the final step of `[T, n]`. */
export const last: LayerDef = {
  name: "last",
  doc: "The final step of a sequence: [T, n] → [n]; with lengths: n, each example's last real step.",
  emit: lastEmit,
  inputs: 1,
  options: [{ name: "lengths", type: { kind: "lengths" }, optional: true, positional: false, doc: "per-example lengths (an i32 input)" }],
  shape(ctx) {
    const x = expectRank(ctx, 0, 2, "[T, n]");
    if (!x) return undefined;
    return { output: { dtype: x.dtype, shape: [x.shape[1]!] } };
  },
};
