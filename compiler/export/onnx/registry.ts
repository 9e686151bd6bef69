// Each layer's ONNX lowering, by layer name. A layer missing here cannot be
// exported: the exporter reports it at the layer (NN6001), never guesses.
import type { Lowering } from "./lowering.ts";
import { dense } from "./layers/dense.ts";
import { conv, pool } from "./layers/window.ts";
import { flatten, reshape, concat } from "./layers/shape.ts";
import { relu, tanh, sigmoid, gelu, softmax, leakyRelu, neg, identity } from "./layers/activation.ts";
import { embedding } from "./layers/embedding.ts";
import { layernorm } from "./layers/layernorm.ts";
import { mean, max, last } from "./layers/reduce.ts";
import { add, sub, mul } from "./layers/elementwise.ts";
import { recurrent } from "./layers/recurrent.ts";
import { attention } from "./layers/attention.ts";
import { positional } from "./layers/positional.ts";

export const lowerings: ReadonlyMap<string, Lowering> = new Map<string, Lowering>([
  ["dense", dense],
  ["conv1d", conv(1)], ["conv2d", conv(2)], ["conv3d", conv(3)],
  ["maxpool1d", pool("max", 1)], ["maxpool2d", pool("max", 2)], ["maxpool3d", pool("max", 3)],
  ["avgpool1d", pool("avg", 1)], ["avgpool2d", pool("avg", 2)], ["avgpool3d", pool("avg", 3)],
  ["flatten", flatten], ["reshape", reshape], ["concat", concat],
  ["relu", relu], ["tanh", tanh], ["sigmoid", sigmoid], ["gelu", gelu], ["softmax", softmax], ["leaky_relu", leakyRelu],
  ["dropout", identity], ["embedding", embedding], ["layernorm", layernorm],
  ["mean", mean], ["max", max], ["last", last],
  ["rnn", recurrent("rnn")], ["lstm", recurrent("lstm")], ["gru", recurrent("gru")],
  ["attention", attention], ["positional", positional],
  ["add", add], ["sub", sub], ["mul", mul], ["neg", neg],
]);
