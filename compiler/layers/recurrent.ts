import { Dim, expectRank } from "./common.ts";
import { Diagnostics } from "../diagnostics.ts";
import { typeToString } from "../types.ts";
import type { LayerDef, LayerResult } from "./layer.ts";
import { recurrentEmit } from "./recurrent-emit.ts";

/**
 * `rnn`, `lstm` and `gru` over `[T, n]` (spec §5). `gates` is how many
 * blocks of `units` columns the kernels hold (gate order per the spec).
 */
function recurrent(name: "rnn" | "lstm" | "gru", gates: number, doc: string): LayerDef {
  const options: LayerDef["options"] = [
    { name: "units", type: { kind: "int", min: 1 }, doc: "hidden state width" },
    { name: "sequences", type: { kind: "bool" }, default: false, positional: false, doc: "return every step [T, units] instead of the last [units]" },
    { name: "reverse", type: { kind: "bool" }, default: false, positional: false, doc: "run from the last step to the first" },
    { name: "lengths", type: { kind: "lengths" }, optional: true, positional: false, doc: "per-example lengths (an i32 input): example b runs its first lengths[b] steps; padded steps change nothing" },
    { name: "initial", type: { kind: "state" }, optional: true, positional: false, doc: "the state before the first step, [units] per example (default zeros; an lstm's cell still starts at zero); its gradient flows back, as in an encoder–decoder" },
    { name: "bidirectional", type: { kind: "bool" }, default: false, positional: false, doc: "run both ways and concatenate the states (2·units wide); the reverse direction's parameters are reverse.kernel, reverse.recurrent, reverse.bias" },
  ];
  if (name === "rnn") options.push({ name: "activation", type: { kind: "enum", values: ["tanh", "relu"] }, default: "tanh", positional: false });
  return {
    name,
    doc,
    inputs: 1,
    options,
    emit: recurrentEmit(name, gates),
    recurrent: true,
    // Running forwards, step t's state has seen steps ≤ t (an initial state fed by the sequence has not).
    causal: (q) => !!q.options.sequences && !q.options.reverse && !q.options.bidirectional && (typeof q.options.initial !== "number" || !q.dependent[q.options.initial]),
    shape(ctx): LayerResult | undefined {
      const x = expectRank(ctx, 0, 2, "[T, n]");
      if (!x) return undefined;
      const n = ctx.requireStatic(x.shape[1]!, "feature axis");
      if (n === undefined) return undefined;
      const u = ctx.options.units as number;
      const both = !!ctx.options.bidirectional;
      if (both && ctx.options.reverse)
        return ctx.error(Diagnostics.BadOptionValue, { layer: name, option: "reverse", expected: "false with bidirectional: true (it runs both ways)", got: "true" }, ctx.optionSpan("reverse"));
      if (typeof ctx.options.initial === "number") {
        if (both) return ctx.error(Diagnostics.BadOptionValue, { layer: name, option: "initial", expected: "a layer that runs one way", got: "bidirectional: true" }, ctx.optionSpan("initial"));
        const init = ctx.inputs[ctx.options.initial]!;
        const fits = init.shape.length === 1 && init.shape[0]!.equals(Dim.const(u));
        if (!fits) return ctx.error(Diagnostics.LayerInputMismatch, { layer: name, expected: `an initial state [${u}] (its units)`, got: typeToString(init) }, ctx.optionSpan("initial"));
      }
      const steps = x.shape[0]!;
      const width = Dim.const(both ? 2 * u : u);
      const output = { dtype: "f32" as const, shape: ctx.options.sequences ? [steps, width] : [width] };
      const params: Record<string, number[]> = { kernel: [n, gates * u], recurrent: [u, gates * u], bias: [gates * u] };
      if (both) Object.assign(params, { "reverse.kernel": [n, gates * u], "reverse.recurrent": [u, gates * u], "reverse.bias": [gates * u] });
      return { output, params, macs: steps.mul(gates * u * (n + u) * (both ? 2 : 1)) };
    },
  };
}

export const rnn = recurrent("rnn", 1, "Simple recurrent layer: h = act(x·kernel + h'·recurrent + bias).");
export const lstm = recurrent("lstm", 4, "Long short-term memory; gates i, f, c, o.");
export const gru = recurrent("gru", 3, "Gated recurrent unit; gates z, r, h (reset before the recurrent product).");
