// Code snippets several layers' emit rules share.
import type { KernelBuilder } from "../codegen/kernel.ts";
import type { LayerEmit } from "./layer.ts";
import { Act } from "../../runtime/act.ts";
import { activationMath } from "./activation-math.ts";

/** The runtime product's activation code for the op's fused activation (leaky_relu is applied in a separate loop). */
export function actCode(k: KernelBuilder): string {
  const e = k.epilogue;
  return String(e ? activationMath(e).product : Act.none);
}

/** Applies a fused leaky_relu after a product that stored pre-activations (the runtime product has no leaky_relu). */
export function leakyEpilogueLoop(k: KernelBuilder, y: string, size: string): void {
  const e = k.epilogue;
  if (typeof e !== "object") return;
  k.line(`for (let i = 0; i < ${size}; i++) { const v = ${y}[i]; if (v < 0) ${y}[i] = ${e.alpha} * v; }`);
}

/**
 * The gradient at the pre-activation. With a fused activation, dy is turned
 * into it in place (this op is dy's only reader); returns the buffer name.
 */
export function preActivationGrad(k: KernelBuilder): string {
  const dy = k.outputGrad;
  if (!k.epilogue) return dy;
  const y = k.output.name;
  const loop = `for (let i = 0; i < ${k.rows(k.outShape)}; i++) ${dy}[i] = ${k.activationGrad(`${dy}[i]`, `${y}[i]`)};`;
  k.line(k.epilogue === "relu" ? `if (!rt.reluGrad(${dy}, ${y}, ${k.rows(k.outShape)})) ${loop}` : loop);
  return dy;
}

/** A bias gradient: the column sums of a [rows, width] gradient (`param` names the bias, by default `bias`). */
export function biasGradLoop(k: KernelBuilder, dy: string, rows: string, width: number, param = "bias"): void {
  const g = k.paramGrad(param);
  k.code(`
    if (!rt.columnSums(${dy}, ${rows}, ${width}, ${g})) {
      ${g}.fill(0);
      for (let r = 0, o = 0; r < ${rows}; r++) for (let j = 0; j < ${width}; j++, o++) ${g}[j] += ${dy}[o];
    }
  `);
}

/** A conv or pool option given as an int or a tuple, as one value per spatial axis (already checked). */
export function optionPerAxis(k: KernelBuilder, name: string, rank: number, fallback?: unknown): number[] {
  const v = k.options[name] ?? fallback;
  return Array.isArray(v) ? v : Array(rank).fill(v as number);
}

/** The window geometry of a conv or pool op: axes, channels (as JavaScript: pooling keeps a symbolic channel axis), and the (per-axis) kernel size. */
export function windowGeometry(k: KernelBuilder, rank: number, sizeOption: "kernel" | "size", dilation: number[]) {
  const x = k.op.inputs[0]!;
  const kernel = optionPerAxis(k, sizeOption, rank);
  const padding = k.options.padding === "valid" || k.options.padding === "same" ? (k.options.padding as "valid" | "same") : optionPerAxis(k, "padding", rank);
  const stride = optionPerAxis(k, "stride", rank, k.options[sizeOption]);
  return { kernel, axes: windowAxes(k, x.shape, k.outShape, kernel, stride, dilation, padding), channels: k.dim(x.shape[rank]!) };
}

/** Layers that only reinterpret the shape (flatten, reshape): copy forward, copy the gradient back. */
export const copyEmit: LayerEmit = {
  forward(k) {
    k.line(`${k.output.name}.set(${k.input(0).name}.subarray(0, ${k.rows(k.outShape)}));`);
  },
  backward(k) {
    const dx = k.inputGrad(0);
    if (!dx) return;
    const n = k.rows(k.outShape);
    if (k.assign(0) === "=") k.line(`${dx}.set(${k.outputGrad}.subarray(0, ${n}));`);
    else k.line(`for (let i = 0; i < ${n}; i++) ${dx}[i] += ${k.outputGrad}[i];`);
  },
};

/**
 * A window as the runtime's window-kernel arguments (WindowArgs): B, C, then
 * lengths, outputs, kernel, stride, dilation and padding per axis, outer axes
 * padded with 1s (0 for padding).
 */
export function windowArgs(k: KernelBuilder, axes: WindowAxis[], channels: number | string): string {
  const pad = (f: (a: WindowAxis) => string | number, fill: string) => [...Array(3 - axes.length).fill(fill), ...axes.map(f)];
  return [k.B, channels, ...pad((a) => a.len, "1"), ...pad((a) => a.out, "1"), ...pad((a) => a.k, "1"), ...pad((a) => a.s, "1"), ...pad((a) => a.d, "1"), ...pad((a) => a.before, "0")].join(", ");
}

