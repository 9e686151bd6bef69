// The readers' Node side: files as streams of chunks (never read whole when
// the format streams), folders listed with fs, PNG decoded by pngjs and JPEG
// by jpeg-js. `openData` opens a path by its extension.
import { createReadStream, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { formatOf, FORMAT_HELP, openRecords } from "./formats.ts";
import { openImageFolder, singleImage, type ImageAccess } from "./images.ts";
import { readText } from "./text.ts";
import { DataError, type ByteSource, type DataFormat, type Pixels, type RecordSource } from "./source.ts";

/** A file as a ByteSource, read in chunks of 64 KiB (larger chunks outlive the young generation and swell the heap). */
export function fileSource(path: string): ByteSource {
  return {
    name: path,
    size: statSync(path).size,
    async *chunks() {
      for await (const chunk of createReadStream(path, { highWaterMark: 1 << 16 })) yield new Uint8Array((chunk as Buffer).buffer, (chunk as Buffer).byteOffset, (chunk as Buffer).byteLength);
    },
  };
}

/** PNG (pngjs) or JPEG (jpeg-js) bytes as RGBA pixels. */
export function decodeImage(bytes: Uint8Array, path: string): Pixels {
  const png = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const jpg = bytes[0] === 0xff && bytes[1] === 0xd8;
  if (png) {
    const image = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { width: image.width, height: image.height, channels: 4, data: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength) };
  }
  if (jpg) {
    const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    return { width: image.width, height: image.height, channels: 4, data: image.data };
  }
  throw new Error(`${path} is neither a PNG nor a JPEG file (by its first bytes)`);
}

export const nodeImageAccess: ImageAccess = {
  list: async (dir) => readdirSync(dir, { withFileTypes: true }).map((e) => ({ name: e.name, folder: e.isDirectory() })),
  read: async (path) => new Uint8Array(readFileSync(path)),
  decode: decodeImage,
  join,
};

/** What `openData` found: records, or the text of a next-character model. */
export type OpenedData = { kind: "records"; source: RecordSource } | { kind: "text"; name: string; text: string; size: number };

/** Opens a data path by its extension (a folder: images in class folders). */
export async function openData(path: string): Promise<OpenedData> {
  let stat;
  try {
    stat = statSync(path);
  } catch (e) {
    throw new DataError({ file: path }, `cannot read it: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or folder" : (e as Error).message}`);
  }
  if (stat.isDirectory()) return { kind: "records", source: await openImageFolder(path, nodeImageAccess) };
  const format: DataFormat | undefined = formatOf(path);
  if (format === undefined) throw new DataError({ file: path }, `cannot tell its format by its name; nnc reads ${FORMAT_HELP}`);
  if (format === "images") return { kind: "records", source: singleImage(path, new Uint8Array(readFileSync(path)), nodeImageAccess) };
  if (format === "text") return { kind: "text", name: path, text: await readText(fileSource(path)), size: stat.size };
  return { kind: "records", source: await openRecords(fileSource(path), format) };
}
