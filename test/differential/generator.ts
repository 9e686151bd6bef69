// Random valid .nn models for the differential tests: a fast-check arbitrary
// that writes a model (and the blocks it calls) as text, tracking every
// value's shape with the compiler's own dim algebra so that each model
// checks, together with what a test needs to run it: its inputs and targets
// (names, dtypes, value ranges), its symbols, and the smallest legal value
// of each symbol (every dim of every value ≥ 1).
//
// The models chain and combine every layer that has generated code: dense,
// conv1d/2d/3d (valid, same and int padding, strides, dilations), max and
// average pooling 1d/2d/3d, flatten, reshape (growing a symbolic axis),
// embedding, rnn/lstm/gru (sequences, reverse, bidirectional, lengths,
// initial state), attention (self, causal, cross, heads, lengths),
// layernorm, dropout, positional encodings, every activation, + - * and
// unary minus with broadcasting and residuals, concat on any axis (the step
// axis too), mean/max/last over symbolic axes, blocks with their own
// symbols (repeated with `* n`), layer repeats, and each loss of §6. Axes are
// static or symbolic (T, S, H, W and a symbolic channel axis C), and layers
// shrink them (valid windows, strides) and grow them (concat, reshape).
import fc from "fast-check";
import { Dim, product } from "../../compiler/shapes/dim.ts";
import { broadcast } from "../../compiler/layers/elementwise.ts";

/** Where the generator's choices come from: fast-check's `gen` (shrinkable) or a seeded stream. */
export interface Draw {
  int(min: number, max: number): number;
  /** True with probability p. */
  bool(p?: number): boolean;
  pick<T>(xs: readonly T[]): T;
}

export function drawFrom(g: fc.GeneratorValue): Draw {
  const int = (min: number, max: number) => (min >= max ? min : g(fc.integer, { min, max }));
  return { int, bool: (p = 0.5) => int(0, 999) < p * 1000, pick: <T>(xs: readonly T[]) => xs[int(0, xs.length - 1)]! };
}

/** A plain seeded stream (mulberry32), for reproducing a model outside fast-check. */
export function seededDraw(seed: number): Draw {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => (min >= max ? min : min + Math.floor(next() * (max - min + 1)));
  return { int, bool: (p = 0.5) => next() < p, pick: <T>(xs: readonly T[]) => xs[int(0, xs.length - 1)]! };
}

export interface InputInfo {
  name: string;
  role: "input" | "target";
  dtype: "f32" | "i32";
  /** How to fill it: floats in [-1, 1], floats in [0, 1], indices in [0, range), or per-example lengths in [1, symbol]. */
  fill: "float" | "unit" | "index" | "lengths";
  /** For indices: the exclusive bound (a class count may be a symbolic axis). */
  range?: Dim;
  /** For lengths: the symbol they count steps of. */
  symbol?: string;
  /** Per-example shape, as declared. */
  shape: Dim[];
}

export interface GeneratedModel {
  source: string;
  model: string;
  inputs: InputInfo[];
  /** Symbols of the model's inputs and targets. */
  symbols: string[];
  /** The smallest legal value of each symbol: every value's dims are ≥ 1 (others at their own smallest). */
  minimum: Record<string, number>;
  /** The largest value a test may give a symbol (learned positional tables are sized for it). */
  maximum: Record<string, number>;
  /** Constructs the model uses (block, repeat, residual, concat-step-axis, cross-attention, lengths, …). */
  features: string[];
  hasDropout: boolean;
  hasLoss: boolean;
}

/** Symbols are checked for legality with the others at this size. */
const BIG = 64;
/** The largest size a test gives a symbol. */
export const MAX_SIZE = 72;
/** A model whose smallest legal size exceeds this is not generated (tests need room above it for an odd size). */
const MIN_CAP = 24;
/** Elements per example of one value at the largest sizes (keeps batch 64 at T ≥ 64 affordable). */
const ELEMENT_CAP = 20_000;

interface Value {
  /** A name that refers to it, when it has one (pool values do). */
  name: string;
  shape: Dim[];
  dtype: "f32" | "i32";
  /** For i32 values holding indices: exclusive upper bound. */
  range?: number;
}

interface Stage {
  text: string;
  out: Value;
}

/** The smallest value of each symbol for which every dim is ≥ 1 (the others at BIG, then all at their smallest together). */
export function smallestLegal(dims: readonly Dim[], symbols: readonly string[], upper: (env: Record<string, number>) => boolean = () => true, cap = 200): Record<string, number> | undefined {
  const legal = (env: Record<string, number>) => dims.every((d) => (d.evaluate(env) ?? 1) >= 1) && upper(env);
  const min: Record<string, number> = {};
  for (const s of symbols) {
    // The others large, or smaller where an upper bound (a learned positional table) needs it.
    let found: number | undefined;
    for (const other of [BIG, 32, 16, 8, 4, 2, 1]) {
      const env = Object.fromEntries(symbols.map((o) => [o, other]));
      let v = 1;
      while (v <= cap && !legal({ ...env, [s]: v })) v++;
      if (v <= cap) {
        found = v;
        break;
      }
    }
    if (found === undefined) return undefined;
    min[s] = found;
  }
  // Jointly (only coupled dims such as T + S - 6 or a flattened T·C need it): raise one symbol where that is enough, else all.
  for (let i = 0; i < cap && !legal(min); i++) {
    const one = symbols.find((s) => legal({ ...min, [s]: min[s]! + 1 }));
    if (one) min[one]!++;
    else for (const s of symbols) min[s]!++;
  }
  return legal(min) ? min : undefined;
}

