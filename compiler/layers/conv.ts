import { Dim, expectRank, paddingOption, perAxis, windowOutput } from "./common.ts";
import { product } from "../shapes/dim.ts";
import type { LayerDef, LayerEmit } from "./layer.ts";
import type { KernelBuilder } from "../codegen/kernel.ts";
import { actCode, biasGradLoop, guard, leakyEpilogueLoop, optionPerAxis, preActivationGrad, windowArgs, windowGeometry, windowLoops } from "./emit-helpers.ts";

/** The window geometry of a conv op, from its checked options. */
function geometry(k: KernelBuilder, rank: number) {
  const { kernel, axes } = windowGeometry(k, rank, "kernel", optionPerAxis(k, "dilation", rank));
  // The checker requires a static channel axis (the kernel's shape holds it).
  const channels = k.static(k.op.inputs[0]!.shape[rank]!);
  const patch = kernel.reduce((a, b) => a * b, 1) * channels;
  const rows = k.rows(k.outShape.slice(0, rank));
  return { axes, channels, patch, rows, filters: k.options.filters as number };
}

/** The window as the runtime's window-kernel arguments. */
function convWindow(k: KernelBuilder, g: ReturnType<typeof geometry>): string {
  return windowArgs(k, g.axes, g.channels);
}

/**
 * Convolution as a product. With the WebAssembly kernels the forward pass
 * and the filter gradient are implicit products that read the input's
 * windows in place (rt.conv, rt.convFilterGrad). Otherwise the windows are
 * laid out as rows of a column buffer (im2col, loops fully specialised
 * here), then one register-blocked product with the [window·C, filters]
 * kernel applies bias and activation, and backward reuses the column
 * buffer: dK = colᵀ·dY. The input gradient, only when the input needs one,
 * is dcol = dY·Kᵀ scattered back to the input (col2im): with the
 * WebAssembly kernels a chunk of dcol at a time (rt.convInputGrad), else
 * through the column buffer.
 */
function convEmit(rank: number): LayerEmit {
  return {
    fusesActivation: true,
    forward(k) {
      const g = geometry(k, rank);
      const x = k.input(0).name;
      const col = k.aux("col", product(k.outShape.slice(0, rank)).mul(g.patch));
      const bias = k.hasParam("bias") ? k.param("bias") : "null";
      // The implicit product where the runtime has it (no column buffer); else im2col and one product.
      k.block(`if (!rt.conv(${x}, ${k.param("kernel")}, ${bias}, ${k.output.name}, ${actCode(k)}, ${g.filters}, ${convWindow(k, g)}))`, () => {
        k.block(`if (!rt.im2col(${x}, ${col}, ${convWindow(k, g)}))`, () => {
          k.line(`let q = 0;`);
          windowLoops(k, g.axes, g.channels, {
            perCell: ({ inside, at }) =>
              inside === "true"
                ? g.channels === 1
                  ? `${col}[q++] = ${x}[${at}];`
                  : `for (let c = 0; c < ${g.channels}; c++) ${col}[q++] = ${x}[${at} + c];`
                : g.channels === 1
                  ? `${col}[q++] = ${inside} ? ${x}[${at}] : 0;`
                  : `if (${inside}) { for (let c = 0; c < ${g.channels}; c++) ${col}[q + c] = ${x}[${at} + c]; } else ${col}.fill(0, q, q + ${g.channels}); q += ${g.channels};`,
          });
        });
        k.line(`rt.gemm(${g.rows}, ${g.patch}, ${g.filters}, ${col}, ${k.param("kernel")}, ${k.output.name}, ${bias}, ${actCode(k)}, false);`);
      });
      leakyEpilogueLoop(k, k.output.name, k.rows(k.outShape));
    },
    backward(k) {
      const g = geometry(k, rank);
      const col = k.aux("col", product(k.outShape.slice(0, rank)).mul(g.patch));
      const dy = preActivationGrad(k);
      // rt.convFilterGrad succeeds exactly where rt.conv did in the forward pass, which then left the column buffer unfilled.
      k.line(`if (!rt.convFilterGrad(${k.input(0).name}, ${dy}, ${k.paramGrad("kernel")}, ${g.filters}, ${convWindow(k, g)})) rt.gemmTransA(${g.patch}, ${g.rows}, ${g.filters}, ${col}, ${dy}, ${k.paramGrad("kernel")}, false);`);
      if (k.hasParam("bias")) biasGradLoop(k, dy, g.rows, g.filters);
      const dx = k.inputGrad(0);
      if (!dx) return;
      if (k.assign(0) === "=") k.line(`${dx}.fill(0, 0, ${k.rows(k.op.inputs[0]!.shape)});`);
      // The implicit input gradient where the runtime has it (dcol a chunk at a time, no column buffer touched);
      // else dcol = dY·Kᵀ into the column buffer, free once dK is computed, then added back (col2im).
      k.block(`if (!rt.convInputGrad(${dy}, ${k.param("kernel")}, ${dx}, ${g.filters}, ${convWindow(k, g)}))`, () => {
        k.line(`rt.gemmTransB(${g.rows}, ${g.filters}, ${g.patch}, ${dy}, ${k.param("kernel")}, ${col}, false);`);
        k.block(`if (!rt.col2im(${dx}, ${col}, ${convWindow(k, g)}))`, () => {
          k.line(`let q = 0;`);
          windowLoops(k, g.axes, g.channels, {
            perCell: ({ inside, at }) => `${guard(inside, `for (let c = 0; c < ${g.channels}; c++) ${dx}[${at} + c] += ${col}[q + c];`)} q += ${g.channels};`,
          });
        });
      });
    },
  };
}

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
    emit: convEmit(rank),
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
