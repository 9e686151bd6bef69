// The smallest legal value of each symbolic dim: the least value for which
// every tensor dim of a model (its inputs' and every layer's output) is at
// least 1. `conv1d(…, kernel: 5)` on [T, C] gives [T - 4, F], so T must be at
// least 5; a smaller T would make an empty or negative axis, which the
// generated code must never see. Code generation emits these minimums as data
// (`static minDims`), the runtime checks every call against them
// (rt.readInputs), `--specialize` is checked against them at compile time,
// and `nnc summary` states them.
//
// The rule, per symbol:
// - A dim in one symbol (`T - 4`, `floor((T - 5)/2) + 1`, `ceil(T/2)`)
//   requires the least value v ≥ 1 at which it evaluates to ≥ 1. The symbol's
//   minimum is the largest such requirement; the first layer (in model
//   order) that imposes it is the one named.
// - A dim in several symbols (`T + S - 6`) that is still below 1 with every
//   symbol at its minimum raises its first symbol (in order of appearance)
//   to the least value that makes it ≥ 1, the others held at their minimums.
//   The minimums together are then sufficient; for such a dim they may be
//   stricter than necessary (T = 1, S = 5 would also do above, but T's
//   minimum becomes 5).
// Dims are sums and quotients of symbols that grow with them, so each
// requirement is found by doubling then bisection on v.
import type { CheckedModel } from "../graph.ts";
import type { Span } from "../../grammar/source.ts";
import type { Dim } from "./dim.ts";

export interface SmallestDim {
  symbol: string;
  /** The least legal value (always > 1: symbols without a larger minimum are left out). */
  min: number;
  /** The layer (or `input x`) whose shape imposes it. */
  layer: string;
  span: Span;
}

/** Beyond any size an array can hold: a requirement not met below it is given up. */
const LIMIT = 2 ** 31;

/** The least v in [lo, LIMIT) with ok(v), for ok false then true as v grows; undefined when there is none. */
function least(ok: (v: number) => boolean, lo: number): number | undefined {
  if (ok(lo)) return lo;
  let bad = lo;
  let step = 1;
  let good: number | undefined;
  while (bad + step < LIMIT) {
    if (ok(bad + step)) {
      good = bad + step;
      break;
    }
    bad += step;
    step *= 2;
  }
  if (good === undefined) return undefined;
  while (good - bad > 1) {
    const mid = Math.floor((bad + good) / 2);
    if (ok(mid)) good = mid;
    else bad = mid;
  }
  return good;
}

/** Each symbol's smallest legal value, by symbol, for the symbols whose minimum exceeds 1. */
export function smallestDims(model: CheckedModel): Map<string, SmallestDim> {
  const order = [...model.symbols.keys()];
  const dims: { dim: Dim; symbols: string[]; layer: string; span: Span }[] = [];
  const add = (shape: readonly Dim[], layer: string, span: Span) => {
    for (const dim of shape) {
      if (dim.value !== undefined) continue;
      const symbols = order.filter((s) => dim.symbols().has(s));
      if (symbols.length) dims.push({ dim, symbols, layer, span });
    }
  };
  for (const i of model.inputs) add(i.type.shape, `${i.role} ${i.name}`, i.span);
  for (const n of model.nodes) add(n.output.shape, n.name, n.span);

  const out = new Map<string, SmallestDim>();
  const env: Record<string, number> = Object.fromEntries(order.map((s) => [s, 1]));
  const raise = (symbol: string, min: number, layer: string, span: Span) => {
    if (min <= env[symbol]!) return;
    env[symbol] = min;
    out.set(symbol, { symbol, min, layer, span });
  };
  for (const d of dims) {
    if (d.symbols.length !== 1) continue;
    const s = d.symbols[0]!;
    const min = least((v) => d.dim.evaluate({ [s]: v })! >= 1, 1);
    if (min !== undefined) raise(s, min, d.layer, d.span);
  }
  for (const d of dims) {
    if (d.symbols.length === 1 || d.dim.evaluate(env)! >= 1) continue;
    for (const s of d.symbols) {
      const min = least((v) => d.dim.evaluate({ ...env, [s]: v })! >= 1, env[s]!);
      if (min === undefined) continue;
      raise(s, min, d.layer, d.span);
      break;
    }
  }
  // In order of appearance, like the model's symbols.
  return new Map(order.filter((s) => out.has(s)).map((s) => [s, out.get(s)!]));
}

/** What the emitted `static minDims` holds, per symbol (the runtime's MinDims). */
export interface MinDimEntry {
  min: number;
  layer: string;
  line: number;
  /** Present where the layer sits in another file than the model (a block's). */
  file?: string;
}

/** The minimums as the data the emitted class carries. */
export function minDimsData(model: CheckedModel): Record<string, MinDimEntry> {
  // fromEntries defines own properties: a symbol named `__proto__` stays one.
  return Object.fromEntries(
    [...smallestDims(model).values()].map((d): [string, MinDimEntry] => [d.symbol, { min: d.min, layer: d.layer, line: d.span.line, ...(d.span.file !== model.file ? { file: d.span.file } : {}) }]),
  );
}

/** The data as a JavaScript object literal, with computed keys: a symbol named `__proto__` stays a property. */
export function minDimsLiteral(data: Readonly<Record<string, MinDimEntry>>): string {
  const q = JSON.stringify;
  return `{ ${Object.entries(data).map(([symbol, entry]) => `[${q(symbol)}]: ${q(entry)}`).join(", ")} }`;
}