const source = (d: Dim): string | undefined => {
  if (d.value !== undefined) return String(d.value);
  const text = d.toSource();
  return text.includes("Math.") ? undefined : text;
};

const shapeText = (shape: Dim[]) => shape.map((d) => source(d)!).join(", ");

function divisors(n: number): number[] {
  const out: number[] = [];
  for (let i = 1; i <= n; i++) if (n % i === 0) out.push(i);
  return out;
}

/** The static factor of a product of dims (the coefficient when it is a monomial, else 1). */
function staticFactor(d: Dim): number {
  if (d.value !== undefined) return d.value;
  for (const f of [12, 8, 6, 5, 4, 3, 2]) {
    const q = d.floorDiv(f);
    if (q.mul(f).equals(d)) return f;
  }
  return 1;
}

/**
 * One model or block body: its values (a pool to pick operands from), the
 * statements that bind them, and every dim it produced (each must be ≥ 1).
 */
class Body {
  readonly lines: string[] = [];
  readonly pool: Value[] = [];
  readonly dims: Dim[] = [];
  counter = 0;

  constructor(
    readonly d: Draw,
    readonly file: FileBuilder,
    readonly symbols: string[],
    /** The largest size of each symbol (learned positional tables cover it). */
    readonly maxEnv: Record<string, number>,
    readonly block: { width?: { name: string; value: number } } | undefined,
    /** Per-example lengths: the input's name and the symbol it counts. */
    readonly lengths?: { name: string; symbol: string },
  ) {}

  fresh(prefix = "v"): string {
    return `${prefix}${++this.counter}`;
  }

  /** A dim is acceptable: static ones ≥ 1, symbolic ones leave every symbol a smallest legal size ≤ MIN_CAP. */
  admits(shape: Dim[], extra: Dim[] = []): boolean {
    const all = [...shape, ...extra];
    if (all.some((d) => d.value !== undefined && d.value < 1)) return false;
    const env = this.maxEnv;
    const elements = product(shape).evaluate(env) ?? 0;
    if (elements > ELEMENT_CAP) return false;
    const symbolic = all.filter((d) => d.value === undefined);
    if (!symbolic.length) return true;
    const min = smallestLegal([...this.dims, ...symbolic], this.symbols);
    return !!min && Object.values(min).every((v) => v <= MIN_CAP);
  }

  /** Where the body stands, to undo a construction that is thrown away (its dims must not constrain the sizes). */
  mark(): { dims: number; blocks: number; features: number } {
    return { dims: this.dims.length, blocks: this.file.blocks.length, features: this.file.features.length };
  }

  rollback(m: ReturnType<Body["mark"]>): void {
    this.dims.length = m.dims;
    this.file.blocks.length = m.blocks;
    this.file.features.length = m.features;
  }

  record(shape: Dim[]): void {
    for (const d of shape) if (d.value === undefined && !this.dims.some((e) => e.equals(d))) this.dims.push(d);
  }

  isLengthsAxis(d: Dim | undefined): boolean {
    return !!this.lengths && !!d && d.equals(Dim.symbol(this.lengths.symbol));
  }

  bind(text: string, out: Value, output = false): Value {
    const name = this.fresh();
    this.lines.push(`${output ? "output " : ""}${name} = ${text}`);
    const v = { ...out, name };
    this.pool.push(v);
    this.record(v.shape);
    return v;
  }

  /** A pool value, recent ones more likely. */
  pickValue(filter: (v: Value) => boolean = () => true): Value | undefined {
    const xs = this.pool.filter(filter);
    if (!xs.length) return undefined;
    const i = this.d.bool(0.6) ? xs.length - 1 - this.d.int(0, Math.min(2, xs.length - 1)) : this.d.int(0, xs.length - 1);
    return xs[i];
  }

  // ---- stages: `x -> stage` ------------------------------------------------

  stage(v: Value, preserve = false): Stage | undefined {
    const kinds: string[] = v.dtype === "i32"
      ? ["embedding", "embedding", "embedding", "reshape", "flatten"]
      : preserve
        ? ["activation", "activation", "dropout", "dense", "dense", "layernorm", "attention", "attention", "recurrent", "recurrent", "positional", "conv", "conv", "pool", "repeat", "block"]
        : ["activation", "activation", "activation", "dropout", "dense", "dense", "dense", "layernorm", "conv", "conv", "pool", "pool", "flatten", "reshape", "reshape", "reduce", "reduce", "last", "recurrent", "recurrent", "attention", "attention", "positional", "repeat", "block", "block"];
    // Volumes have few layers that take them: windows more often.
    if (v.shape.length === 4 && v.dtype === "f32") kinds.push("pool", "pool", "conv");
    for (let tries = 0; tries < 12; tries++) {
      const kind = this.d.pick(kinds);
      const m = this.mark();
      const s = this.stageOf(kind, v, preserve);
      if (s && (!preserve || sameShape(s.out.shape, v.shape)) && this.admits(s.out.shape)) return s;
      this.rollback(m);
    }
    return undefined;
  }

