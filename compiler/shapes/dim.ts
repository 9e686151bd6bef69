// Symbolic dimensions: polynomials with integer coefficients over symbols
// (`T`) and opaque floor/ceil quotients (`ceil(T/2)`). Canonical form makes
// equality a string comparison, and keeps shapes and costs readable:
// `T - 4`, `ceil(T/2)`, `T·49152`, `T²·64`.

type Atom = { kind: "sym"; name: string } | { kind: "floor" | "ceil"; num: Dim; den: number };

interface Term {
  coef: number;
  /** Sorted atom keys; empty for the constant term. */
  atoms: string[];
}

const atomTable = new Map<string, Atom>();

function atomKey(a: Atom): string {
  if (a.kind === "sym") return a.name;
  // A numerator of several terms is parenthesised: `floor((T - 3)/2)`, not `floor(T - 3/2)`.
  const num = a.num.toString();
  return `${a.kind}(${a.num.termCount > 1 ? `(${num})` : num}/${a.den})`;
}

function intern(a: Atom): string {
  const key = atomKey(a);
  if (!atomTable.has(key)) atomTable.set(key, a);
  return key;
}

export class Dim {
  /** key (atoms joined by '*') → term */
  private constructor(private readonly terms: ReadonlyMap<string, Term>) {}

  static const(n: number): Dim {
    return new Dim(n === 0 ? new Map() : new Map([["", { coef: n, atoms: [] }]]));
  }

  static symbol(name: string): Dim {
    const k = intern({ kind: "sym", name });
    return new Dim(new Map([[k, { coef: 1, atoms: [k] }]]));
  }

  private static fromTerms(list: Term[]): Dim {
    const m = new Map<string, Term>();
    for (const t of list) {
      if (t.coef === 0) continue;
      const key = t.atoms.join("*");
      const prev = m.get(key);
      const coef = (prev?.coef ?? 0) + t.coef;
      if (coef === 0) m.delete(key);
      else m.set(key, { coef, atoms: t.atoms });
    }
    return new Dim(m);
  }

  /** How many terms the polynomial has (`T - 3` has two). */
  get termCount(): number {
    return this.terms.size;
  }

  get isConstant(): boolean {
    return this.terms.size === 0 || (this.terms.size === 1 && this.terms.has(""));
  }

  /** The value when constant, else undefined. */
  get value(): number | undefined {
    return this.isConstant ? (this.terms.get("")?.coef ?? 0) : undefined;
  }

  /** Symbols this dim depends on (through quotients too). */
  symbols(): Set<string> {
    const out = new Set<string>();
    for (const t of this.terms.values())
      for (const k of t.atoms) {
        const a = atomTable.get(k)!;
        if (a.kind === "sym") out.add(a.name);
        else for (const s of a.num.symbols()) out.add(s);
      }
    return out;
  }

  add(o: Dim | number): Dim {
    const b = typeof o === "number" ? Dim.const(o) : o;
    return Dim.fromTerms([...this.terms.values(), ...b.terms.values()]);
  }

  sub(o: Dim | number): Dim {
    const b = typeof o === "number" ? Dim.const(o) : o;
    return this.add(b.scale(-1));
  }

  scale(k: number): Dim {
    return Dim.fromTerms([...this.terms.values()].map((t) => ({ coef: t.coef * k, atoms: t.atoms })));
  }

  mul(o: Dim | number): Dim {
    if (typeof o === "number") return this.scale(o);
    const out: Term[] = [];
    for (const a of this.terms.values()) for (const b of o.terms.values()) out.push({ coef: a.coef * b.coef, atoms: [...a.atoms, ...b.atoms].sort() });
    return Dim.fromTerms(out);
  }

  floorDiv(k: number): Dim {
    return this.divide(k, "floor");
  }

  ceilDiv(k: number): Dim {
    return this.divide(k, "ceil");
  }

  private divide(k: number, mode: "floor" | "ceil"): Dim {
    const c = this.value;
    if (c !== undefined) return Dim.const(mode === "floor" ? Math.floor(c / k) : Math.ceil(c / k));
    // Split off the part divisible by k: floor((k·Q + c)/k) = Q + floor(c/k).
    const exact: Term[] = [];
    const rest: Term[] = [];
    for (const t of this.terms.values()) (t.coef % k === 0 && t.atoms.length > 0 ? exact : rest).push(t);
    const q = Dim.fromTerms(exact.map((t) => ({ coef: t.coef / k, atoms: t.atoms })));
    const r = Dim.fromTerms(rest);
    const rc = r.value;
    if (rc !== undefined) return q.add(mode === "floor" ? Math.floor(rc / k) : Math.ceil(rc / k));
    const key = intern({ kind: mode, num: r, den: k });
    return q.add(new Dim(new Map([[key, { coef: 1, atoms: [key] }]])));
  }

