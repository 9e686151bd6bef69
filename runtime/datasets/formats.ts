// Which reader a file needs, by how its name ends. Browser-safe: a host
// passes the bytes (a file stream, a dropped File) as a ByteSource.
import { openNpy, openNpz, openSafetensorsData } from "./arrays.ts";
import { openCsv } from "./csv.ts";
import { isImageName } from "./images.ts";
import { openJsonl } from "./jsonl.ts";
import { DataError, type ByteSource, type DataFormat, type RecordSource } from "./source.ts";

const BY_EXTENSION: [string, DataFormat][] = [
  [".csv", "csv"],
  [".tsv", "tsv"],
  [".tab", "tsv"],
  [".jsonl", "jsonl"],
  [".ndjson", "jsonl"],
  [".npy", "npy"],
  [".npz", "npz"],
  [".safetensors", "safetensors"],
  [".txt", "text"],
];

/** The formats and the file endings that select them, for messages. */
export const FORMAT_HELP = "CSV (.csv), TSV (.tsv), JSON Lines (.jsonl), NumPy (.npy, .npz), safetensors (.safetensors), plain text (.txt), an image (.png, .jpg) or a folder of class folders of images";

/** The format of a file by its name; undefined when the name says none. */
export function formatOf(name: string): DataFormat | undefined {
  const lower = name.toLowerCase();
  if (isImageName(lower)) return "images";
  return BY_EXTENSION.find(([ext]) => lower.endsWith(ext))?.[1];
}

/** Opens a single file of a record format (everything but images and text, which need more than bytes). */
export async function openRecords(source: ByteSource, format: DataFormat): Promise<RecordSource> {
  switch (format) {
    case "csv":
      return openCsv(source, ",");
    case "tsv":
      return openCsv(source, "\t");
    case "jsonl":
      return openJsonl(source);
    case "npy":
      return openNpy(source);
    case "npz":
      return openNpz(source);
    case "safetensors":
      return openSafetensorsData(source);
    default:
      throw new DataError({ file: source.name }, `${format} data is not a file of records`);
  }
}
