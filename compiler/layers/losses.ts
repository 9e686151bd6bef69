import { Diagnostics } from "../diagnostics.ts";
import { dimsToString } from "./common.ts";
import { typeToString } from "../types.ts";
import type { LayerDef } from "./layer.ts";

/** `cross_entropy(logits, label)`: softmax cross-entropy; labels are i32 class indices shaped like the logits minus the class axis. */
export const crossEntropy: LayerDef = {
  name: "cross_entropy",
  doc: "Softmax cross-entropy of f32 logits [..., classes] against i32 labels [...]; mean over batch and non-class axes.",
  inputs: 2,
  dtypes: ["f32", "i32"],
  options: [],
  isLoss: true,
  shape(ctx) {
    const [logits, label] = ctx.inputs as [typeof ctx.inputs[0], typeof ctx.inputs[0]];
    if (logits!.shape.length === 0) return ctx.error(Diagnostics.LayerInputMismatch, { layer: "cross_entropy", expected: "logits [..., classes]", got: typeToString(logits!) }, ctx.inputSpans[0]);
    const expected = logits!.shape.slice(0, -1);
    const fits = label!.shape.length === expected.length && label!.shape.every((d, i) => d.equals(expected[i]!));
    if (!fits) return ctx.error(Diagnostics.LabelShapeMismatch, { loss: "cross_entropy", expected: `i32${dimsToString(expected)} (the logits ${dimsToString(logits!.shape)} minus the class axis)`, got: typeToString(label!) }, ctx.inputSpans[1]);
    return { output: { dtype: "f32", shape: [] } };
  },
};

function elementwiseLoss(name: string, doc: string): LayerDef {
  return {
    name,
    doc,
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

export const binaryCrossEntropy = elementwiseLoss("binary_cross_entropy", "Sigmoid + binary cross-entropy against f32 targets of the logits' shape.");
export const mse = elementwiseLoss("mse", "Mean squared error against f32 targets of the prediction's shape.");
