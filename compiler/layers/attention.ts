import { Diagnostics } from "../diagnostics.ts";
import { Dim, expectRank } from "./common.ts";
import { typeToString } from "../types.ts";
import type { LayerDef } from "./layer.ts";
import { attentionEmit } from "./attention-emit.ts";

/**
 * `attention(heads: 1, causal: false)`: multi-head scaled dot-product
 * attention. Self-attention on `[T, d]`; cross-attention `attention(q, kv)`
 * from `[T, d]` to `[S, d]` (spec §5).
 */
export const attention: LayerDef = {
  name: "attention",
  doc: "Multi-head scaled dot-product attention: self on [T, d], or cross attention(q, kv) from [T, d] to [S, d].",
  inputs: [1, 2],
  emit: attentionEmit,
  // Self-attention looks ahead unless causal; cross-attention's rows follow
  // its query, so only keys and values fed by the sequence itself look ahead.
  causal: (q) => (q.inputs.length - (typeof q.options.lengths === "number" ? 1 : 0) === 1 ? !!q.options.causal : !q.dependent[1]),
  options: [
    { name: "heads", type: { kind: "int", min: 1 }, default: 1 },
    { name: "causal", type: { kind: "bool" }, default: false, doc: "step t attends only to steps s ≤ t (self-attention)" },
    { name: "lengths", type: { kind: "lengths" }, optional: true, positional: false, doc: "per-example lengths of the keys (an i32 input): padded keys get no attention" },
  ],
  shape(ctx) {
    // A lengths tensor, when given, is the last input; it is not keys/values.
    const tensors = ctx.options.lengths === undefined ? ctx.inputs.length : ctx.inputs.length - 1;
    const q = expectRank(ctx, 0, 2, "[T, d]");
    const kv = tensors > 1 ? expectRank(ctx, 1, 2, "[S, d]") : q;
    if (!q || !kv) return undefined;
    const d = ctx.requireStatic(q.shape[1]!, "width d", ctx.inputSpans[0]);
    if (d === undefined) return undefined;
    if (tensors > 1) {
      if (!kv.shape[1]!.equals(q.shape[1]!))
        return ctx.error(Diagnostics.LayerInputMismatch, { layer: "attention", expected: `keys and values of width d = ${d} like the query`, got: typeToString(kv) }, ctx.inputSpans[1]);
      if (ctx.options.causal) return ctx.error(Diagnostics.CausalCross, undefined, ctx.optionSpan("causal"));
    }
    const heads = ctx.options.heads as number;
    if (d % heads !== 0) return ctx.error(Diagnostics.HeadsDoNotDivide, { heads, width: String(d) }, ctx.optionSpan("heads"));
    const T = q.shape[0]!;
    const S = kv.shape[0]!;
    const params: Record<string, number[]> = {};
    for (const p of ["query", "key", "value", "output"]) {
      params[`${p}.kernel`] = [d, d];
      params[`${p}.bias`] = [d];
    }
    // Projections (q and output on T rows, k and v on S rows), then scores and the weighted sum.
    const macs = T.mul(2 * d * d).add(S.mul(2 * d * d)).add(T.mul(S).mul(2 * d));
    return { output: { dtype: "f32", shape: [T, Dim.const(d)] }, params, macs };
  },
};
