// Every layer the language knows, by the name a .nn file calls it. Adding a
// layer: write its file in this folder and add it to the list below.
import type { LayerDef } from "./layer.ts";
import { dense } from "./dense.ts";
import { conv1d, conv2d, conv3d } from "./conv.ts";
import { maxpool1d, maxpool2d, maxpool3d, avgpool1d, avgpool2d, avgpool3d } from "./pool.ts";
import { flatten } from "./flatten.ts";
import { reshape } from "./reshape.ts";
import { relu, tanh, sigmoid, gelu, softmax, leakyRelu } from "./activation.ts";
import { dropout } from "./dropout.ts";
import { embedding } from "./embedding.ts";
import { layernorm } from "./layernorm.ts";
import { mean, max, last } from "./reduce.ts";
import { rnn, lstm, gru } from "./recurrent.ts";
import { attention } from "./attention.ts";
import { positional } from "./positional.ts";
import { concat } from "./concat.ts";
import { crossEntropy, binaryCrossEntropy, mse } from "./losses.ts";
import { add, sub, mul, neg } from "./elementwise.ts";

const callable: LayerDef[] = [
  dense,
  conv1d, conv2d, conv3d,
  maxpool1d, maxpool2d, maxpool3d, avgpool1d, avgpool2d, avgpool3d,
  flatten, reshape,
  relu, tanh, sigmoid, gelu, softmax, leakyRelu,
  dropout, embedding, layernorm,
  mean, max, last,
  rnn, lstm, gru,
  attention, positional, concat,
  crossEntropy, binaryCrossEntropy, mse,
];

/** Layers and losses callable by name. */
export const layers: ReadonlyMap<string, LayerDef> = new Map(callable.map((l) => [l.name, l]));

/** The arithmetic operators, which are layers without a callable name. */
export const operators = { "+": add, "-": sub, "*": mul, neg } as const;

const losses = callable.filter((l) => l.isLoss).map((l) => l.name);
/** The losses by name, for messages: "cross_entropy, binary_cross_entropy and mse". */
export const lossList = `${losses.slice(0, -1).join(", ")} and ${losses.at(-1)}`;

export function isLayerName(name: string): boolean {
  return layers.has(name);
}
