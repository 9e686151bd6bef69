import { sigmoid } from "./activation-math.ts";
import { Diagnostics } from "../diagnostics.ts";
import { dimsToString } from "./common.ts";
import { typeToString } from "../types.ts";
import type { LayerDef, LayerEmit } from "./layer.ts";
import type { KernelBuilder } from "../codegen/kernel.ts";
import { product } from "../shapes/dim.ts";

/** Rows (batch included) over which a loss averages. */
const count = (k: KernelBuilder, i: number) => k.rows(k.op.inputs[i]!.shape);

/**
 * With `lengths: n`, row r (example b, step t of the label's first axis)
 * counts only when t < n[b]: padded steps add neither loss nor gradient,
 * and the mean is over real rows.
 */
function realRows(k: KernelBuilder) {
  const lengthsIndex = k.options.lengths;
  if (typeof lengthsIndex !== "number") return { count: `const n = ${count(k, 1)};`, skip: "" };
  const shape = k.op.inputs[1]!.shape;
  const lengths = k.input(lengthsIndex).name;
  const per = k.dim(product(shape));
  const inner = k.dim(product(shape.slice(1)));
  const steps = k.dim(shape[0]!);
  const who = JSON.stringify(k.op.inputs[lengthsIndex]!.label);
  return {
    count: `let n = 0;
      for (let b = 0; b < ${k.B}; b++) {
        const l = ${lengths}[b];
        if (!(l >= 1 && l <= ${steps})) throw new RangeError("cross_entropy: lengths '" + ${who} + "' is " + l + " for example " + b + ", outside [1, " + ${steps} + "]");
        n += l * ${inner};
      }`,
    skip: `{ const b = Math.floor(r / (${per})); if (Math.floor((r - b * (${per})) / (${inner})) >= ${lengths}[b]) { PADDED continue; } }`,
  };
}

const crossEntropyEmit: LayerEmit = {
  // loss = mean over rows of logsumexp(x) − x[label]; labels are range-checked here.
  forward(k) {
    const x = k.input(0).name;
    const label = k.input(1).name;
    const classes = k.dim(k.op.inputs[0]!.shape[k.op.inputs[0]!.shape.length - 1]!);
    const who = JSON.stringify(k.op.inputs[1]!.label);
    const real = realRows(k);
    k.code(`
      ${real.count}
      let total = 0;
      for (let r = 0; r < ${count(k, 1)}; r++) {
        ${real.skip.replace("PADDED ", "")}
        const l = ${label}[r];
        if (!(l >= 0 && l < ${classes})) throw new RangeError("cross_entropy: label '" + ${who} + "' is " + l + " at position " + r + ", outside [0, " + ${classes} + ")");
        const o = r * ${classes};
        let m = -Infinity;
        for (let j = 0; j < ${classes}; j++) if (${x}[o + j] > m) m = ${x}[o + j];
        let s = 0;
        for (let j = 0; j < ${classes}; j++) s += Math.exp(${x}[o + j] - m);
        total += m + Math.log(s) - ${x}[o + l];
      }
    `);
    k.returns = "total / n";
  },
  // d logits = (softmax(x) − onehot(label)) / rows.
  backward(k) {
    const dx = k.inputGrad(0);
    if (!dx) return;
    const x = k.input(0).name;
    const label = k.input(1).name;
    const classes = k.dim(k.op.inputs[0]!.shape[k.op.inputs[0]!.shape.length - 1]!);
    const op = k.assign(0);
    const real = realRows(k);
    // A padded row's gradient is zero: written as such when this is the first write.
    const padded = op === "=" ? `${dx}.fill(0, r * ${classes}, (r + 1) * ${classes});` : "";
    k.code(`
      ${real.count}
      const inv = 1 / n;
      for (let r = 0; r < ${count(k, 1)}; r++) {
        ${real.skip.replace("PADDED ", padded + " ")}
        const o = r * ${classes};
        let m = -Infinity;
        for (let j = 0; j < ${classes}; j++) if (${x}[o + j] > m) m = ${x}[o + j];
        let s = 0;
        for (let j = 0; j < ${classes}; j++) s += Math.exp(${x}[o + j] - m);
        const r1 = inv / s;
        for (let j = 0; j < ${classes}; j++) ${dx}[o + j] ${op} Math.exp(${x}[o + j] - m) * r1;
        ${dx}[o + ${label}[r]] -= inv;
      }
    `);
  },
};

