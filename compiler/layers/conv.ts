import { Dim, expectRank, paddingOption, perAxis, windowOutput } from "./common.ts";
import { product } from "../shapes/dim.ts";
import type { LayerDef } from "./layer.ts";

const axisNames = ["T", "H, W", "D, H, W"];

/**
 * `conv1d/2d/3d(filters, kernel:, stride: 1, padding: valid, dilation: 1)`:
 * cross-correlation over `rank` spatial axes, channels last (spec §5).
 */
function conv(rank: 1 | 2 | 3): LayerDef {
  const name = `conv${rank}d`;
  const pattern = `[${axisNames[rank - 1]}, C]`;
  return {
    name,
    doc: `${rank}-D convolution (cross-correlation), channels last: ${pattern} → [..., filters].`,
    inputs: 1,
    options: [
      { name: "filters", type: { kind: "int", min: 1 }, doc: "output channels" },
      { name: "kernel", type: { kind: "ints", min: 1 }, doc: "window size, an int or one per axis" },
      { name: "stride", type: { kind: "ints", min: 1 }, default: 1, positional: false },
      { name: "padding", type: { kind: "padding" }, default: "valid", positional: false },
      { name: "dilation", type: { kind: "ints", min: 1 }, default: 1, positional: false },
      { name: "bias", type: { kind: "bool" }, default: true, positional: false },
    ],
    shape(ctx) {
      const x = expectRank(ctx, 0, rank + 1, pattern);
      if (!x) return undefined;
      const kernel = perAxis(ctx, "kernel", rank);
      const stride = perAxis(ctx, "stride", rank);
      const dilation = perAxis(ctx, "dilation", rank);
      const padding = paddingOption(ctx, rank);
      if (!kernel || !stride || !dilation || !padding) return undefined;
      const channels = ctx.requireStatic(x.shape[rank]!, "channel axis");
      if (channels === undefined) return undefined;
      const filters = ctx.options.filters as number;
      const spatial: Dim[] = [];
      for (let a = 0; a < rank; a++) {
        const out = windowOutput(ctx, x.shape[a]!, kernel[a]!, stride[a]!, dilation[a]!, padding, a);
        if (!out) return undefined;
        spatial.push(out);
      }
      const params: Record<string, number[]> = { kernel: [...kernel, channels, filters] };
      if (ctx.options.bias) params.bias = [filters];
      const window = kernel.reduce((a, b) => a * b, 1) * channels * filters;
      return { output: { dtype: "f32", shape: [...spatial, Dim.const(filters)] }, params, macs: product(spatial).mul(window) };
    },
  };
}

export const conv1d = conv(1);
export const conv2d = conv(2);
export const conv3d = conv(3);
