import { Diagnostics } from "../diagnostics.ts";
import { expectRank, perStep, sameType } from "./common.ts";
import type { LayerDef } from "./layer.ts";

/**
 * `positional(kind: sinusoidal)` adds the fixed encodings of "Attention is
 * all you need" to `[T, d]` (PE[t, 2i] = sin(t / 10000^(2i/d)),
 * PE[t, 2i+1] = cos(…)); `positional(kind: learned, max: L)` adds a learned
 * row per step (`table [L, d]`), for sequences of at most L steps.
 */
export const positional: LayerDef = {
  name: "positional",
  doc: "Adds position information to [T, d]: fixed sinusoidal encodings, or a learned row per step (kind: learned, max: L).",
  inputs: 1,
  causal: perStep,
  options: [
    { name: "kind", type: { kind: "enum", values: ["sinusoidal", "learned"] }, default: "sinusoidal" },
    { name: "max", type: { kind: "int", min: 1 }, optional: true, positional: false, doc: "longest sequence, for kind: learned" },
  ],
  shape(ctx) {
    const x = expectRank(ctx, 0, 2, "[T, d]");
    if (!x) return undefined;
    const d = ctx.requireStatic(x.shape[1]!, "width d");
    if (d === undefined) return undefined;
    if (ctx.options.kind === "sinusoidal") return { output: sameType(x) };
    const max = ctx.options.max as number | undefined;
    if (max === undefined) return ctx.error(Diagnostics.MissingOption, { layer: "positional(kind: learned)", option: "max" }, ctx.span);
    const T = x.shape[0]!.value;
    if (T !== undefined && T > max) return ctx.error(Diagnostics.LayerInputMismatch, { layer: "positional", expected: `at most max = ${max} steps`, got: `${T} steps` }, ctx.inputSpans[0]);
    return { output: sameType(x), params: { table: [max, d] } };
  },
  init: () => ({ kind: "uniform", limit: 0.05 }),
  emit: {
    forward(k) {
      const [T, D] = k.op.inputs[0]!.shape;
      const t = k.dim(T!);
      const d = k.static(D!);
      const x = k.input(0).name;
      const y = k.output.name;
      if (k.options.kind === "learned") {
        const max = k.options.max as number;
        const table = k.param("table");
        k.line(`if (${t} > ${max}) throw new RangeError("positional: sequences of " + ${t} + " steps are longer than max = ${max}");`);
        k.line(`for (let b = 0; b < ${k.B}; b++) for (let s = 0; s < ${t}; s++) { const o = (b * ${t} + s) * ${d}; for (let j = 0; j < ${d}; j++) ${y}[o + j] = ${x}[o + j] + ${table}[s * ${d} + j]; }`);
        return;
      }
      k.code(`
        for (let s = 0; s < ${t}; s++) for (let j = 0; j < ${d}; j++) {
          const angle = s / Math.pow(10000, (2 * Math.floor(j / 2)) / ${d});
          const pe = j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
          for (let b = 0; b < ${k.B}; b++) { const o = (b * ${t} + s) * ${d} + j; ${y}[o] = ${x}[o] + pe; }
        }
      `);
    },
    backward(k) {
      const [T, D] = k.op.inputs[0]!.shape;
      const t = k.dim(T!);
      const d = k.static(D!);
      const dy = k.outputGrad;
      const dx = k.inputGrad(0);
      const n = k.rows(k.op.inputs[0]!.shape);
      if (dx) {
        if (k.assign(0) === "=") k.line(`${dx}.set(${dy}.subarray(0, ${n}));`);
        else k.line(`for (let i = 0; i < ${n}; i++) ${dx}[i] += ${dy}[i];`);
      }
      if (k.options.kind === "learned") {
        const g = k.paramGrad("table");
        k.line(`${g}.fill(0);`);
        k.line(`for (let b = 0; b < ${k.B}; b++) for (let s = 0; s < ${t}; s++) { const o = (b * ${t} + s) * ${d}; for (let j = 0; j < ${d}; j++) ${g}[s * ${d} + j] += ${dy}[o + j]; }`);
      }
    },
  },
};
