// The worker's side of the user's file: read it for a model (decoding zipped
// images with the browser's decoders) and keep the last result, so that
// Train after the data panel's check does not read the file again.
import type { ModelClass } from "../../../compiler/codegen/load.ts";
import { probeClasses } from "../../../runtime/datasets/metrics.ts";
import { DataError } from "../../../runtime/datasets/source.ts";
import { inPlaygroundWords, openUserFile, prepareUserData, type Progress, type UserData } from "../training/user-data.ts";
import type { UserFile } from "../language/protocol.ts";
import { decodeImage } from "./decode-image.ts";

export interface ReadFile {
  data: UserData;
  /** Class targets and how many classes the model predicts for each. */
  classes: Record<string, number>;
}

let last: { key: string; read: ReadFile } | undefined;

/** The class targets of a cross_entropy model, probed with one forward pass. */
export function classTargets(M: ModelClass, name: string): Record<string, number> {
  const classes = probeClasses(new M({ seed: 0 }), { name, inputs: M.inputs, targets: M.targets, loss: M.loss, minDims: M.minDims });
  return classes !== undefined && M.loss?.target ? { [M.loss.target]: classes } : {};
}

/** Reads `file` for the model `M` (compiled from `source`); a DataError's message names the line or image and field. */
export async function readUserFile(source: string, M: ModelClass, name: string, { file, map }: UserFile, progress?: Progress): Promise<ReadFile | { error: string }> {
  const key = [source, file.name, file.size, file.lastModified, map].join("\u0000");
  if (last?.key === key) return last.read;
  try {
    const classes = classTargets(M, name);
    const opened = await openUserFile(file.name, new Uint8Array(await file.arrayBuffer()), decodeImage, progress);
    const data = await prepareUserData({ name, inputs: M.inputs, targets: M.targets, loss: M.loss }, file.name, opened, classes, map, progress);
    last = { key, read: { data, classes } };
    return last.read;
  } catch (e) {
    if (e instanceof DataError) return { error: inPlaygroundWords(e.message) };
    throw e;
  }
}