  equals(o: Dim): boolean {
    return this.toString() === o.toString();
  }

  /** Value under an assignment of the symbols; undefined if one is missing. */
  evaluate(env: Record<string, number>): number | undefined {
    let sum = 0;
    for (const t of this.terms.values()) {
      let p = t.coef;
      for (const k of t.atoms) {
        const a = atomTable.get(k)!;
        let v: number | undefined;
        if (a.kind === "sym") v = env[a.name];
        else {
          const n = a.num.evaluate(env);
          v = n === undefined ? undefined : a.kind === "floor" ? Math.floor(n / a.den) : Math.ceil(n / a.den);
        }
        if (v === undefined) return undefined;
        p *= v;
      }
      sum += p;
    }
    return sum;
  }

  /** Replaces symbols by dims (binding a block's input symbols to the caller's). */
  substitute(map: ReadonlyMap<string, Dim>): Dim {
    let out = Dim.const(0);
    for (const t of this.terms.values()) {
      let p = Dim.const(t.coef);
      for (const k of t.atoms) {
        const a = atomTable.get(k)!;
        if (a.kind === "sym") p = p.mul(map.get(a.name) ?? Dim.symbol(a.name));
        else {
          const n = a.num.substitute(map);
          p = p.mul(a.kind === "floor" ? n.floorDiv(a.den) : n.ceilDiv(a.den));
        }
      }
      out = out.add(p);
    }
    return out;
  }

  /**
   * A JavaScript expression for this dim; `name` maps a symbol to the
   * variable holding it. Anything but a single literal or name comes back
   * parenthesised (`(d_T - 4)`), so it can be spliced into any expression.
   */
  toJs(name: (symbol: string) => string): string {
    const terms = [...this.terms.values()];
    if (terms.length === 0) return "0";
    const parts = terms.map((t) => {
      const factors = t.atoms.map((k) => {
        const a = atomTable.get(k)!;
        if (a.kind === "sym") return name(a.name);
        return `Math.${a.kind}(${a.num.toJs(name)} / ${a.den})`;
      });
      if (t.coef !== 1 || factors.length === 0) factors.unshift(String(t.coef));
      return factors.join(" * ");
    });
    const js = parts.join(" + ").replace(/\+ -/g, "- ");
    return /^(\d+|[A-Za-z_$][\w$]*)$/.test(js) ? js : `(${js})`;
  }

  /**
   * The dim as source text over its symbols' names, as a declaration writes
   * it: `T`, `2 * T + 2`, `T - 4` (the run time reads it back, runtime/io.ts).
   */
  toSource(): string {
    const js = this.toJs((s) => s);
    return js.startsWith("(") && js.endsWith(")") ? js.slice(1, -1) : js;
  }

  private cached?: string;

  /** Canonical text: highest degree first, then alphabetical; constant last. */
  toString(): string {
    if (this.cached !== undefined) return this.cached;
    const terms = [...this.terms.values()].sort((a, b) => b.atoms.length - a.atoms.length || a.atoms.join("*").localeCompare(b.atoms.join("*")));
    if (terms.length === 0) return (this.cached = "0");
    let s = "";
    terms.forEach((t, i) => {
      const neg = t.coef < 0;
      const mag = Math.abs(t.coef);
      const body = t.atoms.length === 0 ? String(mag) : monomial(t.atoms) + (mag === 1 ? "" : `·${mag}`);
      if (i === 0) s = (neg ? "-" : "") + body;
      else s += neg ? ` - ${body}` : ` + ${body}`;
    });
    return (this.cached = s);
  }
}

const superscripts = ["", "", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"];

function monomial(atoms: string[]): string {
  const parts: string[] = [];
  for (let i = 0; i < atoms.length; ) {
    let j = i;
    while (j < atoms.length && atoms[j] === atoms[i]) j++;
    const n = j - i;
    parts.push(atoms[i] + (n === 1 ? "" : (superscripts[n] ?? `^${n}`)));
    i = j;
  }
  return parts.join("·");
}

export function dimsToString(dims: readonly Dim[]): string {
  return `[${dims.map((d) => d.toString()).join(", ")}]`;
}

export function product(dims: readonly Dim[]): Dim {
  return dims.reduce((acc, d) => acc.mul(d), Dim.const(1));
}
