// The user's own file in the playground: opened by its name's ending with
// the readers `nnc train --data` uses (a .zip is an image folder), mapped to
// the model with the same rules and `--map` syntax, and read whole and
// checked before any training (a bad value is a DataError naming its line or
// image and field). What was found is summarised for the data panel.
import { formatOf, openRecords, FORMAT_HELP } from "../../../runtime/datasets/formats.ts";
import { describeSpec, parseMap, type Feed, type ModelDescription } from "../../../runtime/datasets/mapping.ts";
import { prepareRecords, prepareText, type Prepared } from "../../../runtime/datasets/prepare.ts";
import { bytesSource, DataError, type RecordSource } from "../../../runtime/datasets/source.ts";
import { openImageZip, type AsyncDecoder } from "./image-zip.ts";

/** What the data panel shows of a file read for a model. */
export interface DataReport {
  file: string;
  format: string;
  /** The file's fields (columns, JSON fields, arrays; `image`, `label` for images). */
  fields: string[];
  /** One line per input and target: what feeds it. */
  feeds: { name: string; role: "input" | "target"; spec: string; from: string }[];
  /** The mapping as `--map` text, to edit. */
  map: string;
  count: number;
  /** Class names found per class target (labels that were names). */
  classes: Record<string, string[]>;
  /** Examples per class of each one-label class target, by class index. */
  classCounts: Record<string, number[]>;
  /** Inputs standardised with statistics learnt from the file. */
  standardized: string[];
  /** Sizes of symbolic dims (sequences padded to these). */
  dims: Record<string, number>;
}

export interface UserData extends Prepared {
  report: DataReport;
}

/** Extensions the file input accepts. */
export const ACCEPTED = ".csv,.tsv,.tab,.jsonl,.ndjson,.npy,.npz,.safetensors,.txt,.zip";

const fromText = (f: Feed) => (f.from === "columns" ? f.columns.join(", ") : f.from === "field" ? f.field : `lengths of ${f.of}`);

/** The planned feeds as `--map` text: `x=a,b,c; label=species` (lengths are left to the rules). */
export function mapText(feeds: readonly Feed[]): string {
  return feeds
    .filter((f) => f.from !== "lengths")
    .map((f) => `${f.name}=${f.from === "columns" ? f.columns.join(",") : (f as { field: string }).field}`)
    .join("; ");
}

/** Parses the panel's mapping text (`x=a,b; label=c`, as --map), as a DataError on the file when malformed. */
export function parseMapText(file: string, text: string): Record<string, string[]> {
  try {
    return parseMap([text]);
  } catch (e) {
    throw new DataError({ file }, (e as Error).message);
  }
}

/** A data error's message as the playground words it: its mapping field stands for `--map`. */
export const inPlaygroundWords = (message: string) => message.replaceAll("--map", "the mapping");

/** Words for a long read: `decoding images 120 of 800`, `reading 45%`. */
export type Progress = (what: string) => void;

/** Opens `name`'s bytes with the reader its ending selects; images in a zip are decoded with `decode`. */
export async function openUserFile(name: string, bytes: Uint8Array, decode: AsyncDecoder, progress?: Progress): Promise<RecordSource | { text: string }> {
  if (name.toLowerCase().endsWith(".zip")) return openImageZip(name, bytes, decode, progress && ((done, total) => progress(`decoding images: ${done} of ${total}`)));
  const format = formatOf(name);
  if (format === undefined || format === "images") throw new DataError({ file: name }, `the playground reads ${FORMAT_HELP.replace(", an image (.png, .jpg) or a folder of class folders of images", "")} or a .zip of an image folder (<class>/<image>.png)`);
  if (format === "text") return { text: new TextDecoder().decode(bytes) };
  return openRecords(bytesSource(name, bytes), format);
}

/** How many examples each class has, for targets holding one class index per example. */
function countClasses(arrays: Record<string, Float32Array | Int32Array>, count: number, classes: Record<string, number>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [target, n] of Object.entries(classes)) {
    const labels = arrays[target];
    if (!(labels instanceof Int32Array) || labels.length !== count) continue;
    const counts = new Array<number>(n).fill(0);
    for (const l of labels) counts[l] = (counts[l] ?? 0) + 1;
    out[target] = counts;
  }
  return out;
}

/** Reads the whole file for the model, as `nnc train --data` does (standardising numeric inputs), and summarises it. */
export async function prepareUserData(model: ModelDescription, name: string, opened: RecordSource | { text: string }, classes: Record<string, number>, map: string, progress?: Progress): Promise<UserData> {
  const mapping = parseMapText(name, map);
  const size = "text" in opened ? undefined : opened.size;
  const onBytes = progress && size ? (n: number) => progress(`reading: ${Math.floor((100 * n) / size)}%`) : undefined;
  const options = { map: mapping, targets: true, classes, ...(onBytes ? { onBytes } : {}) };
  const prepared = "text" in opened ? prepareText(model, name, opened.text, options) : await prepareRecords(model, opened, options);
  const { data, info, feeds } = prepared;
  if (data.count === 0) throw new DataError({ file: name }, "holds no examples");
  const report: DataReport = {
    file: name,
    format: "text" in opened ? "text" : opened.format,
    fields: "text" in opened ? ["text"] : [...opened.fields],
    feeds: feeds.map((f) => ({ name: f.name, role: f.role, spec: describeSpec(f.name, f.spec), from: fromText(f) })),
    map: mapText(feeds),
    count: data.count,
    classes: info.classes ?? {},
    classCounts: countClasses(data.arrays, data.count, classes),
    standardized: Object.keys(info.standardize ?? {}),
    dims: data.dims,
  };
  return { ...prepared, report };
}
