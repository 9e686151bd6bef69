// Each symbol's smallest legal value (compiler/shapes/min-dims.ts): the least
// value for which every tensor dim of the model is ≥ 1, and the layer that
// imposes it; `nnc summary` states it.
import { describe, expect, it } from "vitest";
import { smallestDims, minDimsData } from "../../compiler/shapes/min-dims.ts";
import { formatSummary, summarize } from "../../compiler/summary.ts";
import { model, runFiles } from "./helpers.ts";

/** `T: 5 (conv1d_1, line 3)` per symbol with a minimum above 1. */
function smallest(source: string): string[] {
  return [...smallestDims(model(source)).values()].map((d) => `${d.symbol}: ${d.min} (${d.layer}, line ${d.span.line})`);
}

const body = (input: string, ...lines: string[]) => `model M {\n  input x: ${input}\n${lines.map((l) => `  ${l}\n`).join("")}}`;

describe("smallest legal dims", () => {
  it("a valid convolution of kernel k needs T ≥ k", () => {
    expect(smallest(body("f32[T, 2]", "output y = x -> conv1d(3, kernel: 5) -> max(axis: 0)"))).toEqual(["T: 5 (conv1d_1, line 3)"]);
  });

  it("the largest requirement wins, named by the first layer that imposes it", () => {
    const src = body("f32[T, 2]", "a = x -> conv1d(3, kernel: 3) -> max(axis: 0)", "b = x -> conv1d(3, kernel: 5) -> max(axis: 0)", "c = x -> conv1d(3, kernel: 5) -> max(axis: 0)", "output y = concat(a, b, c)");
    expect(smallest(src)).toEqual(["T: 5 (conv1d_2, line 4)"]);
  });

  it("strides and dilation: floor quotients are solved exactly", () => {
    // conv1d_1: floor((T - 3)/2) + 1; conv1d_2 then subtracts 2: T ≥ 7.
    expect(smallest(body("f32[T, 2]", "output y = x -> conv1d(3, kernel: 3, stride: 2) -> conv1d(3, kernel: 3) -> max(axis: 0)"))).toEqual(["T: 7 (conv1d_2, line 3)"]);
    // A window of 3 dilated by 4 spans 9 steps.
    expect(smallest(body("f32[T, 2]", "output y = x -> conv1d(3, kernel: 3, dilation: 4) -> max(axis: 0)"))).toEqual(["T: 9 (conv1d_1, line 3)"]);
    // Pooling by 2 twice (floor(floor(T/2)/2) = floor(T/4)) needs T ≥ 4.
    expect(smallest(body("f32[T, 2]", "output y = x -> maxpool1d(2) -> maxpool1d(2) -> max(axis: 0)"))).toEqual(["T: 4 (maxpool1d_2, line 3)"]);
  });

  it("padding that keeps every axis non-empty imposes nothing", () => {
    expect(smallest(body("f32[T, 2]", "output y = x -> conv1d(3, kernel: 5, padding: same, stride: 2) -> max(axis: 0)"))).toEqual([]);
    expect(smallest(body("f32[T, 2]", "output y = x -> conv1d(3, kernel: 5, padding: 2) -> max(axis: 0)"))).toEqual([]);
    expect(smallest(body("f32[T, 2]", "output y = x -> conv1d(3, kernel: 5, padding: 1) -> max(axis: 0)"))).toEqual(["T: 3 (conv1d_1, line 3)"]);
  });

  it("each symbol gets its own minimum", () => {
    expect(smallest(body("f32[H, W, 1]", "output y = x -> conv2d(2, kernel: (3, 5)) -> max(axis: 0) -> max(axis: 0)"))).toEqual(["H: 3 (conv2d_1, line 3)", "W: 5 (conv2d_1, line 3)"]);
  });

  it("a dim in several symbols raises the first symbol, the others at their minimums", () => {
    const src = `model M {
  input a: f32[T, 2]
  input b: f32[S, 2]
  output y = concat(a, b, axis: 0) -> conv1d(3, kernel: 5) -> max(axis: 0)
}`;
    // T + S - 4 ≥ 1 with S = 1 gives T ≥ 4 (sufficient; T = 1, S = 4 would also do).
    expect(smallest(src)).toEqual(["T: 4 (conv1d_1, line 4)"]);
    // Already met when each symbol is at its own minimum: nothing more.
    const met = src.replace("concat(a, b, axis: 0) -> conv1d(3, kernel: 5)", "concat(a -> conv1d(2, kernel: 3), b -> conv1d(2, kernel: 3), axis: 0)");
    expect(smallest(met)).toEqual(["T: 3 (conv1d_1, line 4)", "S: 3 (conv1d_2, line 4)"]);
  });

  it("an input's own dim expression counts", () => {
    expect(smallest(body("f32[T - 1, 2]", "output y = x -> max(axis: 0)"))).toEqual(["T: 2 (input x, line 2)"]);
  });

  it("a layer in an imported block is named with its instance and file", () => {
    const { models, diagnostics } = runFiles({
      "lib.nn": "block Narrow() {\n  input x: f32[L, 2]\n  output y = x -> conv1d(2, kernel: 4)\n}",
      "main.nn": 'import { Narrow } from "lib.nn"\nmodel M {\n  input x: f32[T, 2]\n  output y = x -> Narrow -> max(axis: 0)\n}',
    });
    expect(diagnostics).toEqual([]);
    expect(minDimsData(models[0]!)).toEqual({ T: { min: 4, layer: "narrow_1.conv1d_1", line: 3, file: "lib.nn" } });
  });

  it("nnc summary states each minimum above 1", () => {
    const text = formatSummary(summarize(model(body("f32[T, 2]", "output y = x -> conv1d(3, kernel: 5) -> max(axis: 0)"))));
    expect(text.split("\n").slice(-1)).toEqual(["Smallest T: 5 (conv1d_1)"]);
    expect(formatSummary(summarize(model(body("f32[T, 2]", "output y = x -> max(axis: 0)"))))).not.toContain("Smallest");
  });
});
