// DataInfo in a safetensors file's metadata (string values, JSON inside):
// `nnc.classes` (target → class names), `nnc.standardize` (input → mean and
// std per feature) and `nnc.vocabulary` (a next-character model's
// characters), so that evaluation and prediction read data as training did
// and predictions print class names. Browser-safe.
import type { DataInfo } from "./encode.ts";

const KEYS = { classes: "nnc.classes", standardize: "nnc.standardize", vocabulary: "nnc.vocabulary" } as const;

export function infoToMetadata(info: DataInfo): Record<string, string> {
  const out: Record<string, string> = {};
  if (info.classes && Object.keys(info.classes).length) out[KEYS.classes] = JSON.stringify(info.classes);
  if (info.standardize && Object.keys(info.standardize).length) out[KEYS.standardize] = JSON.stringify(info.standardize);
  if (info.vocabulary) out[KEYS.vocabulary] = JSON.stringify(info.vocabulary);
  return out;
}

/** DataInfo from a weights file's metadata; a field that is not what nnc writes is an Error naming it. */
export function infoFromMetadata(metadata: Readonly<Record<string, string>>): DataInfo {
  const info: DataInfo = {};
  const read = (key: string): unknown => {
    try {
      return JSON.parse(metadata[key]!);
    } catch {
      throw new Error(`the weights' metadata '${key}' is not valid JSON`);
    }
  };
  if (metadata[KEYS.classes] !== undefined) info.classes = read(KEYS.classes) as DataInfo["classes"];
  if (metadata[KEYS.standardize] !== undefined) info.standardize = read(KEYS.standardize) as DataInfo["standardize"];
  if (metadata[KEYS.vocabulary] !== undefined) info.vocabulary = read(KEYS.vocabulary) as string[];
  return info;
}
