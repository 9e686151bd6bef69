import { Diagnostics } from "../diagnostics.ts";
import { alongOtherAxis, normalizeAxis } from "./common.ts";
import { typeToString } from "../types.ts";
import type { LayerDef, LayerEmit } from "./layer.ts";
import type { KernelBuilder } from "../codegen/kernel.ts";
import { product } from "../shapes/dim.ts";

/** Per outer row (batch and axes before `axis`), each input contributes one contiguous chunk. */
function chunks(k: KernelBuilder) {
  const shape = k.outShape;
  const a = k.options.axis as number;
  const axis = a < 0 ? a + shape.length : a;
  return { outer: k.rows(shape.slice(0, axis)), sizes: k.op.inputs.map((t) => k.dim(product(t.shape.slice(axis)))), total: k.dim(product(shape.slice(axis))) };
}

const concatEmit: LayerEmit = {
  forward(k) {
    const { outer, sizes, total } = chunks(k);
    k.line(`for (let o = 0; o < ${outer}; o++) {`);
    let offset = "0";
    sizes.forEach((size, i) => {
      k.line(`  ${k.output.name}.set(${k.input(i).name}.subarray(o * ${size}, (o + 1) * ${size}), o * ${total} + ${offset});`);
      offset = offset === "0" ? size : `${offset} + ${size}`;
    });
    k.line(`}`);
  },
  backward(k) {
    const { outer, sizes, total } = chunks(k);
    let offset = "0";
    sizes.forEach((size, i) => {
      const dx = k.inputGrad(i);
      if (dx) k.line(`for (let o = 0; o < ${outer}; o++) for (let j = 0; j < ${size}; j++) ${dx}[o * ${size} + j] ${k.assign(i)} ${k.outputGrad}[o * ${total} + ${offset} + j];`);
      offset = offset === "0" ? size : `${offset} + ${size}`;
    });
  },
};

/** `concat(a, b, …, axis: -1)`: joins two or more tensors along an axis. */
export const concat: LayerDef = {
  name: "concat",
  doc: "Joins two or more tensors along an axis (default the last); other dims must agree.",
  inputs: [2, Infinity],
  dtypes: ["any"],
  emit: concatEmit,
  causal: alongOtherAxis,
  options: [{ name: "axis", type: { kind: "axis" }, default: -1 }],
  shape(ctx) {
    const first = ctx.inputs[0]!;
    const rank = first.shape.length;
    const axis = normalizeAxis(ctx, ctx.options.axis as number, rank);
    if (axis === undefined) return undefined;
    let along = first.shape[axis]!;
    for (let i = 1; i < ctx.inputs.length; i++) {
      const t = ctx.inputs[i]!;
      const agrees = t.dtype === first.dtype && t.shape.length === rank && t.shape.every((d, a) => a === axis || d.equals(first.shape[a]!));
      if (!agrees)
        return ctx.error(Diagnostics.ShapeMismatch, { what: `concat along axis ${axis}`, left: typeToString(first), right: typeToString(t) }, ctx.inputSpans[i], );
      along = along.add(t.shape[axis]!);
    }
    const shape = [...first.shape];
    shape[axis] = along;
    return { output: { dtype: first.dtype, shape } };
  },
};
