// Validation of what a caller passes to a generated model: every run-time
// error names the input (or dim) and, for a wrong length, the expected and
// actual sizes (spec §8–§9).

export interface TensorSpec {
  dtype: "f32" | "i32";
  /**
   * Per-example dims: numbers, symbol names bound by `dims`, or expressions
   * over symbols as declared (`"2 * T"`, `"T - 4"`: integers, symbols, + - *
   * and parentheses).
   */
  shape: readonly (number | string)[];
}

export type Dims = { batch: number; [symbol: string]: number };


/**
 * Each symbol's smallest legal value, as a model class's `static minDims`
 * holds it: the least value for which no layer's output axis is empty or
 * negative (`conv1d(…, kernel: 5)` needs T ≥ 5), and the layer that imposes it.
 */
export type MinDims = Readonly<Record<string, { readonly min: number; readonly layer: string; readonly line: number; readonly file?: string }>>;

/** Throws when a symbol is below its smallest legal value, naming the dim, its value, the minimum and the layer. */
export function checkMinDims(where: string, minDims: MinDims, values: Readonly<Record<string, number | undefined>>): void {
  for (const [symbol, m] of Object.entries(minDims)) {
    const v = Object.hasOwn(values, symbol) ? values[symbol] : undefined;
    if (typeof v !== "number" || !(v < m.min)) continue;
    const at = m.file !== undefined ? `${m.file} line ${m.line}` : `line ${m.line}`;
    throw new RangeError(`${where}: ${symbol} = ${v} is too short: ${m.layer} (${at}) needs ${symbol} ≥ ${m.min}`);
  }
}
export type TensorData = Float32Array | Int32Array;

function positiveInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v > 0;
}

/**
 * Checks dims and input arrays against the model's specs; returns the batch
 * size and the symbols' values. `fixed` holds dims baked in by `--specialize`;
 * `minDims` each symbol's smallest legal value; `method` names the call in
 * errors (by default `lossAndGrads` with targets, else `forward`).
 */
export function readInputs(
  model: string,
  inputs: Readonly<Record<string, TensorSpec>>,
  targets: Readonly<Record<string, TensorSpec>>,
  given: Readonly<Record<string, TensorData>>,
  dims: Dims,
  withTargets: boolean,
  fixed: Readonly<Record<string, number>> = {},
  minDims: MinDims = {},
  method: string = withTargets ? "lossAndGrads" : "forward",
): { B: number; D: Record<string, number> } {
  const where = `${model}.${method}`;
  if (typeof given !== "object" || given === null) throw new TypeError(`${where}: expected an object of input arrays, got ${given === null ? "null" : typeof given}`);
  if (typeof dims !== "object" || dims === null) throw new TypeError(`${where}: expected dims such as { batch: 32 }, got ${dims === null ? "null" : typeof dims}`);
  if (!positiveInt(dims.batch)) throw new RangeError(`${where}: dims.batch must be a positive integer, got ${String(dims.batch)}`);
  const B = dims.batch;

  const symbols = new Set<string>();
  for (const spec of [...Object.values(inputs), ...Object.values(targets)]) for (const d of spec.shape) if (typeof d === "string") for (const s of dimSymbols(d)) symbols.add(s);
  // No prototype: a symbol named `__proto__` is stored as a value like any other.
  const D: Record<string, number> = Object.create(null);
  for (const s of symbols) {
    const v = Object.hasOwn(dims, s) ? dims[s] : undefined;
    if (v === undefined) throw new RangeError(`${where}: dims.${s} is missing (the size of symbol ${s})`);
    if (!positiveInt(v)) throw new RangeError(`${where}: dims.${s} must be a positive integer, got ${String(v)}`);
    D[s] = v;
  }
  for (const key of Object.keys(dims)) {
    if (key !== "batch" && !symbols.has(key)) {
      const known = symbols.size ? `its symbols are ${[...symbols].join(", ")}` : "it has no symbolic dims";
      throw new RangeError(`${where}: unknown dim '${key}' (${known})`);
    }
  }
  for (const [name, value] of Object.entries(fixed)) {
    const actual = name === "batch" ? B : D[name];
    if (actual !== value) throw new RangeError(`${where}: this module was compiled for ${name} = ${value}, got ${actual}`);
  }
  checkMinDims(where, minDims, D);

  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(inputs, key) && !Object.hasOwn(targets, key)) {
      const expected = Object.keys(inputs).concat(withTargets ? Object.keys(targets) : []);
      throw new RangeError(`${where}: unknown input '${key}' (expected ${expected.map((n) => `'${n}'`).join(", ")})`);
    }
  }
  const check = (name: string, spec: TensorSpec, role: string) => {
    // Own properties only: an input named `constructor` or `__proto__` must not find Object.prototype's.
    const a = Object.hasOwn(given, name) ? given[name] : undefined;
    if (a === undefined) throw new RangeError(`${where}: missing ${role} '${name}'`);
    const want = spec.dtype === "i32" ? Int32Array : Float32Array;
    if (!(a instanceof want)) throw new TypeError(`${where}: ${role} '${name}' must be a ${want.name} (${spec.dtype}), got ${describe(a)}`);
    const sizes = spec.shape.map((d) => (typeof d === "number" ? d : evaluateDim(d, D)));
    sizes.forEach((v, i) => {
      if (v < 1) throw new RangeError(`${where}: ${role} '${name}' has dim ${spec.shape[i]} = ${v} for ${[...dimSymbols(spec.shape[i] as string)].map((s) => `${s} = ${D[s]}`).join(", ")}; dims must be positive`);
    });
    const expected = B * sizes.reduce((p, v) => p * v, 1);
    if (a.length !== expected) {
      const shape = `[${[B, ...spec.shape.map((d, i) => (typeof d === "number" ? d : `${d}=${sizes[i]}`))].join(", ")}]`;
      throw new RangeError(`${where}: ${role} '${name}' has ${a.length} elements, expected ${expected} (shape ${shape})`);
    }
    if (spec.dtype === "f32") {
      for (let i = 0; i < a.length; i++) {
        const v = a[i]!;
        if (v - v !== 0) throw new RangeError(`${where}: ${role} '${name}' holds ${v} at index ${i}; inputs must be finite`);
      }
    }
  };
  for (const [name, spec] of Object.entries(inputs)) check(name, spec, "input");
  if (withTargets) for (const [name, spec] of Object.entries(targets)) check(name, spec, "target");
  return { B, D };
}

