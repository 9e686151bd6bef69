// Generated code is safe whatever names a .nn file uses: JavaScript's special
// names and reserved words become string keys or internal bindings, never
// code, and still work.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { check } from "../../compiler/index.ts";
import { generate } from "../../compiler/codegen/index.ts";
import { loadModule, type ModelClass } from "../../compiler/codegen/load.ts";
import { compileModel } from "./harness.ts";

const own = (o: object, k: string) => Object.getOwnPropertyDescriptor(o, k)?.value;

describe("generated identifiers", () => {
  it("bindings, inputs, layers and outputs named constructor, __proto__, eval, toString and non-ASCII names", () => {
    const M = compileModel(`model M {
  input constructor: f32[3]
  target __proto__: i32
  eval = constructor -> dense(4) as toString -> tanh
  größe = eval -> dense(3) as hasOwnProperty
  output __proto__out = größe
  output valueOf = eval
  loss cross_entropy(größe, __proto__)
}`);
    const m = new M({ seed: 1 });
    expect(Object.keys(m.params)).toEqual(["toString.kernel", "toString.bias", "hasOwnProperty.kernel", "hasOwnProperty.bias"]);
    const inputs: Record<string, Float32Array | Int32Array> = {};
    Object.defineProperty(inputs, "constructor", { value: new Float32Array([1, 2, 3]), enumerable: true });
    const out = m.forward(inputs, { batch: 1 });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(own(out, "__proto__out")).toHaveLength(3);
    expect(own(out, "valueOf")).toHaveLength(4);
    const withTarget = { ...inputs };
    Object.defineProperty(withTarget, "__proto__", { value: new Int32Array([2]), enumerable: true });
    expect(Number.isFinite(m.lossAndGrads!(withTarget, { batch: 1 }))).toBe(true);
  });

  it("a symbol named __proto__ keeps its smallest legal value and is checked against it", () => {
    const M = compileModel("model M {\n  input x: f32[__proto__, 2]\n  output y = x -> conv1d(2, kernel: 3) -> max(axis: 0)\n}");
    expect(Object.getPrototypeOf(M.minDims)).toBe(Object.prototype);
    expect(own(M.minDims, "__proto__")).toEqual({ min: 3, layer: "conv1d_1", line: 3 });
    const dims = { batch: 1 } as { batch: number; [s: string]: number };
    Object.defineProperty(dims, "__proto__", { value: 2, enumerable: true });
    expect(() => new M().forward({ x: new Float32Array(4) }, dims)).toThrow("M.forward: __proto__ = 2 is too short: conv1d_1 (line 3) needs __proto__ ≥ 3");
  });

  it("an input named like an Object.prototype member is still required", () => {
    const M = compileModel("model M {\n  input constructor: f32[2]\n  output y = constructor -> dense(1)\n}");
    expect(() => new M().forward({}, { batch: 1 })).toThrow("missing input 'constructor'");
  });

  it("models named with reserved words or JavaScript globals are exported under their names", () => {
    const result = generate(check("model class {\n  input x: f32[2]\n  output y = x -> dense(1)\n}\nmodel rt {\n  input x: f32[2]\n  output y = x -> dense(1)\n}\nmodel eval {\n  input x: f32[2]\n  output y = x -> dense(1)\n}", { filename: "m.nn" }));
    const mod = loadModule(result.code!);
    expect(Object.keys(mod).sort()).toEqual(["class", "eval", "rt"]);
    for (const M of Object.values(mod)) expect(new M().forward({ x: new Float32Array(2) }, { batch: 1 }).y).toHaveLength(1);
  });

  it("a file name cannot inject code through a comment or a string", () => {
    const evil = 'x */ globalThis.injected = 1; /* "); globalThis.injected = 2; ("\n globalThis.injected = 3;';
    const result = generate(check("model M {\n  input x: f32[2]\n  output y = x -> dense(1) as a\n}", { filename: evil }));
    const mod = loadModule(result.code!);
    new mod.M!().forward({ x: new Float32Array(2) }, { batch: 1 });
    expect((globalThis as { injected?: number }).injected).toBeUndefined();
  });
});

