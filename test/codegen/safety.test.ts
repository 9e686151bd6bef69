// Generated code is safe whatever names a .nn file uses: JavaScript's special
// names and reserved words become string keys or internal bindings, never
// code, and still work.
import { describe, expect, it } from "vitest";
import { check } from "../../compiler/index.ts";
import { generate } from "../../compiler/codegen/index.ts";
import { loadModule } from "../../compiler/codegen/load.ts";
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
