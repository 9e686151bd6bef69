import { normalizeAxis, sameType, axisOption } from "./common.ts";
import type { LayerDef, OptionSpec } from "./layer.ts";

/** Element-wise activations: the output has the input's shape. */
function activation(name: string, doc: string, options: OptionSpec[] = []): LayerDef {
  return {
    name,
    doc,
    inputs: 1,
    options,
    shape(ctx) {
      const x = ctx.inputs[0]!;
      if (ctx.options.axis !== undefined && normalizeAxis(ctx, ctx.options.axis as number, x.shape.length) === undefined) return undefined;
      return { output: sameType(x) };
    },
  };
}

export const relu = activation("relu", "max(x, 0).");
export const tanh = activation("tanh", "Hyperbolic tangent.");
export const sigmoid = activation("sigmoid", "1 / (1 + e^-x).");
export const gelu = activation("gelu", "GELU, tanh approximation: 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))).");
export const softmax = activation("softmax", "Softmax along an axis (default the last).", [axisOption(-1)]);
export const leakyRelu = activation("leaky_relu", "x for x > 0, alpha·x otherwise.", [{ name: "alpha", type: { kind: "float", min: 0 }, default: 0.01 }]);
