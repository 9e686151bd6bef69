// Blocks that no model instantiates are still checked.
import { describe, expect, it } from "vitest";
import { check } from "../../compiler/index.ts";

const codes = (src: string) => check(src, { filename: "lib.nn" }).diagnostics.map((d) => `${d.code} ${d.span.line}:${d.span.column} ${d.message}`);

describe("blocks checked alone", () => {
  it("instantiates a block whose parameters all have defaults, finding shape errors", () => {
    const src = "block A(d = 8, heads = 3) {\n  input x: f32[T, d]\n  output y = x -> attention(heads: heads)\n}\n";
    expect(codes(src)).toEqual(["NN3006 3:36 attention: heads (3) must divide the width d = 8"]);
  });

  it("a correct block with defaults has no diagnostics and no instance trail", () => {
    const result = check("block A(d = 8) {\n  input x: f32[T, d]\n  output y = x -> dense(d) -> relu\n}\n", { filename: "lib.nn" });
    expect(result.diagnostics).toEqual([]);
  });

  it("lints names and options of a block with required parameters", () => {
    const src = "block B(d) {\n  input x: f32[T, d]\n  h = x -> dense(d, kernal: 3)\n  output y = hh -> dens(4)\n}\n";
    expect(codes(src)).toEqual([
      "NN2004 3:21 dense has no option 'kernal'",
      "NN2001 4:14 'hh' is not defined",
      "NN2003 4:20 unknown layer or block 'dens'",
    ]);
  });

  it("does not re-check a block that a model instantiates", () => {
    const src = "block B(d) {\n  input x: f32[T, d]\n  output y = x -> dense(d)\n}\nmodel M {\n  input x: f32[T, 4]\n  output y = x -> B(4)\n}\n";
    expect(codes(src)).toEqual([]);
  });
});