/**
 * Names a user may write that met generated code before: JavaScript's
 * reserved words and globals, CommonJS's names, the generator's own locals
 * and bindings, Unicode, and symbols that an unsafe mangling would merge
 * (`T_` and `Tä` both became `d_T_`).
 */
const tricky = [
  ...["break", "case", "catch", "class", "continue", "debugger", "default", "delete", "do", "else", "enum", "export", "extends", "finally", "for", "function", "if", "in", "instanceof", "new", "null", "return", "super", "switch", "this", "throw", "try", "typeof", "var", "void", "while", "with", "yield", "let", "static", "await", "arguments", "eval", "undefined", "NaN", "Infinity"],
  ...["Object", "Array", "Math", "Number", "String", "Error", "Float32Array", "Int32Array", "globalThis", "Reflect", "JSON", "Symbol", "console", "require", "module", "exports", "__esModule", "__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf"],
  ...["A", "B", "D", "P", "G", "w", "rt", "total", "inputs", "dims", "x0", "y", "dy", "dx0", "rng", "dim0", "o", "i", "j", "m", "at", "q", "b", "s", "n", "m0_K", "m0_op0_dense_1_forward", "m0_InferenceWorkspace", "p_kernel", "aux_col"],
  ...["T", "T_", "Tä", "Т", "d_T", "d_d_T", "T$", "größe", "模型", "Ωmega", "_", "__", "_0"],
];

describe("every name a user writes maps to a distinct, safe JavaScript name", () => {
  it("property: any names for the model, symbols, inputs, target, layers and output compile, load, run and train one step", () => {
        // The identifiers the .nn lexer accepts (`T$` is not one).
    const names = fc.uniqueArray(fc.constantFrom(...tricky.filter((n) => /^[\p{L}_][\p{L}\p{Nd}_]*$/u.test(n))), { minLength: 10, maxLength: 10 });
    fc.assert(
      fc.property(names, ([M, S1, S2, a, b, t, h1, h2, o, L]) => {
        const source = `model ${M} {
  input ${a}: f32[${S1}, 2]
  input ${b}: f32[${S2}, 3]
  target ${t}: i32
  ${h1} = ${a} -> mean(axis: 0)
  ${h2} = ${b} -> conv1d(2, kernel: 2) -> max(axis: 0)
  ${o} = concat(${h1}, ${h2}) -> dense(3) as ${L}
  output ${o}
  loss cross_entropy(${o}, ${t})
}`;
        const result = generate(check(source, { filename: "names.nn" }));
        expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        const mod = loadModule(result.code!);
        expect(Object.keys(mod)).toEqual([M]);
        const Model = own(mod, M!) as ModelClass;
        expect(Model.name).toBe(M);
        const m = new Model({ seed: 1 });
        const dims = { batch: 2, [S1!]: 3, [S2!]: 4 } as { batch: number };
        const inputs: Record<string, Float32Array | Int32Array> = {};
        for (const [k, v] of [[a!, Float32Array.from({ length: 12 }, (_, i) => Math.sin(i))], [b!, Float32Array.from({ length: 24 }, (_, i) => Math.cos(i))], [t!, new Int32Array([0, 2])]] as const) Object.defineProperty(inputs, k, { value: v, enumerable: true });
        expect(own(m.forward(inputs, dims), o!)).toHaveLength(6);
        const before = m.lossAndGrads!(inputs, dims);
        for (const [k, p] of Object.entries(m.params)) p.forEach((v, i, arr) => (arr[i] = v - 0.5 * own(m.grads!, k)[i]));
        const after = m.lossAndGrads!(inputs, dims);
        expect(Number.isFinite(before) && after < before).toBe(true);
      }),
      { seed: 13, numRuns: 60 },
    );
  });
});