/** One spatial axis of a sliding window, as JavaScript expressions. */
export interface WindowAxis {
  /** Input length, output length. */
  len: string;
  out: string;
  k: number;
  s: number;
  d: number;
  /** Zero padding before the first cell (an expression: it may depend on a symbolic length). */
  before: string;
  /** False when no window can leave the input (valid padding): bounds checks are left out. */
  checked: boolean;
}

/** Axes of a conv or pool window, with the spec's `same` split (smaller half before). */
export function windowAxes(k: KernelBuilder, inShape: import("../shapes/dim.ts").Dim[], outShape: import("../shapes/dim.ts").Dim[], kernel: number[], stride: number[], dilation: number[], padding: "valid" | "same" | number[]): WindowAxis[] {
  return kernel.map((kk, a) => {
    const len = k.dim(inShape[a]!);
    const out = k.dim(outShape[a]!);
    const s = stride[a]!;
    const d = dilation[a]!;
    let before = "0";
    if (padding === "same") {
      const span = d * (kk - 1) + 1;
      before = /^\d+$/.test(len) && /^\d+$/.test(out)
        ? String(Math.floor(Math.max((Number(out) - 1) * s + span - Number(len), 0) / 2))
        : `Math.floor(Math.max(((${out}) - 1) * ${s} + ${span} - (${len}), 0) / 2)`;
    } else if (Array.isArray(padding)) before = String(padding[a]);
    return { len, out, k: kk, s, d, before, checked: padding !== "valid" };
  });
}

/**
 * Emits loops over batch, output positions and window cells, innermost over
 * channels. `row` is the flat output position (batch included), `cell` the
 * window cell index, `inside` whether the cell lies in the input, `at` the
 * input offset of channel 0 (valid only when inside).
 */
export function windowLoops(k: KernelBuilder, axes: WindowAxis[], channels: number | string, body: { perRow?: (row: string) => string; perCell: (v: { row: string; inside: string; at: string }) => string; afterRow?: (row: string) => string }): void {
  const r = axes.length;
  k.line(`for (let b = 0, row = 0; b < ${k.B}; b++) {`);
  const outLoops: string[] = [];
  axes.forEach((ax, i) => outLoops.push(`for (let o${i} = 0; o${i} < ${ax.out}; o${i}++) {`));
  k.line("  " + outLoops.join(" "));
  if (body.perRow) k.line(`    ${body.perRow("row")}`);
  axes.forEach((ax, i) => {
    const pad = "  ".repeat(i + 2);
    k.line(`${pad}for (let k${i} = 0; k${i} < ${ax.k}; k${i}++) {`);
    const terms = [ax.s === 1 ? `o${i}` : `o${i} * ${ax.s}`, ax.d === 1 ? `k${i}` : `k${i} * ${ax.d}`].join(" + ") + (ax.before === "0" ? "" : ` - ${ax.before}`);
    k.line(`${pad}  const i${i} = ${terms};`);
    if (ax.checked) k.line(`${pad}  const in${i} = ${i > 0 && checkedBefore(axes, i) ? `in${lastChecked(axes, i)} && ` : ""}i${i} >= 0 && i${i} < ${ax.len};`);
  });
  // Offset of channel 0: ((b·L0 + i0)·L1 + i1)… · C
  let at = "b";
  axes.forEach((ax, i) => (at = `${i === 0 ? at : `(${at})`} * ${ax.len} + i${i}`));
  const pad = "  ".repeat(r + 2);
  // `| 0` keeps the offset a small integer for V8.
  k.line(`${pad}const at = ${String(channels) === "1" ? `(${at}) | 0` : `((${at}) * ${channels}) | 0`};`);
  const last = lastChecked(axes, r);
  k.line(`${pad}${body.perCell({ row: "row", inside: last >= 0 ? `in${last}` : "true", at: "at" })}`);
  for (let i = r - 1; i >= 0; i--) k.line(`${"  ".repeat(i + 2)}}`);
  if (body.afterRow) k.line(`    ${body.afterRow("row")}`);
  k.line(`    row++;`);
  k.line(`  ${"}".repeat(r)}`);
  k.line(`}`);
}

/** The last axis before `end` whose bounds are checked, or -1. */
function lastChecked(axes: WindowAxis[], end: number): number {
  for (let i = end - 1; i >= 0; i--) if (axes[i]!.checked) return i;
  return -1;
}
function checkedBefore(axes: WindowAxis[], i: number): boolean {
  return lastChecked(axes, i) >= 0;
}

/** `if (inside) stmt`, or just `stmt` when the window can never leave the input. */
export function guard(inside: string, stmt: string): string {
  return inside === "true" ? stmt : `if (${inside}) ${stmt}`;
}
