// Builds one generated function: the forward or backward code of one op.
// A layer's emit rule asks this builder for the names of its buffers and for
// dims as JavaScript (literals where the size is known at compile time), and
// writes loops; the builder collects the parameters the function needs.
import { Dim, product } from "../shapes/dim.ts";
import type { Dtype } from "../types.ts";
import type { Epilogue, IRProgram, Op, Tensor } from "../ir/program.ts";
import type { OptionValue } from "../layers/layer.ts";
import { activationMath } from "../layers/activation-math.ts";

export interface BufferRef {
  /** The function parameter that holds the buffer. */
  name: string;
  shape: Dim[];
  dtype: Dtype;
}

export interface AuxRequest {
  key: string;
  /** Elements per example (multiplied by the batch). */
  perExample: Dim;
  dtype: Dtype;
}

export type KernelArg =
  | { kind: "batch" }
  | { kind: "symbol"; name: string }
  | { kind: "tensor"; tensor: Tensor }
  | { kind: "grad"; tensor: Tensor }
  | { kind: "param"; index: number }
  | { kind: "paramGrad"; index: number }
  | { kind: "aux"; key: string }
  | { kind: "rng" };

const typedArray = (d: Dtype) => (d === "i32" ? "Int32Array" : "Float32Array");

export class KernelBuilder {
  readonly lines: string[] = [];
  private readonly args = new Map<string, { arg: KernelArg; type: string }>();
  private depth = 1;
  private tmpCounter = 0;
  /** Dim expressions hoisted to function entry: JavaScript text → the const that holds it. */
  private readonly hoisted = new Map<string, string>();
  /** Set by a loss's forward: the expression the function returns. */
  returns?: string;

  constructor(
    readonly op: Op,
    readonly mode: "forward" | "backward",
    readonly training: boolean,
    /** Dims fixed by `--specialize`: batch and symbols with known values. */
    private readonly specialized: Record<string, number>,
    /** Aux buffers this op declares, shared between its forward and backward. */
    readonly auxRequests: Map<string, AuxRequest>,
  ) {}

  get options(): Record<string, OptionValue> {
    return this.op.node.options;
  }

  private use(name: string, arg: KernelArg, type: string): string {
    if (!this.args.has(name)) this.args.set(name, { arg, type });
    return name;
  }

  /** The batch size: a literal when specialised. */
  get B(): string {
    const b = this.specialized.batch;
    return b !== undefined ? String(b) : this.use("B", { kind: "batch" }, "number");
  }

  /**
   * A dim as JavaScript: a literal when known at compile time, else a symbol's
   * parameter or a const computed once at function entry. Never an operator
   * expression, so a layer may splice it anywhere (`o * ${size}`, `s / ${n}`)
   * without parentheses.
   */
  dim(d: Dim): string {
    return this.hoist(dimJs(this.specialized, d, (s) => this.symbol(s)));
  }

  private symbol(s: string): string {
    return this.use(symbolLocal(s), { kind: "symbol", name: s }, "number");
  }

  /** An atom (literal or name) as is; any other expression as a const declared at function entry. */
  private hoist(js: string): string {
    if (isAtom(js)) return js;
    let name = this.hoisted.get(js);
    if (!name) this.hoisted.set(js, (name = `dim${this.hoisted.size}`));
    return name;
  }

  /** The consts that hold the hoisted dims the body uses: the function's first statements. */
  get prelude(): string[] {
    const body = [...this.lines, this.returns ?? ""].join("\n");
    return [...this.hoisted].filter(([, name]) => new RegExp(`\\b${name}\\b`).test(body)).map(([js, name]) => `const ${name} = ${js};`);
  }

  /** A dim that the checker guaranteed static. */
  static(d: Dim): number {
    const v = d.value;
    if (v === undefined) throw new Error(`internal: ${this.op.node.name} needs a static dim, got ${d}`);
    return v;
  }

  /** B · product(shape), as JavaScript: an atom, like `dim`. */
  rows(shape: Dim[]): string {
    return this.hoist(rowsJs(this.specialized, shape, () => this.B, (s) => this.symbol(s)));
  }

  input(i: number): BufferRef {
    const t = this.op.inputs[i]!;
    return { name: this.use(`x${i}`, { kind: "tensor", tensor: t }, typedArray(t.dtype)), shape: t.shape, dtype: t.dtype };
  }

  /** The output's per-example shape, without making the output buffer an argument. */
  get outShape(): Dim[] {
    return this.op.output.shape;
  }

  get output(): BufferRef {
    const t = this.op.output;
    return { name: this.use("y", { kind: "tensor", tensor: t }, typedArray(t.dtype)), shape: t.shape, dtype: t.dtype };
  }

  param(local: string): string {
    const p = this.op.params.find((q) => q.local === local);
    if (!p) throw new Error(`internal: ${this.op.node.name} has no parameter ${local}`);
    return this.use(`p_${mangle(local)}`, { kind: "param", index: p.index }, "Float32Array");
  }

  hasParam(local: string): boolean {
    return this.op.params.some((q) => q.local === local);
  }

  paramGrad(local: string): string {
    const p = this.op.params.find((q) => q.local === local)!;
    return this.use(`g_${mangle(local)}`, { kind: "paramGrad", index: p.index }, "Float32Array");
  }

  /** The gradient buffer of input i, or undefined when it needs none. */
  inputGrad(i: number): string | undefined {
    const t = this.op.inputs[i]!;
    if (!t.needsGrad) return undefined;
    return this.use(`dx${i}`, { kind: "grad", tensor: t }, "Float32Array");
  }

  /** `=` for the first write of an input's gradient, `+=` when another consumer wrote first. */
  assign(i: number): "=" | "+=" {
    return this.op.accumulate[i] ? "+=" : "=";
  }

