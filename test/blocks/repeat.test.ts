// `-> stage * n`: a stage repeated n times in sequence (how transformers stack layers).
import { describe, expect, it } from "vitest";
import { check } from "../../compiler/index.ts";

const block = "block Layer(d, heads = 2) {\n  input x: f32[T, d]\n  a = x + (x -> attention(heads: heads)) -> layernorm\n  output y = a + (a -> dense(d) -> relu) -> layernorm\n}\n";

describe("repeated stages", () => {
  it("instantiates a block n times, numbered like separate calls", () => {
    const r = check(`${block}model M {\n  input x: f32[T, 8]\n  output y = x -> Layer(8) * 3 -> mean(axis: 0)\n}`, { filename: "m.nn" });
    expect(r.diagnostics).toEqual([]);
    expect(r.models[0]!.instances.map((i) => i.name)).toEqual(["layer_1", "layer_2", "layer_3"]);
    expect(r.models[0]!.nodes.some((n) => n.name === "layer_3.attention_1")).toBe(true);
  });

  it("repeats layers too, and `as` before the count names the copies name_1 … name_n", () => {
    const r = check("const N = 2\nmodel M {\n  input x: f32[4]\n  output y = x -> dense(4) as hidden * N -> relu\n}", { filename: "m.nn" });
    expect(r.diagnostics).toEqual([]);
    expect(r.models[0]!.nodes.map((n) => n.name)).toEqual(["hidden_1", "hidden_2", "relu_1"]);
  });

  it("inside arithmetic `*` stays multiplication; only a pipeline stage repeats", () => {
    const r = check("model M {\n  input x: f32[4]\n  a = x -> dense(4)\n  output y = dense(a, 4) * a\n}", { filename: "m.nn" });
    expect(r.diagnostics).toEqual([]);
    expect(r.models[0]!.nodes.map((n) => n.def.name)).toEqual(["dense", "dense", "mul"]);
  });

  it("the count must be a positive integer constant", () => {
    const codes = (src: string) => check(src, { filename: "m.nn" }).diagnostics.map((d) => `${d.code} ${d.span.line}:${d.span.column} ${d.message}`);
    expect(codes("model M {\n  input x: f32[4]\n  output y = x -> dense(4) * 0\n}")).toEqual(["NN3009 3:30 a repeat count must be positive, got 0"]);
    expect(codes("model M {\n  input x: f32[4]\n  output y = x -> dense(4) * 1.5\n}")).toEqual(["NN3008 3:30 a repeat count must be an integer, got 1.5"]);
    expect(codes("model M {\n  input x: f32[4]\n  output y = x -> dense(4) * n\n}")).toEqual(["NN2001 3:30 'n' is not defined"]);
  });
});