  private stageOf(kind: string, v: Value, preserve: boolean): Stage | undefined {
    const d = this.d;
    const rank = v.shape.length;
    const lastDim = rank ? v.shape[rank - 1]! : undefined;
    const last = lastDim?.value;
    const f32 = (shape: Dim[]): Value => ({ name: "", shape, dtype: "f32" });
    const widthText = (n: number) => (this.block?.width && this.block.width.value === n && d.bool(0.7) ? this.block.width.name : String(n));
    switch (kind) {
      case "activation": {
        const acts = ["relu", "tanh", "sigmoid", "gelu", "leaky_relu", `leaky_relu(alpha: ${d.pick([0.1, 0.3])})`];
        if (rank >= 1) acts.push("softmax", `softmax(axis: ${d.int(-rank, rank - 1)})`);
        return { text: d.pick(acts), out: f32(v.shape) };
      }
      case "dropout":
        return { text: `dropout(${d.pick([0.1, 0.25, 0.5])})`, out: f32(v.shape) };
      case "dense": {
        if (last === undefined) return undefined;
        const units = preserve ? last : d.int(1, 6);
        const act = d.bool(0.4) ? ` -> ${d.pick(["relu", "tanh", "sigmoid", "leaky_relu(alpha: 0.2)"])}` : "";
        if (act) this.file.feature("fused-activation");
        return { text: `dense(${widthText(units)}${d.bool(0.2) ? ", bias: false" : ""})${act}`, out: f32([...v.shape.slice(0, -1), Dim.const(units)]) };
      }
      case "layernorm":
        return last === undefined ? undefined : { text: "layernorm", out: f32(v.shape) };
      case "conv": {
        const r = rank - 1;
        if (r < 1 || r > 3 || last === undefined) return undefined;
        const filters = preserve ? last : d.int(1, 5);
        const kernel: number[] = [], stride: number[] = [], dilation: number[] = [];
        const padding = preserve ? "same" : d.pick(["valid", "valid", "same", "int"] as const);
        const pads: number[] = [];
        const out: Dim[] = [];
        for (let a = 0; a < r; a++) {
          kernel.push(d.int(1, r === 3 ? 2 : r === 2 ? 3 : 5));
          stride.push(preserve ? 1 : d.pick([1, 1, 1, 2, 3]));
          dilation.push(d.pick([1, 1, 1, 2]));
          pads.push(d.int(0, 2));
          const span = dilation[a]! * (kernel[a]! - 1) + 1;
          const L = v.shape[a]!;
          out.push(padding === "same" ? L.ceilDiv(stride[a]!) : L.add(padding === "int" ? 2 * pads[a]! : 0).sub(span).floorDiv(stride[a]!).add(1));
        }
        const opt = (name: string, xs: number[], def: number) => (xs.every((x) => x === def) && d.bool(0.7) ? "" : `, ${name}: ${tuple(d, xs)}`);
        const pad = padding === "int" ? `, padding: ${tuple(d, pads)}` : padding === "valid" && d.bool(0.7) ? "" : `, padding: ${padding}`;
        const text = `conv${r}d(${widthText(filters)}, kernel: ${tuple(d, kernel)}${opt("stride", stride, 1)}${opt("dilation", dilation, 1)}${pad}${d.bool(0.15) ? ", bias: false" : ""})`;
        const act = d.bool(0.4) ? ` -> ${d.pick(["relu", "tanh", "sigmoid", "leaky_relu"])}` : "";
        if (act) this.file.feature("fused-activation");
        this.file.feature(`conv-padding-${padding}`);
        if (stride.some((x) => x > 1)) this.file.feature("strided");
        if (dilation.some((x) => x > 1)) this.file.feature("dilated");
        if (out.some((o, a) => !o.equals(v.shape[a]!))) this.file.feature(out.some((o) => o.value === undefined) ? "shrinks-symbolic-axis" : "shrinks-axis");
        return { text: text + act, out: f32([...out, Dim.const(filters)]) };
      }
      case "pool": {
        const r = rank - 1;
        if (r < 1 || r > 3) return undefined;
        const size: number[] = [], stride: number[] = [], pads: number[] = [];
        const padding = preserve ? "same" : d.pick(["valid", "valid", "same", "int"] as const);
        const explicitStride = preserve || d.bool(0.5);
        const out: Dim[] = [];
        for (let a = 0; a < r; a++) {
          size.push(d.int(1, 3));
          stride.push(preserve ? 1 : explicitStride ? d.int(1, 3) : size[a]!);
          // Padding of at most size − 1: a window in the padding alone is an error (NN2009).
          pads.push(d.int(0, size[a]! - 1));
          const L = v.shape[a]!;
          out.push(padding === "same" ? L.ceilDiv(stride[a]!) : L.add(padding === "int" ? 2 * pads[a]! : 0).sub(size[a]!).floorDiv(stride[a]!).add(1));
        }
        const kind2 = d.pick(["max", "avg"]);
        const pad = padding === "int" ? `, padding: ${tuple(d, pads)}` : padding === "valid" ? "" : `, padding: ${padding}`;
        const text = `${kind2}pool${r}d(${tuple(d, size)}${explicitStride ? `, stride: ${tuple(d, stride)}` : ""}${pad})`;
        if (lastDim!.value === undefined) this.file.feature("symbolic-channels");
        this.file.feature(`pool-padding-${padding}`);
        return { text, out: { ...v, name: "", dtype: v.dtype, shape: [...out, lastDim!] } };
      }
      case "flatten":
        return rank === 0 ? undefined : { text: "flatten", out: { ...v, name: "", shape: [product(v.shape)] } };
      case "reshape": {
        const total = product(v.shape);
        const P = staticFactor(total);
        const sym = total.value === undefined;
        // Static factors whose product divides P; with a symbolic total one dim is -1 (it becomes the symbolic part, perhaps grown).
        const factors: number[] = [];
        let left = P;
        const n = d.int(sym ? 0 : 1, 2);
        for (let i = 0; i < n; i++) {
          const f = d.pick(divisors(left));
          factors.push(f);
          left /= f;
        }
        if (!sym) {
          if (left > 1 || !factors.length) factors.push(left);
          if (d.bool(0.3)) factors[d.int(0, factors.length - 1)] = -1;
        } else factors.splice(d.int(0, factors.length), 0, -1);
        const known = factors.filter((f) => f > 0).reduce((a, b) => a * b, 1);
        const shape = factors.map((f) => (f === -1 ? total.floorDiv(known) : Dim.const(f)));
        if (!product(shape).equals(total)) return undefined;
        if (sym && shape.some((s, i) => s.value === undefined && v.shape[i] && !s.equals(v.shape[i]!))) this.file.feature("reshape-symbolic-axis");
        return { text: `reshape(${factors.join(", ")})`, out: { ...v, name: "", shape } };
      }
      case "reduce": {
        if (rank === 0 || (rank === 1 && !d.bool(0.3))) return undefined;
        const axis = d.int(0, rank - 1);
        if (v.shape[axis]!.value === undefined) this.file.feature("reduce-symbolic-axis");
        const written = d.bool(0.5) ? axis - rank : axis;
        const text = d.bool(0.5) ? `${d.pick(["mean", "max"])}(axis: ${written})` : `${d.pick(["mean", "max"])}(${written})`;
        return { text, out: f32(v.shape.filter((_, i) => i !== axis)) };
      }
      case "last": {
        if (rank !== 2) return undefined;
        const lengths = this.isLengthsAxis(v.shape[0]) && d.bool(0.6) ? `(lengths: ${this.lengths!.name})` : "";
        if (lengths) this.file.feature("lengths");
        return { text: `last${lengths}`, out: f32([v.shape[1]!]) };
      }
      case "recurrent": {
        if (rank !== 2 || last === undefined) return undefined;
        const layer = d.pick(["rnn", "lstm", "gru"]);
        const dir = d.pick(["", "", "reverse", "bidirectional"]);
        const sequences = preserve || d.bool(0.5);
        // Sometimes as wide as a vector in the pool, to start from it (`initial:`).
        const h0 = dir !== "bidirectional" && !preserve && d.bool(0.8) ? this.pickValue((w) => w.dtype === "f32" && w.shape.length === 1 && w.shape[0]!.value !== undefined && w.shape[0]!.value <= 8) : undefined;
        let units = h0 ? h0.shape[0]!.value! : d.int(1, 5);
        if (preserve) {
          if (dir === "bidirectional" && last % 2) return undefined;
          units = dir === "bidirectional" ? last / 2 : last;
        }
        const opts: string[] = [String(units)];
        if (sequences) opts.push("sequences: true");
        else if (d.bool(0.2)) opts.push("sequences: false");
        if (dir) {
          opts.push(`${dir}: true`);
          this.file.feature(dir);
        }
        if (sequences) this.file.feature("sequences");
        if (layer === "rnn" && d.bool(0.4)) opts.push(`activation: ${d.pick(["relu", "tanh"])}`);
        if (this.isLengthsAxis(v.shape[0]) && d.bool(0.6)) {
          opts.push(`lengths: ${this.lengths!.name}`);
          this.file.feature("lengths");
        }
        if (h0) {
          opts.push(`initial: ${h0.name}`);
          this.file.feature("initial-state");
        }
        const width = Dim.const(dir === "bidirectional" ? 2 * units : units);
        return { text: `${layer}(${opts.join(", ")})`, out: f32(sequences ? [v.shape[0]!, width] : [width]) };
      }
      case "attention": {
        if (rank !== 2 || last === undefined) return undefined;
        const heads = d.pick(divisors(last).filter((h) => h <= 4));
        const opts: string[] = [];
        if (heads > 1 || d.bool(0.2)) opts.push(`heads: ${heads}`);
        // Cross-attention as a stage: `q -> attention(kv, …)`.
        const kv = d.bool(0.35) ? this.pickValue((w) => w.dtype === "f32" && w.shape.length === 2 && w.shape[1]!.value === last) : undefined;
        const keys = kv ? kv.shape[0]! : v.shape[0]!;
        if (!kv && d.bool(0.4)) {
          opts.push("causal: true");
          this.file.feature("causal");
        }
        if (heads > 1) this.file.feature("heads");
        if (this.isLengthsAxis(keys) && d.bool(0.5)) {
          opts.push(`lengths: ${this.lengths!.name}`);
          this.file.feature("lengths");
        }
        if (!this.admits([v.shape[0]!.mul(keys).mul(heads)])) return undefined;
        if (kv) this.file.feature("cross-attention");
        return { text: `attention(${[kv?.name, ...opts].filter(Boolean).join(", ")})`, out: f32(v.shape) };
      }
      case "positional": {
        if (rank !== 2 || last === undefined) return undefined;
        if (this.block || d.bool(0.5)) return { text: d.bool(0.5) ? "positional" : "positional(kind: sinusoidal)", out: f32(v.shape) };
        const steps = v.shape[0]!.evaluate(this.maxEnv)!;
        this.file.feature("learned-positional");
        return { text: `positional(kind: learned, max: ${steps + d.int(0, 3)})`, out: f32(v.shape) };
      }
      case "embedding":
        return this.embedding(v);
      case "repeat": {
        // A stage that keeps its shape, several times: `dense(c) as h * 2`.
        if (last === undefined) return undefined;
        const n = d.int(2, 3);
        this.file.feature("repeat-layer");
        if (d.bool(0.5)) return { text: `dense(${widthText(last)}) as ${this.file.freshAs()} * ${n}`, out: f32(v.shape) };
        return { text: `${d.pick(["dense(" + widthText(last) + ")", "layernorm", "tanh"])} * ${n}`, out: f32(v.shape) };
      }
      case "block":
        return this.block ? undefined : this.file.blockCall(this, v);
    }
    return undefined;
  }

