import { Diagnostics } from "../diagnostics.ts";
import { Dim, expectRank, paddingOption, perAxis, windowOutput } from "./common.ts";

import type { LayerDef, LayerEmit } from "./layer.ts";
import { guard, windowArgs, windowGeometry, windowLoops } from "./emit-helpers.ts";
import { product } from "../shapes/dim.ts";

/**
 * Pooling reads the input in place (no column buffer). Max keeps, while
 * training, the input offset of the first maximal cell per output for its
 * backward; average divides by the cells inside the input (padding never counts).
 */
function poolEmit(kind: "max" | "avg", rank: number): LayerEmit {
  const geometry = (k: Parameters<LayerEmit["forward"]>[0]) => {
    const { axes, channels } = windowGeometry(k, rank, "size", Array(rank).fill(1));
    return { axes, channels };
  };
  const perRowCount = (k: Parameters<LayerEmit["forward"]>[0]) => product(k.outShape.slice(0, rank));
  return {
    trainingDiffers: true,
    forward(k) {
      const { axes, channels: C } = geometry(k);
      const x = k.input(0).name;
      const y = k.output.name;
      if (kind === "max") {
        const arg = k.training ? k.aux("argmax", product(k.outShape), "i32") : undefined;
        k.block(`if (!rt.maxPool(${x}, ${y}, ${arg ?? "null"}, ${windowArgs(k, axes, C)}))`, () =>
          windowLoops(k, axes, C, {
            perRow: (row) => `const o = ${row} * ${C}; for (let c = 0; c < ${C}; c++) ${y}[o + c] = -Infinity;`,
            perCell: ({ inside, at }) => guard(inside, `for (let c = 0; c < ${C}; c++) { const v = ${x}[${at} + c]; if (v > ${y}[o + c]) { ${y}[o + c] = v;${arg ? ` ${arg}[o + c] = ${at} + c;` : ""} } }`),
          }),
        );
      } else {
        const inv = k.training ? k.aux("inverseCount", perRowCount(k)) : undefined;
        windowLoops(k, axes, C, {
          perRow: (row) => `const o = ${row} * ${C}; let n = 0; for (let c = 0; c < ${C}; c++) ${y}[o + c] = 0;`,
          perCell: ({ inside, at }) => guard(inside, `{ n++; for (let c = 0; c < ${C}; c++) ${y}[o + c] += ${x}[${at} + c]; }`),
          afterRow: (row) => `{ const r = 1 / n; for (let c = 0; c < ${C}; c++) ${y}[o + c] *= r;${inv ? ` ${inv}[${row}] = r;` : ""} }`,
        });
      }
    },
    backward(k) {
      const dx = k.inputGrad(0);
      if (!dx) return;
      const dy = k.outputGrad;
      if (k.assign(0) === "=") k.line(`${dx}.fill(0, 0, ${k.rows(k.op.inputs[0]!.shape)});`);
      if (kind === "max") {
        const arg = k.aux("argmax", product(k.outShape), "i32");
        k.line(`if (!rt.scatterAdd(${dx}, ${arg}, ${dy}, ${k.rows(k.outShape)})) for (let i = 0; i < ${k.rows(k.outShape)}; i++) ${dx}[${arg}[i]] += ${dy}[i];`);
        return;
      }
      const { axes, channels: C } = geometry(k);
      const inv = k.aux("inverseCount", perRowCount(k));
      windowLoops(k, axes, C, {
        perRow: (row) => `const o = ${row} * ${C}; const r = ${inv}[${row}];`,
        perCell: ({ inside, at }) => guard(inside, `for (let c = 0; c < ${C}; c++) ${dx}[${at} + c] += ${dy}[o + c] * r;`),
      });
    },
  };
}

/**
 * `maxpool/avgpool 1d/2d/3d(size, stride: size, padding: valid)`: a window
 * per channel; padded cells never count (spec §5).
 */
function pool(kind: "max" | "avg", rank: 1 | 2 | 3): LayerDef {
  return {
    name: `${kind}pool${rank}d`,
    emit: poolEmit(kind, rank),
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
      // A window must hold a cell of the input: with padding p ≥ size, the first and last ones lie in the padding alone.
      if (Array.isArray(padding)) {
        const a = padding.findIndex((p, i) => p >= size[i]!);
        if (a >= 0)
          return ctx.error(Diagnostics.BadOptionValue, { layer: ctx.layer, option: "padding", expected: `at most size - 1 = ${size[a]! - 1} on axis ${a} (a window in the padding alone has no cell to pool)`, got: String(padding[a]) }, ctx.optionSpan("padding"));
      }
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
