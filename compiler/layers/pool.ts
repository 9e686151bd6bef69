import { Dim, expectRank, paddingOption, perAxis, windowOutput } from "./common.ts";

import type { LayerDef } from "./layer.ts";

/**
 * `maxpool/avgpool 1d/2d/3d(size, stride: size, padding: valid)`: a window
 * per channel; padded cells never count (spec §5).
 */
function pool(kind: "max" | "avg", rank: 1 | 2 | 3): LayerDef {
  return {
    name: `${kind}pool${rank}d`,
    doc: `${rank}-D ${kind === "max" ? "max" : "average"} pooling, channels kept.`,
    inputs: 1,
    options: [
      { name: "size", type: { kind: "ints", min: 1 }, doc: "window size, an int or one per axis" },
      { name: "stride", type: { kind: "ints", min: 1 }, optional: true, positional: false, doc: "defaults to the window size" },
      { name: "padding", type: { kind: "padding" }, default: "valid", positional: false },
    ],
    shape(ctx) {
      const x = expectRank(ctx, 0, rank + 1, `[${["T", "H, W", "D, H, W"][rank - 1]}, C]`);
      if (!x) return undefined;
      const size = perAxis(ctx, "size", rank);
      const stride = ctx.options.stride === undefined ? size : perAxis(ctx, "stride", rank);
      const padding = paddingOption(ctx, rank);
      if (!size || !stride || !padding) return undefined;
      const spatial: Dim[] = [];
      for (let a = 0; a < rank; a++) {
        const out = windowOutput(ctx, x.shape[a]!, size[a]!, stride[a]!, 1, padding, a);
        if (!out) return undefined;
        spatial.push(out);
      }
      const c = x.shape[rank]!;
      return { output: { dtype: x.dtype, shape: [...spatial, c] } };
    },
  };
}

export const maxpool1d = pool("max", 1);
export const maxpool2d = pool("max", 2);
export const maxpool3d = pool("max", 3);
export const avgpool1d = pool("avg", 1);
export const avgpool2d = pool("avg", 2);
export const avgpool3d = pool("avg", 3);