  /** `embedding(vocab, dim)` with the dim drawn once so the text and the shape agree. */
  embedding(v: Value): Stage | undefined {
    if (v.dtype !== "i32" || v.range === undefined) return undefined;
    const dim = this.d.int(1, 6);
    return { text: `embedding(${v.range + this.d.int(0, 2)}, ${dim})`, out: { name: "", shape: [...v.shape, Dim.const(dim)], dtype: "f32" } };
  }

  /** A chain of stages from v. */
  chain(v: Value, stages: number, preserve = false): { text: string; out: Value } | undefined {
    let cur = v;
    const texts: string[] = [];
    for (let i = 0; i < stages; i++) {
      const s = cur.dtype === "i32" && this.d.bool(0.7) ? this.embedding(cur) : this.stage(cur, preserve);
      if (!s) break;
      texts.push(s.text);
      cur = s.out;
      this.record(cur.shape);
    }
    return texts.length ? { text: texts.join(" -> "), out: cur } : undefined;
  }

  // ---- combinations of named values ---------------------------------------

  /** An expression over pool values: residuals, broadcasting arithmetic, concat, cross-attention, negation. */
  combine(): { text: string; out: Value } | undefined {
    const d = this.d;
    for (let tries = 0; tries < 8; tries++) {
      const m = this.mark();
      const found = this.combination();
      if (found) return found;
      this.rollback(m);
    }
    return undefined;
  }

