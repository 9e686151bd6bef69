import { Diagnostics } from "../diagnostics.ts";
import { Dim, elements } from "./common.ts";
import { typeToString } from "../types.ts";
import type { LayerDef } from "./layer.ts";
import { actCode, biasGradLoop, leakyEpilogueLoop, preActivationGrad } from "./emit-helpers.ts";

/** `dense(units)`: `[…, n] → […, units]`, `x · kernel + bias` over the last axis. */
export const dense: LayerDef = {
  name: "dense",
  doc: "Fully connected layer over the last axis: x · kernel + bias.",
  inputs: 1,
  // Mixes the last axis only; on a rank-1 input that axis is the steps.
  causal: (q) => q.inputs[0]!.shape.length >= 2,
  options: [
    { name: "units", type: { kind: "int", min: 1 }, doc: "output width" },
    { name: "bias", type: { kind: "bool" }, default: true, positional: false, doc: "add a learned bias" },
  ],
  shape(ctx) {
    const x = ctx.inputs[0]!;
    if (x.shape.length === 0) return ctx.error(Diagnostics.LayerInputMismatch, { layer: "dense", expected: "[..., n]", got: typeToString(x) }, ctx.inputSpans[0]);
    const n = ctx.requireStatic(x.shape[x.shape.length - 1]!, "last axis");
    if (n === undefined) return undefined;
    const units = ctx.options.units as number;
    const output = { dtype: "f32" as const, shape: [...x.shape.slice(0, -1), Dim.const(units)] };
    const params: Record<string, number[]> = { kernel: [n, units] };
    if (ctx.options.bias) params.bias = [units];
    return { output, params, macs: elements(x).mul(units) };
  },
  emit: {
    fusesActivation: true,
    // y = act(x · kernel + bias): one register-blocked product with bias and activation applied as it stores.
    forward(k) {
      const x = k.input(0);
      const n = k.static(x.shape[x.shape.length - 1]!);
      const u = k.options.units as number;
      const bias = k.hasParam("bias") ? k.param("bias") : "null";
      k.line(`rt.gemm(${k.rows(x.shape.slice(0, -1))}, ${n}, ${u}, ${x.name}, ${k.param("kernel")}, ${k.output.name}, ${bias}, ${actCode(k)}, false);`);
      leakyEpilogueLoop(k, k.output.name, k.rows(k.outShape));
    },
    backward(k) {
      const x = k.input(0);
      const n = k.static(x.shape[x.shape.length - 1]!);
      const u = k.options.units as number;
      const rows = k.rows(x.shape.slice(0, -1));
      const dy = preActivationGrad(k);
      k.line(`rt.gemmTransA(${n}, ${rows}, ${u}, ${x.name}, ${dy}, ${k.paramGrad("kernel")}, false);`);
      if (k.hasParam("bias")) biasGradLoop(k, dy, rows, u);
      const dx = k.inputGrad(0);
      if (dx) k.line(`rt.gemmTransB(${rows}, ${u}, ${n}, ${dy}, ${k.param("kernel")}, ${dx}, ${k.assign(0) === "+="});`);
    },
  },
};