  get outputGrad(): string {
    return this.use("dy", { kind: "grad", tensor: this.op.output }, "Float32Array");
  }

  /** A buffer that lives from this op's forward to its backward (masks, argmax, statistics). */
  aux(key: string, perExample: Dim, dtype: Dtype = "f32"): string {
    if (!this.auxRequests.has(key)) this.auxRequests.set(key, { key, perExample, dtype });
    return this.use(`aux_${mangle(key)}`, { kind: "aux", key }, typedArray(dtype));
  }

  get rng(): string {
    return this.use("rng", { kind: "rng" }, "Rng");
  }

  get epilogue(): Epilogue | undefined {
    return this.op.epilogue;
  }

  /** The fused activation applied to a pre-activation value. */
  activate(v: string): string {
    const e = this.op.epilogue;
    return e ? activationMath(e).forward(v) : v;
  }

  /** The gradient at the pre-activation, from the output gradient `dy` and the activated output `y`. */
  activationGrad(dy: string, y: string): string {
    const e = this.op.epilogue;
    return e ? activationMath(e).gradient(dy, y) : dy;
  }

  tmp(base: string): string {
    return `${base}${this.tmpCounter++}`;
  }

  line(code: string): void {
    this.lines.push("  ".repeat(this.depth) + code);
  }

  /** Emits `header {`, the lines `body` emits one level deeper, then `}`. */
  block(header: string, body: () => void): void {
    this.line(`${header} {`);
    this.depth++;
    body();
    this.depth--;
    this.line("}");
  }

  /** Emits several lines (a template literal), keeping their relative indentation. */
  code(text: string): void {
    const ls = text.replace(/^\n+|\s+$/g, "").split("\n");
    const indent = Math.min(...ls.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
    for (const l of ls) if (l.trim()) this.line(l.slice(indent));
  }

  /** Function parameters: sizes, inputs, parameters, output, gradients, saved buffers, rng. */
  parameters(): { name: string; type: string; arg: KernelArg }[] {
    const order: KernelArg["kind"][] = ["batch", "symbol", "tensor", "param", "grad", "paramGrad", "aux", "rng"];
    return [...this.args.entries()]
      .map(([name, { arg, type }]) => ({ name, type, arg }))
      .sort((a, b) => order.indexOf(a.arg.kind) - order.indexOf(b.arg.kind) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

/**
 * The one mapping from a name a user wrote (a model, symbol, layer or
 * parameter name, any Unicode the grammar allows) to an identifier fragment:
 * ASCII letters, digits and `_` stay, any other character becomes
 * `$<hex code point>$`. It is injective (`T_` stays `T_`, `Tä` becomes
 * `T$e4$`), so distinct names never meet, and every generated name that holds
 * a user's name carries a prefix (`d_`, `p_`, `m0_`…) that keeps it apart
 * from the generator's own locals (`B`, `A`, `w`, `dim0`…) and from
 * JavaScript's reserved words and globals.
 */
export function mangle(name: string): string {
  let out = "";
  for (const ch of name) out += /[A-Za-z0-9_]/.test(ch) ? ch : `$${ch.codePointAt(0)!.toString(16)}$`;
  return out;
}

/** The generated local that holds a symbol's value. */
export function symbolLocal(symbol: string): string {
  return `d_${mangle(symbol)}`;
}

/** A literal or a plain name: safe to splice into any expression. */
function isAtom(js: string): boolean {
  return /^(\d+(\.\d+)?|[A-Za-z_$][\w$]*)$/.test(js);
}

/**
 * A dim as JavaScript: folded to a literal where `--specialize` fixes every
 * symbol it uses, else an expression over `d_<symbol>`, parenthesised
 * whenever it is not an atom (Dim.toJs), so no caller can splice it wrongly.
 */
export function dimJs(specialized: Record<string, number>, d: Dim, onSymbol: (s: string) => string = symbolLocal): string {
  const fixed = new Map(Object.entries(specialized).map(([s, v]) => [s, Dim.const(v)] as const));
  return d.substitute(fixed).toJs(onSymbol);
}

/** B · product(shape) as JavaScript, folding constants; parenthesised unless an atom. */
export function rowsJs(specialized: Record<string, number>, shape: Dim[], batch: () => string = () => (specialized.batch !== undefined ? String(specialized.batch) : "B"), onSymbol?: (s: string) => string): string {
  const b = batch();
  const inner = dimJs(specialized, product(shape), onSymbol);
  if (inner === "1") return b;
  if (/^\d+$/.test(b) && /^\d+$/.test(inner)) return String(Number(b) * Number(inner));
  return `(${b} * ${inner})`;
}

/**
 * Statements that reject sizes too small for the layers that shrink an axis,
 * where the symbols' smallest values (`minDims`, checked by rt.readInputs)
 * do not settle it: a dim over several symbols (`S - T`) must still be
 * at least 1 (else a valid convolution on too few steps gave an empty axis,
 * and a max over it −∞). Constants were checked by the checker, and dims in
 * one symbol by minDims, which is exact for them. `where` names the method
 * in the error.
 */
export function sizeChecks(p: IRProgram, specialized: Record<string, number>, where: string): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const op of p.ops)
    for (const d of op.output.shape) {
      const text = d.toString();
      const symbols = [...d.symbols()];
      if (symbols.length < 2 || seen.has(text)) continue;
      seen.add(text);
      const js = dimJs(specialized, d);
      lines.push(`if (!(${js} >= 1)) rt.dimTooSmall(${JSON.stringify(where)}, ${JSON.stringify(op.node.name)}, ${JSON.stringify(text)}, ${js}, D);`);
    }
  return lines.join("\n    ");
}
