// The trained weights as `nnc train --save` writes them: one F32 tensor per
// parameter, and in the metadata the model's name, its source file and what
// reading the data learnt (class names, standardisation statistics,
// vocabulary), so that `nnc eval` and `nnc predict --load` read data as
// training did.
import type { DataInfo } from "../../../runtime/datasets/encode.ts";
import { infoToMetadata } from "../../../runtime/datasets/info.ts";
import { encodeSafetensors } from "../../../runtime/safetensors.ts";

export function weightsFile(model: { params: Record<string, Float32Array> }, shapes: Readonly<Record<string, readonly number[]>>, modelName: string, modelFile: string, info: DataInfo): Uint8Array {
  const tensors = Object.fromEntries(Object.entries(model.params).map(([k, data]) => [k, { shape: [...shapes[k]!], data }]));
  return encodeSafetensors(tensors, { model: modelName, source: modelFile, ...infoToMetadata(info), format: "nnc" });
}
