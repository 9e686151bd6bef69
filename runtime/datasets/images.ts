// Images: a folder of class folders, <root>/<class>/<image>.png|jpg, classes
// sorted by name, or one image on its own (to predict). The folder listing
// and the decoder are injected: Node lists with fs and decodes with pngjs
// and jpeg-js (node.ts), a browser with its own means. Browser-safe.
//
// The rule that turns pixels into a model's input (see pixelsToInput): the
// input is [H, W, C] with C = 1 (grey) or 3 (RGB), [H, W] (grey), or flat
// [H·W] (grey) or [H·W·3] (RGB). Values are scaled from 0–255 to [0, 1];
// grey from colour is the luma 0.299 R + 0.587 G + 0.114 B; grey images
// give RGB by repeating the value; alpha multiplies the value (transparent
// pixels are black). Images are not resized: one of another size is an
// error naming it, its size and the model's.
import { DataError, type DataRecord, type Pixels, type RecordSource } from "./source.ts";

export const IMAGE_EXTENSIONS = [".png", ".jpg", ".jpeg"];

/** How the image reader sees a folder tree and decodes a file. */
export interface ImageAccess {
  /** Entries of a folder: names, and whether each is a folder. */
  list(dir: string): Promise<{ name: string; folder: boolean }[]>;
  read(path: string): Promise<Uint8Array>;
  decode(bytes: Uint8Array, path: string): Pixels;
  join(dir: string, name: string): string;
}

export const isImageName = (name: string): boolean => IMAGE_EXTENSIONS.some((e) => name.toLowerCase().endsWith(e));

/** Decodes with `access`, turning a decoder's exception into a DataError naming the image. */
function decodeAt(access: ImageAccess, root: string, bytes: Uint8Array, path: string): Pixels {
  try {
    return access.decode(bytes, path);
  } catch (e) {
    throw new DataError({ file: root, path }, `cannot decode the image: ${(e as Error).message}`);
  }
}

/** A folder <root>/<class>/<image> as a RecordSource with fields `image` (Pixels) and `label` (the class folder's name). */
export async function openImageFolder(root: string, access: ImageAccess): Promise<RecordSource> {
  const classes = (await access.list(root)).filter((e) => e.folder).map((e) => e.name).sort();
  if (classes.length === 0) throw new DataError({ file: root }, "holds no class folders; expected <folder>/<class>/<image>.png or .jpg, one folder per class");
  const files: { path: string; label: string }[] = [];
  for (const label of classes) {
    const dir = access.join(root, label);
    const names = (await access.list(dir)).filter((e) => !e.folder && isImageName(e.name)).map((e) => e.name).sort();
    for (const name of names) files.push({ path: access.join(dir, name), label });
  }
  if (files.length === 0) throw new DataError({ file: root }, `its class folders (${classes.join(", ")}) hold no .png or .jpg images`);
  return {
    name: root,
    format: "images",
    fields: ["image", "label"],
    size: files.length,
    async *records(onBytes) {
      let n = 0;
      for (const { path, label } of files) {
        const image = decodeAt(access, root, await access.read(path), path);
        yield { fields: { image, label }, where: { file: root, path } } satisfies DataRecord;
        onBytes?.(++n);
      }
    },
  };
}

/** One image as a RecordSource of one record with the field `image` (`nnc predict … --data digit.png`). */
export function singleImage(path: string, bytes: Uint8Array, access: Pick<ImageAccess, "decode">): RecordSource {
  const image = decodeAt(access as ImageAccess, path, bytes, path);
  return {
    name: path,
    format: "images",
    fields: ["image"],
    size: 1,
    async *records() {
      yield { fields: { image }, where: { file: path, path } };
    },
  };
}

/** The [H, W, C] an input's shape asks of an image, or a reason it cannot take one. */
export function imageShape(shape: readonly (number | string)[]): { height: number; width: number; channels: 1 | 3 } | { flat: number } | string {
  if (shape.some((d) => typeof d !== "number")) return "its shape has symbolic dims";
  const s = shape as number[];
  if (s.length === 3 && (s[2] === 1 || s[2] === 3)) return { height: s[0]!, width: s[1]!, channels: s[2] as 1 | 3 };
  if (s.length === 2) return { height: s[0]!, width: s[1]!, channels: 1 };
  if (s.length === 1) return { flat: s[0]! };
  return "an image input must be [H, W, 1], [H, W, 3], [H, W] or flat [H·W] / [H·W·3]";
}

/**
 * Writes an image into `out` (at `offset`) as the input of shape `shape`
 * asks, by the rule at the top of this file. Throws a DataError naming the
 * image when its size is not the model's.
 */
export function pixelsToInput(image: Pixels, shape: readonly (number | string)[], out: Float32Array, offset: number, where: DataRecord["where"], input: string): void {
  const want = imageShape(shape);
  const describe = `input ${input}: f32[${shape.join(", ")}]`;
  if (typeof want === "string") throw new DataError(where, `cannot feed an image to ${describe}: ${want}`, input);
  const pixels = image.width * image.height;
  let channels: 1 | 3;
  if ("flat" in want) {
    if (want.flat === pixels) channels = 1;
    else if (want.flat === pixels * 3) channels = 3;
    else throw new DataError(where, `the image is ${image.width}×${image.height} (${pixels} pixels); ${describe} takes ${want.flat} values (grey ${want.flat} pixels or RGB ${want.flat / 3}); images are not resized: resize it first`, input);
  } else {
    if (image.width !== want.width || image.height !== want.height) {
      throw new DataError(where, `the image is ${image.width}×${image.height} (width×height), ${describe} takes ${want.width}×${want.height}; images are not resized: resize it first`, input);
    }
    channels = want.channels;
  }
  const { data, channels: C } = image;
  const alpha = C === 2 || C === 4;
  const colour = C >= 3;
  for (let p = 0; p < pixels; p++) {
    const at = p * C;
    const a = alpha ? data[at + C - 1]! / 255 : 1;
    const r = data[at]!;
    const g = colour ? data[at + 1]! : r;
    const b = colour ? data[at + 2]! : r;
    if (channels === 1) out[offset + p] = ((colour ? 0.299 * r + 0.587 * g + 0.114 * b : r) / 255) * a;
    else {
      out[offset + 3 * p] = (r / 255) * a;
      out[offset + 3 * p + 1] = (g / 255) * a;
      out[offset + 3 * p + 2] = (b / 255) * a;
    }
  }
}
