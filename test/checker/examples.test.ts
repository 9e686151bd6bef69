// The examples' inferred shapes and parameter names, checked by hand
// against spec §5 (the golden summaries cover the formatted tables).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { check } from "../../compiler/index.ts";
import type { CheckedModel } from "../../compiler/graph.ts";
import { outputs, params, summary, types } from "./helpers.ts";

function example(file: string): CheckedModel {
  const r = check(readFileSync(`examples/${file}`, "utf8"), { filename: `examples/${file}` });
  expect(summary(r.diagnostics)).toEqual([]);
  expect(r.models).toHaveLength(1);
  return r.models[0]!;
}

describe("examples", () => {
  it("lenet.nn", () => {
    const m = example("lenet.nn");
    expect(types(m)).toMatchObject({ conv2d_1: "f32[28, 28, 6]", maxpool2d_1: "f32[14, 14, 6]", conv2d_2: "f32[10, 10, 16]", maxpool2d_2: "f32[5, 5, 16]", flatten_1: "f32[400]", head: "f32[10]" });
    expect(params(m)).toMatchObject({ "conv2d_1.kernel": [5, 5, 1, 6], "conv2d_2.kernel": [5, 5, 6, 16], "dense_1.kernel": [400, 120], "head.kernel": [84, 10] });
    expect(m.inputs.map((i) => `${i.role} ${i.name}`)).toEqual(["input image", "target label"]);
  });

  it("sentiment.nn", () => {
    const m = example("sentiment.nn");
    expect(types(m)).toMatchObject({ embedding_1: "f32[T, 32]", gru_1: "f32[64]", dense_1: "f32[2]" });
    expect(params(m)).toMatchObject({ "embedding_1.table": [128, 32], "gru_1.kernel": [32, 192], "gru_1.recurrent": [64, 192], "gru_1.bias": [192] });
  });

  it("tagger.nn", () => {
    const m = example("tagger.nn");
    expect(outputs(m)).toEqual({ logits: "f32[T, 8]" });
    expect(params(m)).toMatchObject({ "lstm_1.kernel": [32, 256], "lstm_1.recurrent": [64, 256], "tag_scores.kernel": [64, 8] });
  });

  it("textcnn.nn", () => {
    const m = example("textcnn.nn");
    expect(types(m)).toMatchObject({ conv1d_1: "f32[T - 2, 100]", conv1d_2: "f32[T - 3, 100]", conv1d_3: "f32[T - 4, 100]", max_1: "f32[100]", concat_1: "f32[300]", classifier: "f32[2]" });
  });

  it("transformer.nn", () => {
    const m = example("transformer.nn");
    expect(m.instances.map((i) => i.name)).toEqual(["encoder_layer_1", "encoder_layer_2"]);
    expect(params(m)).toMatchObject({
      "encoder_layer_1.attention_1.query.kernel": [64, 64],
      "encoder_layer_2.attention_1.output.bias": [64],
      "encoder_layer_1.dense_1.kernel": [64, 128],
      "encoder_layer_2.layernorm_2.gamma": [64],
    });
    expect(m.nodes.filter((n) => n.def.name === "attention").map((n) => n.options.heads)).toEqual([4, 8]);
    expect(types(m)).toMatchObject({ mean_1: "f32[64]", dense_1: "f32[2]" });
  });

  it("translator.nn", () => {
    const m = example("translator.nn");
    expect(types(m)).toMatchObject({ source_embedding: "f32[S, 64]", target_embedding: "f32[T, 64]", "decoder_layer_1.attention_2": "f32[T, 64]", vocabulary: "f32[T, 13]" });
    expect(m.nodes.find((n) => n.name === "decoder_layer_1.attention_1")!.options).toEqual({ heads: 4, causal: true });
    // Cross-attention: the query, the encoder's memory and the source lengths.
    expect(m.nodes.find((n) => n.name === "decoder_layer_1.attention_2")!.inputs).toHaveLength(3);
    expect([...m.symbols.keys()]).toEqual(["S", "T"]);
    expect(m.generate).toMatchObject({ feed: "prev", source: "logits", classes: 13, start: 1, stop: 2 });
  });

  it("video.nn", () => {
    const m = example("video.nn");
    expect(types(m)).toMatchObject({
      conv3d_1: "f32[16, 64, 64, 16]",
      maxpool3d_1: "f32[16, 32, 32, 16]",
      maxpool3d_2: "f32[8, 16, 16, 32]",
      conv3d_3: "f32[4, 8, 8, 64]",
      avgpool3d_1: "f32[1, 1, 1, 64]",
      dense_1: "f32[10]",
    });
    expect(params(m)).toMatchObject({ "conv3d_3.kernel": [3, 3, 3, 32, 64] });
  });
});