  private combination(): { text: string; out: Value } | undefined {
    const d = this.d;
    const kind = d.pick(["residual", "residual", "gate", "binary", "binary", "concat", "concat", "cross", "neg"]);
    const a = this.pickValue((v) => v.dtype === "f32");
    if (!a) return undefined;
    switch (kind) {
      case "residual": {
        const inner = this.chain(a, d.int(1, 2), true);
        if (!inner || !sameShape(inner.out.shape, a.shape)) break;
        this.file.feature("residual");
        const op = d.pick(["+", "+", "-", "*"]);
        return { text: d.bool(0.7) ? `${a.name} ${op} (${a.name} -> ${inner.text})` : `(${a.name} -> ${inner.text}) ${op} ${a.name}`, out: { ...a, name: "" } };
      }
      case "gate": {
        // [.., n] * [.., 1]: broadcasting along the last axis.
        if (!a.shape.length || a.shape[a.shape.length - 1]!.value === undefined) break;
        this.file.feature("broadcast");
        return { text: `${a.name} * (${a.name} -> dense(1) -> sigmoid)`, out: { ...a, name: "" } };
      }
      case "binary": {
        const b = this.pickValue((w) => w.dtype === "f32" && broadcast({ dtype: "f32", shape: a.shape }, { dtype: "f32", shape: w.shape }) !== undefined);
        if (!b) break;
        const shape = broadcast({ dtype: "f32", shape: a.shape }, { dtype: "f32", shape: b.shape })!;
        if (!sameShape(a.shape, b.shape)) this.file.feature("broadcast");
        const op = d.pick(["+", "-", "*"]);
        const [x, y] = d.bool(0.5) ? [a, b] : [b, a];
        return { text: `${x.name} ${op} ${y.name}`, out: { name: "", shape, dtype: "f32" } };
      }
      case "concat": {
        const c = this.pickValue((w) => w.shape.length >= 1);
        if (!c) break;
        const rank = c.shape.length;
        const axis = d.int(0, rank - 1);
        const partners = this.pool.filter((w) => w.dtype === c.dtype && w.shape.length === rank && w.shape.every((x, i) => i === axis || x.equals(c.shape[i]!)));
        const n = d.int(1, 2);
        const others = Array.from({ length: n }, () => d.pick(partners));
        const all = [c, ...others];
        const along = all.reduce((s, w) => s.add(w.shape[axis]!), Dim.const(0));
        const shape = c.shape.map((x, i) => (i === axis ? along : x));
        if (!this.admits(shape)) break;
        if (along.value === undefined) this.file.feature(`concat-symbolic-axis`);
        const written = d.bool(0.5) ? axis - rank : axis;
        const axisText = written === -1 && d.bool(0.5) ? "" : `, axis: ${written}`;
        return { text: `concat(${all.map((w) => w.name).join(", ")}${axisText})`, out: { name: "", shape, dtype: c.dtype, ...(c.range !== undefined ? { range: Math.max(...all.map((w) => w.range ?? 0)) } : {}) } };
      }
      case "cross": {
        if (a.shape.length !== 2 || a.shape[1]!.value === undefined) break;
        const width = a.shape[1]!.value!;
        const kv = this.pickValue((w) => w.dtype === "f32" && w !== a && w.shape.length === 2 && w.shape[1]!.value === width);
        if (!kv) break;
        const heads = d.pick(divisors(width).filter((h) => h <= 4));
        const lengths = this.isLengthsAxis(kv.shape[0]) && d.bool(0.5) ? `, lengths: ${this.lengths!.name}` : "";
        if (!this.admits([a.shape[0]!.mul(kv.shape[0]!).mul(heads)])) break;
        this.file.feature("cross-attention");
        return { text: `attention(${a.name}, ${kv.name}, heads: ${heads}${lengths})`, out: { ...a, name: "" } };
      }
      case "neg":
        return { text: `-${a.name}`, out: { ...a, name: "" } };
    }
    return undefined;
  }

  /** One statement: a named value or a combination, then stages. */
  statement(output = false, from?: Value): Value | undefined {
    const m = this.mark();
    const v = this.tryStatement(output, from);
    if (!v) this.rollback(m);
    return v;
  }