const identifier = /[\p{L}_][\p{L}\p{N}_]*/gu;

/** The symbols a dim of a spec's shape reads: a symbol's name, or those in an expression. */
function dimSymbols(dim: string): Set<string> {
  return new Set(dim.match(identifier) ?? []);
}

/**
 * The value of a dim of a spec's shape under the symbols' values: a symbol's
 * name, or an expression of integers, symbols, `+ - *` and parentheses.
 */
export function evaluateDim(dim: string, values: Readonly<Record<string, number>>): number {
  if (Object.hasOwn(values, dim)) return values[dim]!;
  const tokens = dim.match(/\d+|[\p{L}_][\p{L}\p{N}_]*|\S/gu) ?? [];
  let at = 0;
  const fail = (): never => {
    throw new RangeError(`cannot evaluate the dim '${dim}'`);
  };
  const factor = (): number => {
    const t = tokens[at++] ?? fail();
    if (t === "-") return -factor();
    if (t === "(") {
      const v = sum();
      if (tokens[at++] !== ")") fail();
      return v;
    }
    if (/^\d+$/.test(t)) return Number(t);
    return Object.hasOwn(values, t) ? values[t]! : fail();
  };
  const product = (): number => {
    let v = factor();
    while (tokens[at] === "*") {
      at++;
      v *= factor();
    }
    return v;
  };
  const sum = (): number => {
    let v = product();
    while (tokens[at] === "+" || tokens[at] === "-") v = tokens[at++] === "+" ? v + product() : v - product();
    return v;
  };
  const v = sum();
  if (at !== tokens.length) fail();
  return v;
}

function describe(a: unknown): string {
  if (a === null) return "null";
  if (typeof a === "object") return (a as object).constructor?.name ?? "an object";
  return typeof a;
}

/** d/dx of gelu's tanh approximation (spec §5). */
export function geluGrad(x: number): number {
  const c = 0.7978845608028654;
  const inner = c * (x + 0.044715 * x * x * x);
  const t = Math.tanh(inner);
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x);
}

/** Throws the error for sizes too small for a layer that shrinks an axis (generated code checks each symbolic dim). */
export function dimTooSmall(where: string, layer: string, dim: string, value: number, symbols: Readonly<Record<string, number>>): never {
  const at = Object.entries(symbols).map(([s, v]) => `${s} = ${v}`).join(", ");
  throw new RangeError(`${where}: ${layer} gives an axis of ${dim} = ${value} at ${at}; the sizes are too small for it (every axis needs at least 1)`);
}

/** Throws the error for a per-example length outside [1, T] (generated code calls it where a length is read). */
export function badLength(layer: string, input: string, value: number, example: number, steps: number): never {
  throw new RangeError(`${layer}: lengths '${input}' is ${value} for example ${example}, outside [1, ${steps}]`);
}
