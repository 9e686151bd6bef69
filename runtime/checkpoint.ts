// A checkpoint: everything a run needs to go on exactly where it stopped,
// as one safetensors file. The weights under their own names, the
// optimiser's slots under `optimizer/<slot>/<param>` (Adam's m and v), and in
// the metadata the run's position (nnc.position: epoch, step, the shuffling
// generator's state, the schedule's position and base rate), the optimiser's
// step count (nnc.optimizer) and whatever the caller records of the run
// (settings, data). Browser-safe.
import type { OptimizerState } from "./optimizers.ts";
import type { RngState } from "./random.ts";
import { decodeSafetensors, encodeSafetensors, type TensorInput } from "./safetensors.ts";
import type { TrainPosition } from "./train.ts";
import type { ParamMap, ShapeMap } from "./types.ts";

export interface Checkpoint {
  params: ParamMap;
  optimizer: OptimizerState;
  position: TrainPosition;
  /** The model's dropout generator (`randomState`), where it has one: a resumed run then draws the same masks. */
  random?: RngState;
  /** Other metadata (string values): the run's settings, the data's class names and statistics. */
  metadata: Record<string, string>;
}

const SLOT = "optimizer/";

export function encodeCheckpoint(checkpoint: Checkpoint, shapes: ShapeMap): Uint8Array {
  const tensors: Record<string, TensorInput> = {};
  for (const [name, data] of Object.entries(checkpoint.params)) tensors[name] = { shape: [...shapes[name]!], data };
  for (const [key, data] of Object.entries(checkpoint.optimizer.slots)) {
    const param = key.slice(key.indexOf("/") + 1);
    tensors[`${SLOT}${key}`] = { shape: [...(shapes[param] ?? [data.length])], data };
  }
  return encodeSafetensors(tensors, {
    ...checkpoint.metadata,
    "nnc.position": JSON.stringify(checkpoint.position),
    "nnc.optimizer": JSON.stringify({ iterations: checkpoint.optimizer.iterations }),
    ...(checkpoint.random ? { "nnc.random": JSON.stringify(checkpoint.random) } : {}),
    format: "nnc-checkpoint",
  });
}

/** Reads a checkpoint; throws an Error naming what is missing when the file is not one. */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  const { tensors, metadata } = decodeSafetensors(bytes);
  if (metadata.format !== "nnc-checkpoint" || metadata["nnc.position"] === undefined) throw new Error("not an nnc checkpoint (written beside the weights by nnc train --save, as <file>.ckpt)");
  const params: ParamMap = {};
  const slots: Record<string, Float32Array> = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (t.dtype !== "F32") throw new Error(`checkpoint tensor '${name}' is ${t.dtype}, not F32`);
    if (name.startsWith(SLOT)) slots[name.slice(SLOT.length)] = t.data;
    else params[name] = t.data;
  }
  const { iterations } = JSON.parse(metadata["nnc.optimizer"] ?? '{"iterations":0}') as { iterations: number };
  const rest = { ...metadata };
  for (const k of ["nnc.position", "nnc.optimizer", "nnc.random", "format"]) delete rest[k];
  const random = metadata["nnc.random"] === undefined ? {} : { random: JSON.parse(metadata["nnc.random"]) as RngState };
  return { params, optimizer: { iterations, slots }, position: JSON.parse(metadata["nnc.position"]) as TrainPosition, ...random, metadata: rest };
}