  private tryStatement(output: boolean, from?: Value): Value | undefined {
    const d = this.d;
    let head: { text: string; out: Value } | undefined;
    let needStage = false;
    if (!from && d.bool(0.35)) head = this.combine();
    if (!head) {
      const v = from ?? this.pickValue();
      if (!v) return undefined;
      head = { text: v.name, out: v };
      needStage = true;
    }
    const stages = d.int(needStage ? 1 : 0, 3);
    const rest = stages ? this.chain(head.out, stages) : undefined;
    if (needStage && !rest) return undefined;
    return this.bind(rest ? `${head.text} -> ${rest.text}` : head.text, rest ? rest.out : head.out, output);
  }
}

function sameShape(a: Dim[], b: Dim[]): boolean {
  return a.length === b.length && a.every((x, i) => x.equals(b[i]!));
}

/** An int or, for several axes, a tuple (or the int when all agree). */
function tuple(d: Draw, xs: number[]): string {
  if (xs.length === 1) return d.bool(0.85) ? String(xs[0]) : `(${xs[0]})`;
  if (xs.every((x) => x === xs[0]) && d.bool(0.6)) return String(xs[0]);
  return `(${xs.join(", ")})`;
}

class FileBuilder {
  readonly blocks: string[] = [];
  readonly features: string[] = [];
  private asCounter = 0;

  constructor(readonly d: Draw) {}

  feature(name: string): void {
    this.features.push(name);
  }

  freshAs(): string {
    return `named${++this.asCounter}`;
  }

  /**
   * A block for value v, written for it: its input declares v's symbolic
   * axes as the block's own symbols (bound per instance) and its static last
   * axis as the parameter `d`; a block whose output keeps the input's shape
   * may be repeated (`* n`). Returns the call as a stage, or undefined.
   */
  blockCall(caller: Body, v: Value): Stage | undefined {
    const d = this.d;
    if (v.dtype !== "f32" || v.shape.length === 0 || v.shape.length > 3) return undefined;
    const names = ["L", "M", "K"];
    const bound = new Map<string, Dim>();
    const declared: string[] = [];
    const inner: Dim[] = [];
    let width: { name: string; value: number } | undefined;
    v.shape.forEach((dim, i) => {
      const last = i === v.shape.length - 1;
      if (last && dim.value !== undefined && d.bool(0.8)) {
        width = { name: "d", value: dim.value };
        declared.push("d");
        inner.push(dim);
      } else if (dim.value === undefined || d.bool(0.2)) {
        const s = names[i]!;
        bound.set(s, dim);
        declared.push(s);
        inner.push(Dim.symbol(s));
      } else {
        declared.push(String(dim.value));
        inner.push(dim);
      }
    });
    const symbols = [...bound.keys()];
    const maxEnv = Object.fromEntries(symbols.map((s) => [s, bound.get(s)!.evaluate(caller.maxEnv) ?? MAX_SIZE]));
    const body = new Body(d, this, symbols, maxEnv, { ...(width ? { width } : {}) });
    const x: Value = { name: "x", shape: inner, dtype: "f32" };
    body.pool.push(x);
    body.record(inner);
    // A second input for cross-attention inside the block, from the caller's pool.
    let memory: Value | undefined;
    if (inner.length === 2 && inner[1]!.value !== undefined && d.bool(0.3)) memory = caller.pickValue((w) => w.dtype === "f32" && w.shape.length === 2 && w.shape[1]!.value === inner[1]!.value && w !== v);
    if (memory) {
      const m = { name: "m", shape: [Dim.symbol("S"), inner[1]!], dtype: "f32" as const };
      bound.set("S", memory.shape[0]!);
      body.symbols.push("S");
      body.maxEnv.S = memory.shape[0]!.evaluate(caller.maxEnv) ?? MAX_SIZE;
      body.pool.push(m);
      body.record(m.shape);
    }
    const repeat = d.bool(0.5);
    const statements = d.int(1, 3);
    let out: Value = x;
    for (let i = 0; i < statements; i++) {
      const isLast = i === statements - 1;
      if (repeat) {
        // Keep the shape: residuals and shape-keeping chains from the latest value.
        const chain = body.chain(out, d.int(1, 2), true);
        if (!chain || !sameShape(chain.out.shape, inner)) continue;
        const text = d.bool(0.6) ? `${out.name} + (${out.name} -> ${chain.text})` : `${out.name} -> ${chain.text}`;
        if (memory && d.bool(0.5) && inner[1]!.value !== undefined) {
          const heads = d.pick(divisors(inner[1]!.value!).filter((h) => h <= 4));
          out = body.bind(`${text} -> layernorm`, { ...out, name: "" });
          out = body.bind(`${out.name} + attention(${out.name}, m, heads: ${heads})`, { ...out, name: "" });
          this.feature("cross-attention");
        } else out = body.bind(text, { ...out, name: "" });
      } else {
        const s = body.statement();
        if (s) out = s;
      }
      if (isLast && out === x) return undefined;
    }
    if (out === x || out.dtype !== "f32") return undefined;
    // The last statement becomes the block's output.
    const lastLine = body.lines.pop()!;
    body.lines.push(lastLine.replace(/^(output )?(\w+) = /, "output $2 = "));
    const params = [width ? "d" : undefined, d.bool(0.3) ? `unused = ${d.int(1, 4)}` : undefined].filter(Boolean);
    const name = `Blk${this.blocks.length + 1}`;
    const inputs = [`  input x: f32[${declared.join(", ")}]`];
    if (memory) inputs.push(`  input m: f32[S, ${width ? "d" : inner[1]!.value}]`);
    const text = `block ${name}(${params.join(", ")}) {\n${inputs.join("\n")}\n${body.lines.map((l) => "  " + l).join("\n")}\n}`;
    // Shapes and constraints in the caller's dims.
    const toCaller = (dim: Dim) => dim.substitute(bound);
    const outShape = out.shape.map(toCaller);
    const constraints = body.dims.map(toCaller);
    const sameAsInput = sameShape(out.shape, inner);
    const times = repeat && sameAsInput && d.bool(0.7) ? d.int(2, 3) : 1;
    if (!caller.admits(outShape, constraints)) return undefined;
    for (const c of constraints) caller.record([c]);
    this.blocks.push(text);
    this.feature("block");
    if (times > 1) this.feature("repeat-block");
    const args = [memory?.name, width ? (d.bool(0.5) ? String(width.value) : `d: ${width.value}`) : undefined].filter(Boolean);
    return { text: `${name}(${args.join(", ")})${times > 1 ? ` * ${times}` : ""}`, out: { name: "", shape: outShape, dtype: "f32" } };
  }
}

