// positional: the encodings added as an initialiser. Learned: the table
// [max, d], its first T rows sliced. Sinusoidal with T known (static or
// specialised): the exact table [T, d]; with T symbolic, computed in the graph
// from the initialisers of the inverse frequencies (float32, as ONNX runs).
import { attr } from "../builder.ts";
import type { Lowering, LoweringContext } from "../lowering.ts";

function stepsOf(c: LoweringContext, x: string): string {
  const shape = c.g.op("Shape", [x], {}, c.hint("shape"));
  return c.g.op("Slice", [shape, c.g.int64s(c.hint("from"), [1], [1]), c.g.int64s(c.hint("to"), [1], [2])], {}, c.hint("T"));
}

const inverseFrequency = (j: number, d: number) => 1 / Math.pow(10000, (2 * Math.floor(j / 2)) / d);

export const positional: Lowering = (c) => {
  const { g } = c;
  const x = c.inputs[0]!;
  const [T, D] = c.inputTypes[0]!.shape;
  const d = D!.value!;
  if (c.node.options.kind === "learned") {
    const rows = g.op("Slice", [c.param("table"), g.int64s(c.hint("zero"), [1], [0]), stepsOf(c, x), g.int64s(c.hint("axis0"), [1], [0])], {}, c.hint("rows"));
    return g.op("Add", [x, rows], {}, c.hint("Add"));
  }
  const steps = c.staticDim(T!);
  if (steps !== undefined) {
    const table = new Float32Array(steps * d);
    for (let s = 0; s < steps; s++) for (let j = 0; j < d; j++) table[s * d + j] = j % 2 === 0 ? Math.sin(s * inverseFrequency(j, d)) : Math.cos(s * inverseFrequency(j, d));
    return g.op("Add", [x, g.floats(c.hint("encodings"), [steps, d], table)], {}, c.hint("Add"));
  }
  const limit = g.op("Squeeze", [stepsOf(c, x)], {}, c.hint("Tscalar"));
  const position = g.op("Cast", [g.op("Range", [g.int64s(c.hint("zero"), [], [0]), limit, g.int64s(c.hint("one"), [], [1])], {}, c.hint("Range"))], { to: attr.int(1) }, c.hint("position"));
  const column = g.op("Unsqueeze", [position, g.int64s(c.hint("axis1"), [1], [1])], {}, c.hint("column")); // [T, 1]
  const angle = g.op("Mul", [column, g.floats(c.hint("inverseFrequency"), [d], Array.from({ length: d }, (_, j) => inverseFrequency(j, d)))], {}, c.hint("angle")); // [T, d]
  const even = g.floats(c.hint("even"), [d], Array.from({ length: d }, (_, j) => (j % 2 === 0 ? 1 : 0)));
  const odd = g.floats(c.hint("odd"), [d], Array.from({ length: d }, (_, j) => (j % 2 === 1 ? 1 : 0)));
  const sin = g.op("Mul", [g.op("Sin", [angle], {}, c.hint("Sin")), even], {}, c.hint("sinEven"));
  const cos = g.op("Mul", [g.op("Cos", [angle], {}, c.hint("Cos")), odd], {}, c.hint("cosOdd"));
  return g.op("Add", [x, g.op("Add", [sin, cos], {}, c.hint("encodings"))], {}, c.hint("Add"));
};
