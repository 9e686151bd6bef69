import { Diagnostics } from "../diagnostics.ts";
import { perStep, type Dim } from "./common.ts";
import { typeToString, type TensorType } from "../types.ts";
import type { LayerDef, LayerEmit } from "./layer.ts";
import type { KernelBuilder } from "../codegen/kernel.ts";
import { product } from "../shapes/dim.ts";

/**
 * Loops over the batch and every output axis, keeping one running offset per
 * operand; a broadcast axis has stride 0 for that operand. `body` gets the
 * offset expressions (output first). Same-shape operands get one flat loop.
 */
function broadcastLoops(k: KernelBuilder, out: Dim[], operands: Dim[][], body: (offsets: string[]) => string): void {
  const rank = out.length;
  const flat = operands.every((s) => s.length === rank && s.every((d, i) => d.equals(out[i]!)));
  if (flat) {
    k.line(`for (let i = 0; i < ${k.rows(out)}; i++) { ${body(["i", ...operands.map(() => "i")])} }`);
    return;
  }
  // Per operand: the size of one example, and the stride of each output axis (0 where broadcast).
  const strides = operands.map((s) => {
    const padded: (Dim | undefined)[] = [...Array(rank - s.length).fill(undefined), ...s];
    return out.map((d, axis) => {
      const own = padded[axis];
      if (!own || (own.value === 1 && d.value !== 1)) return "0";
      return k.dim(product(padded.slice(axis + 1).filter((x): x is Dim => x !== undefined)));
    });
  });
  const names = operands.map((_, j) => `o${j}`);
  k.line(`for (let b = 0, at = 0; b < ${k.B}; b++) {`);
  names.forEach((n, j) => k.line(`  const ${n}_b = b * ${k.dim(product(operands[j]!))};`));
  let parent = names.map((n) => `${n}_b`);
  for (let axis = 0; axis < rank; axis++) {
    const pad = "  ".repeat(axis + 1);
    k.line(`${pad}for (let i${axis} = 0; i${axis} < ${k.dim(out[axis]!)}; i${axis}++) {`);
    const cur = names.map((n) => `${n}_${axis}`);
    cur.forEach((c, j) => k.line(`${pad}  const ${c} = ${parent[j]} + i${axis} * ${strides[j]![axis]};`));
    parent = cur;
  }
  k.line(`${"  ".repeat(rank + 1)}${body(["at", ...parent])} at++;`);
  for (let axis = rank; axis >= 0; axis--) k.line(`${"  ".repeat(axis)}}`);
}

/**
 * Forward `y = f(a, b)` and gradients `da = ga(dy, a, b)`, `db = gb(dy, a, b)`
 * with broadcasting. Operands are passed lazily: a gradient that does not
 * read an operand (add, sub) does not keep its buffer alive.
 */
type Grad = (dy: string, a: () => string, b: () => string) => string;
function binaryEmit(f: (a: string, b: string) => string, ga: Grad, gb: Grad): LayerEmit {
  return {
    forward(k) {
      const a = k.input(0);
      const b = k.input(1);
      const y = k.output.name;
      broadcastLoops(k, k.outShape, [a.shape, b.shape], ([o, ia, ib]) => `${y}[${o}] = ${f(`${a.name}[${ia}]`, `${b.name}[${ib}]`)};`);
    },
    backward(k) {
      const shapes = [k.op.inputs[0]!.shape, k.op.inputs[1]!.shape];
      const dy = k.outputGrad;
      [ga, gb].forEach((g, j) => {
        const dx = k.inputGrad(j);
        if (!dx) return;
        const shape = shapes[j]!;
        const reduces = shape.length !== k.outShape.length || !shape.every((d, i) => d.equals(k.outShape[i]!));
        // A broadcast operand sums its gradient over the stretched axes: clear first when this is the first write.
        if (reduces && k.assign(j) === "=") k.line(`${dx}.fill(0, 0, ${k.rows(shape)});`);
        const op = reduces ? "+=" : k.assign(j);
        broadcastLoops(k, k.outShape, shapes, ([o, ia, ib]) => `${dx}[${j === 0 ? ia : ib}] ${op} ${g(`${dy}[${o}]`, () => `${k.input(0).name}[${ia}]`, () => `${k.input(1).name}[${ib}]`)};`);
      });
    },
  };
}

const emits: Record<"add" | "sub" | "mul", LayerEmit> = {
  add: binaryEmit((a, b) => `${a} + ${b}`, (dy) => dy, (dy) => dy),
  sub: binaryEmit((a, b) => `${a} - ${b}`, (dy) => dy, (dy) => `-${dy}`),
  mul: binaryEmit((a, b) => `${a} * ${b}`, (dy, _a, b) => `${dy} * ${b()}`, (dy, a) => `${dy} * ${a()}`),
};

/** NumPy broadcasting: trailing dims aligned; size-1 or missing dims stretch. */
export function broadcast(a: TensorType, b: TensorType): Dim[] | undefined {
  const rank = Math.max(a.shape.length, b.shape.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a.shape[a.shape.length - rank + i];
    const y = b.shape[b.shape.length - rank + i];
    if (!x) out.push(y!);
    else if (!y) out.push(x);
    else if (x.equals(y)) out.push(x);
    else if (x.value === 1) out.push(y);
    else if (y.value === 1) out.push(x);
    else return undefined;
  }
  return out;
}

/** The operators `a + b`, `a - b`, `a * b` (not callable by name). */
function binaryOp(name: "add" | "sub" | "mul", symbol: string): LayerDef {
  return {
    name,
    emit: emits[name],
    doc: `Element-wise a ${symbol} b with broadcasting.`,
    inputs: 2,
    options: [],
    causal: perStep,
    shape(ctx) {
      const [a, b] = ctx.inputs as [TensorType, TensorType];
      if (a.dtype !== b.dtype) return ctx.error(Diagnostics.DtypeConflict, { what: `'${symbol}'`, left: a.dtype, right: b.dtype }, ctx.span);
      const shape = broadcast(a, b);
      if (!shape) return ctx.error(Diagnostics.ShapeMismatch, { what: `'${symbol}' needs shapes that broadcast`, left: typeToString(a), right: typeToString(b) }, ctx.span);
      return { output: { dtype: a.dtype, shape } };
    },
  };
}

export const add = binaryOp("add", "+");
export const sub = binaryOp("sub", "-");
export const mul = binaryOp("mul", "*");

/** Unary `-x`. */
export const neg: LayerDef = {
  name: "neg",
  doc: "Element-wise negation.",
  inputs: 1,
  options: [],
  causal: perStep,
  shape(ctx) {
    const x = ctx.inputs[0]!;
    return { output: { dtype: x.dtype, shape: [...x.shape] } };
  },
  emit: {
    forward(k) {
      k.line(`for (let i = 0; i < ${k.rows(k.outShape)}; i++) ${k.output.name}[i] = -${k.input(0).name}[i];`);
    },
    backward(k) {
      const dx = k.inputGrad(0);
      if (dx) k.line(`for (let i = 0; i < ${k.rows(k.outShape)}; i++) ${dx}[i] ${k.assign(0)} -${k.outputGrad}[i];`);
    },
  },
};
