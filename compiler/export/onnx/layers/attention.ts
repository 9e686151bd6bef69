// attention as MatMul and Softmax: projections, heads split by Reshape and
// Transpose, scores scaled by 1/√k, hidden keys (causal: s > t; lengths: s ≥ n)
// set to −1e9 before the softmax (exp underflows to exactly 0, as ours skips
// them), heads joined and projected.
import { attr } from "../builder.ts";
import type { Lowering, LoweringContext } from "../lowering.ts";

function project(c: LoweringContext, x: string, which: string): string {
  const y = c.g.op("MatMul", [x, c.param(`${which}.kernel`)], {}, c.hint(`${which}/MatMul`));
  return c.g.op("Add", [y, c.param(`${which}.bias`)], {}, c.hint(which));
}

/** Axis `axis` of x's shape as a scalar int64 (for Range). */
function length(c: LoweringContext, x: string, axis: number): string {
  const shape = c.g.op("Shape", [x], {}, c.hint("shape"));
  return c.g.op("Gather", [shape, c.g.int64s(c.hint("axis"), [], [axis])], { axis: attr.int(0) }, c.hint("length"));
}

function positions(c: LoweringContext, x: string): string {
  return c.g.op("Range", [c.g.int64s(c.hint("zero"), [], [0]), length(c, x, 1), c.g.int64s(c.hint("step"), [], [1])], {}, c.hint("Range"));
}

export const attention: Lowering = (c) => {
  const { g, node } = c;
  const lengthsIndex = typeof node.options.lengths === "number" ? node.options.lengths : undefined;
  const cross = node.inputs.length - (lengthsIndex === undefined ? 0 : 1) > 1;
  const q = c.inputs[0]!;
  const kv = cross ? c.inputs[1]! : q;
  const d = c.paramShape("query.kernel")[0]!;
  const heads = node.options.heads as number;
  const k = d / heads;
  const split = (x: string, perm: number[], what: string) =>
    g.op("Transpose", [g.op("Reshape", [x, g.int64s(c.hint("heads"), [4], [0, 0, heads, k])], {}, c.hint(`${what}/split`))], { perm: attr.ints(perm) }, c.hint(`${what}/heads`));
  const Q = split(project(c, q, "query"), [0, 2, 1, 3], "query"); // [B, H, T, k]
  const K = split(project(c, kv, "key"), [0, 2, 3, 1], "key"); // [B, H, k, S]
  const V = split(project(c, kv, "value"), [0, 2, 1, 3], "value"); // [B, H, S, k]
  let scores = g.op("Mul", [g.op("MatMul", [Q, K], {}, c.hint("QK")), g.scalar(c.hint("scale"), 1 / Math.sqrt(k))], {}, c.hint("scores"));

  const hidden: string[] = [];
  const keys = node.options.causal || lengthsIndex !== undefined ? positions(c, kv) : "";
  if (node.options.causal) {
    const rows = g.op("Unsqueeze", [positions(c, q), g.int64s(c.hint("axis1"), [1], [1])], {}, c.hint("queryColumn")); // [T, 1]
    hidden.push(g.op("Greater", [keys, rows], {}, c.hint("future"))); // [T, S]
  }
  if (lengthsIndex !== undefined) {
    const n = g.op("Cast", [c.inputs[lengthsIndex]!], { to: attr.int(7) }, c.hint("lengths64"));
    const perExample = g.op("Reshape", [n, g.int64s(c.hint("shape"), [4], [-1, 1, 1, 1])], {}, c.hint("lengths4d")); // [B, 1, 1, 1]
    hidden.push(g.op("GreaterOrEqual", [keys, perExample], {}, c.hint("padded"))); // [B, 1, 1, S]
  }
  if (hidden.length) {
    const mask = hidden.length === 2 ? g.op("Or", hidden, {}, c.hint("hidden")) : hidden[0]!;
    scores = g.op("Where", [mask, g.scalar(c.hint("minusInf"), -1e9), scores], {}, c.hint("masked"));
  }
  const weights = g.op("Softmax", [scores], { axis: attr.int(-1) }, c.hint("Softmax"));
  const heads4d = g.op("MatMul", [weights, V], {}, c.hint("AV")); // [B, H, T, k]
  const joined = g.op("Reshape", [g.op("Transpose", [heads4d], { perm: attr.ints([0, 2, 1, 3]) }, c.hint("steps")), g.int64s(c.hint("width"), [3], [0, 0, d])], {}, c.hint("joined"));
  return project(c, joined, "output");
};