/** A loss that averages f(prediction, target) over every element, with gradients for both sides. */
function elementwiseLossEmit(value: (p: string, t: string) => string, dPred: (p: string, t: string) => string, dTarget: (p: string, t: string) => string): LayerEmit {
  return {
    forward(k) {
      const p = k.input(0).name;
      const t = k.input(1).name;
      k.code(`
        const n = ${count(k, 0)};
        let total = 0;
        for (let i = 0; i < n; i++) { const p = ${p}[i], t = ${t}[i]; total += ${value("p", "t")}; }
      `);
      k.returns = "total / n";
    },
    backward(k) {
      const p = k.input(0).name;
      const t = k.input(1).name;
      k.line(`const n = ${count(k, 0)}, inv = 1 / n;`);
      const dp = k.inputGrad(0);
      if (dp) k.line(`for (let i = 0; i < n; i++) { const p = ${p}[i], t = ${t}[i]; ${dp}[i] ${k.assign(0)} (${dPred("p", "t")}) * inv; }`);
      const dt = k.inputGrad(1);
      if (dt) k.line(`for (let i = 0; i < n; i++) { const p = ${p}[i], t = ${t}[i]; ${dt}[i] ${k.assign(1)} (${dTarget("p", "t")}) * inv; }`);
    },
  };
}

// Stable sigmoid cross-entropy on logits: max(x, 0) − x·t + log(1 + e^−|x|).
const bceEmit = elementwiseLossEmit(
  (x, t) => `(${x} > 0 ? ${x} : 0) - ${x} * ${t} + Math.log1p(Math.exp(-Math.abs(${x})))`,
  (x, t) => `${sigmoid.forward(x)} - ${t}`,
  (x) => `-${x}`,
);
const mseEmit = elementwiseLossEmit(
  (p, t) => `(${p} - ${t}) * (${p} - ${t})`,
  (p, t) => `2 * (${p} - ${t})`,
  (p, t) => `-2 * (${p} - ${t})`,
);

/** `cross_entropy(logits, label)`: softmax cross-entropy; labels are i32 class indices shaped like the logits minus the class axis. */
export const crossEntropy: LayerDef = {
  name: "cross_entropy",
  doc: "Softmax cross-entropy of f32 logits [..., classes] against i32 labels [...]; mean over batch and non-class axes.",
  inputs: 2,
  dtypes: ["f32", "i32"],
  options: [{ name: "lengths", type: { kind: "lengths" }, optional: true, positional: false, doc: "per-example lengths of the label's first axis: padded steps add no loss" }],
  isLoss: true,
  emit: crossEntropyEmit,
  shape(ctx) {
    const [logits, label] = ctx.inputs as [typeof ctx.inputs[0], typeof ctx.inputs[0]];
    if (logits!.shape.length === 0) return ctx.error(Diagnostics.LayerInputMismatch, { layer: "cross_entropy", expected: "logits [..., classes]", got: typeToString(logits!) }, ctx.inputSpans[0]);
    const expected = logits!.shape.slice(0, -1);
    const fits = label!.shape.length === expected.length && label!.shape.every((d, i) => d.equals(expected[i]!));
    if (!fits) return ctx.error(Diagnostics.LabelShapeMismatch, { loss: "cross_entropy", expected: `i32${dimsToString(expected)} (the logits ${dimsToString(logits!.shape)} minus the class axis)`, got: typeToString(label!) }, ctx.inputSpans[1]);
    if (ctx.options.lengths !== undefined && label!.shape.length === 0)
      return ctx.error(Diagnostics.BadOptionValue, { layer: "cross_entropy", option: "lengths", expected: "labels with a step axis ([T, …]) to mask", got: `labels ${typeToString(label!)}` }, ctx.optionSpan("lengths"));
    return { output: { dtype: "f32", shape: [] } };
  },
};

function elementwiseLoss(name: string, doc: string, emit: LayerEmit): LayerDef {
  return {
    name,
    doc,
    emit,
    inputs: 2,
    dtypes: ["f32", "f32"],
    options: [],
    isLoss: true,
    shape(ctx) {
      const [p, t] = ctx.inputs;
      const fits = p!.shape.length === t!.shape.length && p!.shape.every((d, i) => d.equals(t!.shape[i]!));
      if (!fits) return ctx.error(Diagnostics.LabelShapeMismatch, { loss: name, expected: `f32${dimsToString(p!.shape)} (the prediction's shape)`, got: typeToString(t!) }, ctx.inputSpans[1]);
      return { output: { dtype: "f32", shape: [] } };
    },
  };
}

export const binaryCrossEntropy = elementwiseLoss("binary_cross_entropy", "Sigmoid + binary cross-entropy against f32 targets of the logits' shape.", bceEmit);
export const mse = elementwiseLoss("mse", "Mean squared error against f32 targets of the prediction's shape.", mseEmit);