/** Symbol names: mostly the usual, sometimes names that meet generated code (locals, prefixes, non-ASCII). */
function symbolName(d: Draw, usual: string, taken: Set<string>): string {
  const name = d.bool(0.85) ? usual : d.pick([`${usual}_`, "Länge", "dim0", "B", "w", "size"]);
  return taken.has(name) ? usual : name;
}

export function generateModel(d: Draw): GeneratedModel {
  const file = new FileBuilder(d);
  const symbolsUsed = new Set<string>();
  const T = symbolName(d, "T", symbolsUsed);
  symbolsUsed.add(T);
  const names = { T, S: "S", H: "H", W: "W", C: "C" };
  const maxEnv: Record<string, number> = Object.fromEntries(Object.values(names).map((s) => [s, MAX_SIZE]));
  const inputs: InputInfo[] = [];
  const declare: string[] = [];
  const pool: Value[] = [];
  const addInput = (name: string, dtype: "f32" | "i32", shape: Dim[], fill: InputInfo["fill"], range?: number) => {
    declare.push(`  input ${name}: ${dtype}${shape.length ? `[${shapeText(shape)}]` : ""}`);
    inputs.push({ name, role: "input", dtype, fill, shape, ...(range !== undefined ? { range: Dim.const(range) } : {}) });
    pool.push({ name, shape, dtype, ...(range !== undefined ? { range } : {}) });
  };
  const sym = (s: string) => Dim.symbol(s);
  const stat = (min: number, max: number) => Dim.const(d.int(min, max));
  const kinds = d.int(1, 3);
  for (let i = 0; i < kinds; i++) {
    const kind = d.pick(["seq", "seq", "seq", "tokens", "tokens", "grid", "grid", "volume", "volume", "vector", "vector", "second", "channels", "expr"]);
    const n = inputs.length + 1;
    switch (kind) {
      case "seq":
        addInput(`x${n}`, "f32", [sym(T), stat(1, 6)], "float");
        break;
      case "tokens":
        addInput(`tok${n}`, "i32", d.bool(0.7) ? [sym(T)] : [sym(T), stat(1, 3)], "index", d.int(2, 12));
        break;
      case "grid":
        addInput(`img${n}`, "f32", [d.bool(0.5) ? sym(names.H) : stat(2, 7), d.bool(0.5) ? sym(names.W) : stat(2, 7), stat(1, 3)], "float");
        break;
      case "volume": {
        const axis = d.int(-1, 2);
        addInput(`vol${n}`, "f32", [0, 1, 2].map((a) => (a === axis ? sym(names.H) : stat(2, 4))).concat([stat(1, 2)]), "float");
        break;
      }
      case "vector":
        addInput(`vec${n}`, "f32", d.bool(0.85) ? [stat(1, 6)] : [], "float");
        break;
      case "second":
        if (d.bool(0.5)) addInput(`src${n}`, "i32", [sym(names.S)], "index", d.int(2, 9));
        else addInput(`mem${n}`, "f32", [sym(names.S), stat(1, 6)], "float");
        break;
      case "channels":
        // A symbolic channel (last) axis.
        addInput(`ch${n}`, "f32", d.bool(0.5) ? [stat(2, 6), sym(names.C)] : [sym(T), sym(names.C)], "float");
        break;
      case "expr": {
        // A declared dim that is an expression over a symbol.
        const e = d.pick([sym(T).mul(2), sym(T).add(1), sym(T).sub(1), sym(T).mul(2).add(d.int(-1, 2))]);
        addInput(`ex${n}`, "f32", [e, stat(1, 4)], "float");
        file.feature("expression-dim");
        break;
      }
    }
  }
  // A vector beside sequences: a recurrent layer may start from it (`initial:`).
  if (pool.some((v) => v.shape.length === 2 || v.dtype === "i32") && !pool.some((v) => v.shape.length === 1 && v.dtype === "f32" && v.shape[0]!.value !== undefined) && d.bool(0.4))
    addInput(`vec${inputs.length + 1}`, "f32", [stat(1, 5)], "float");
  const stepInput = pool.some((v) => v.shape[0]?.equals(sym(T)));
  let lengths: { name: string; symbol: string } | undefined;
  if (stepInput && d.bool(0.5)) {
    lengths = { name: "n", symbol: T };
    declare.push(`  input n: i32`);
    inputs.push({ name: "n", role: "input", dtype: "i32", fill: "lengths", symbol: T, shape: [] });
  }
  const symbols = [...new Set(inputs.flatMap((i) => i.shape.flatMap((s) => [...s.symbols()])))];
  const body = new Body(d, file, symbols, maxEnv, undefined, lengths);
  for (const v of pool) {
    body.pool.push(v);
    body.record(v.shape);
  }
  // Every input feeds a statement, then any values do.
  for (const v of pool) body.statement(d.bool(0.15), v);
  const statements = d.int(1, 6);
  for (let i = 0; i < statements; i++) body.statement(d.bool(0.15));

  // Outputs and the loss.
  const targets: string[] = [];
  const lossLines: string[] = [];
  let hasLoss = false;
  const prediction = body.pickValue((v) => v.dtype === "f32" && !inputs.some((i) => i.name === v.name)) ?? body.pickValue((v) => v.dtype === "f32");
  if (prediction && d.bool(0.92)) {
    let cur: Value = prediction;
    const stages: string[] = [];
    const push = (text: string, out: Value) => {
      stages.push(text);
      cur = out;
    };
    // Every dim of the loss's inputs must be writable in a target's declaration: reduce the others away.
    for (let a = cur.shape.length - 1; a >= 0; a--) if (source(cur.shape[a]!) === undefined) push(`${d.pick(["mean", "max"])}(axis: ${a})`, { ...cur, shape: cur.shape.filter((_, i) => i !== a) });
    if (cur.shape.length > 3) push("flatten", { ...cur, shape: [product(cur.shape)] });
    const kind = d.pick(["cross_entropy", "cross_entropy", "mse", "binary_cross_entropy"]);
    if (kind === "cross_entropy") {
      if (!cur.shape.length) push("reshape(1)", { ...cur, shape: [Dim.const(1)] });
      // Classes along a symbolic axis are fine (labels stay below its size); else reduce it away.
      if (cur.shape[cur.shape.length - 1]!.value === undefined && d.bool(0.5)) push("mean(axis: -1)", { ...cur, shape: cur.shape.slice(0, -1) });
      if (!cur.shape.length) push("reshape(1)", { ...cur, shape: [Dim.const(1)] });
      const c = cur.shape[cur.shape.length - 1]!;
      if (c.value !== undefined && (c.value < 2 || d.bool(0.2))) {
        const units = d.int(2, 5);
        push(`dense(${units})`, { ...cur, dtype: "f32", shape: [...cur.shape.slice(0, -1), Dim.const(units)] });
      }
    }
    const logits = stages.length ? body.bind(`${prediction.name} -> ${stages.join(" -> ")}`, cur) : prediction;
    const already = body.lines.some((l) => l.startsWith(`output ${logits.name} `));
    if (!already && d.bool(0.6)) body.lines.push(`output ${logits.name}`);
    if (kind === "cross_entropy") {
      const labelShape = logits.shape.slice(0, -1);
      const classes = logits.shape[logits.shape.length - 1]!;
      if (classes.value === undefined) file.feature("symbolic-classes");
      targets.push(`  target label: i32${labelShape.length ? `[${shapeText(labelShape)}]` : ""}`);
      inputs.push({ name: "label", role: "target", dtype: "i32", fill: "index", range: classes, shape: labelShape });
      const masked = lengths && body.isLengthsAxis(labelShape[0]) && d.bool(0.6);
      if (masked) file.feature("lengths");
      lossLines.push(`  loss cross_entropy(${logits.name}, label${masked ? `, lengths: ${lengths!.name}` : ""})`);
    } else {
      targets.push(`  target goal: f32${logits.shape.length ? `[${shapeText(logits.shape)}]` : ""}`);
      inputs.push({ name: "goal", role: "target", dtype: "f32", fill: kind === "mse" ? "float" : "unit", shape: logits.shape });
      lossLines.push(`  loss ${kind}(${logits.name}, goal)`);
    }
    hasLoss = true;
  }
  // Further outputs: other values, or a fresh expression.
  const outputs = new Set(body.lines.filter((l) => l.startsWith("output ")).map((l) => l.split(/[ =]+/)[1]!));
  for (let i = d.int(outputs.size ? 0 : 1, 2); i > 0; i--) {
    const v = body.pickValue((w) => w.dtype === "f32" && !outputs.has(w.name) && !inputs.some((inp) => inp.name === w.name));
    if (!v) break;
    outputs.add(v.name);
    body.lines.push(`output ${v.name}`);
  }
  if (!outputs.size) {
    const v = body.pool.find((w) => w.dtype === "f32" && !inputs.some((inp) => inp.name === w.name));
    if (v) body.lines.push(`output ${v.name}`);
    else body.lines.push(`output out = ${body.pool[0]!.name} -> ${body.pool[0]!.dtype === "i32" ? `embedding(${body.pool[0]!.range! + 1}, 2)` : "tanh"}`);
  }

  const modelName = d.pick(["M", "Model", "Net"]);
  const text = [...file.blocks, `model ${modelName} {\n${[...declare, ...targets, ...body.lines.map((l) => "  " + l), ...lossLines].join("\n")}\n}`].join("\n\n") + "\n";
  const minimum = smallestLegal(body.dims, symbols) ?? Object.fromEntries(symbols.map((s) => [s, MAX_SIZE]));
  return {
    source: text,
    model: modelName,
    inputs,
    symbols,
    minimum,
    maximum: Object.fromEntries(symbols.map((s) => [s, MAX_SIZE])),
    features: [...new Set(file.features)].sort(),
    hasDropout: /\bdropout\(/.test(text),
    hasLoss,
  };
}

/** Random valid models (see the file's comment). */
export const modelArbitrary: fc.Arbitrary<GeneratedModel> = fc.gen().map((g) => generateModel(drawFrom(g)));
