// The graph view's data: boxes, data-flow edges (residuals and
// cross-attention included) and block instances that collapse.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { check } from "../../compiler/index.ts";
import { collapse, modelGraph } from "../../playground/src/language/graph.ts";

function graphOf(name: string) {
  const source = readFileSync(`examples/${name}`, "utf8");
  const result = check(source, { filename: name });
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return { source, graph: modelGraph(result.models[0]!, name) };
}
const inputsOf = (g: ReturnType<typeof modelGraph>, name: string) => {
  const id = g.boxes.find((b) => b.name === name)!.id;
  return g.edges.filter((e) => e.to === id).map((e) => g.boxes.find((b) => b.id === e.from)!.name);
};

describe("the model graph", () => {
  it("has a box per input and layer with its kind, shape and parameters, and selects its source", () => {
    const { source, graph } = graphOf("lenet.nn");
    expect(graph.boxes.map((b) => b.name)).toEqual(["image", "label", "conv2d_1", "relu_1", "maxpool2d_1", "conv2d_2", "relu_2", "maxpool2d_2", "flatten_1", "dense_1", "relu_3", "dense_2", "relu_4", "head", "cross_entropy_1"]);
    const head = graph.boxes.find((b) => b.name === "head")!;
    expect(head).toMatchObject({ kind: "dense", shape: "f32[10]", params: 850, output: true });
    expect(source.slice(head.start, head.end)).toBe("dense(10) as head");
    expect(inputsOf(graph, "cross_entropy_1")).toEqual(["head", "label"]);
    expect(graph.edges).toHaveLength(14);
  });

  it("draws residuals and cross-attention as second edges", () => {
    const { graph } = graphOf("translator.nn");
    const cross = graph.boxes.filter((b) => b.kind === "attention").map((b) => inputsOf(graph, b.name));
    // The decoder's query, the encoder's memory, and the source lengths that mask it.
    expect(cross).toContainEqual(["decoder_layer_1.layernorm_1", "encoder_layer_1.layernorm_2", "n"]);
    expect(inputsOf(graph, "encoder_layer_1.add_1")).toEqual(["positional_1", "encoder_layer_1.attention_1"]);
  });

  it("nests block instances as groups that collapse to one box with their totals", () => {
    const { graph } = graphOf("transformer.nn");
    expect(graph.groups.map((g) => [g.id, g.block])).toEqual([
      ["group:encoder_layer_1", "EncoderLayer"],
      ["group:encoder_layer_2", "EncoderLayer"],
    ]);
    const folded = collapse(graph, new Set(["group:encoder_layer_1"]));
    const box = folded.boxes.find((b) => b.id === "group:encoder_layer_1")!;
    expect(box).toMatchObject({ kind: "EncoderLayer", shape: "f32[T, 64]", params: 33_472 });
    expect(folded.boxes.some((b) => b.name.startsWith("encoder_layer_1."))).toBe(false);
    expect(folded.groups.map((g) => g.id)).toEqual(["group:encoder_layer_2"]);
    // Into the instance from the positions, out of it into the next instance (twice: attention and the residual).
    expect(folded.edges.filter((e) => e.from === "group:encoder_layer_1" || e.to === "group:encoder_layer_1").map((e) => `${e.from} > ${e.to}`)).toEqual([
      "node:1 > group:encoder_layer_1",
      `group:encoder_layer_1 > ${graph.boxes.find((b) => b.name === "encoder_layer_2.attention_1")!.id}`,
      `group:encoder_layer_1 > ${graph.boxes.find((b) => b.name === "encoder_layer_2.add_1")!.id}`,
    ]);
    expect(collapse(graph, new Set()).boxes).toHaveLength(graph.boxes.length);
  });
});
