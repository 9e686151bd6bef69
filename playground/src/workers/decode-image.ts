// Decodes a PNG or JPEG in a worker with the browser's own decoders
// (createImageBitmap, then OffscreenCanvas to read the pixels back), as RGBA.
// The image reader (runtime/datasets/images.ts) turns them into grey or RGB.
import type { Pixels } from "../../../runtime/datasets/source.ts";

export async function decodeImage(bytes: Uint8Array, path: string): Promise<Pixels> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes.slice()]), { colorSpaceConversion: "none", premultiplyAlpha: "none" });
  } catch {
    throw new Error(`the browser cannot decode ${path.replace(/^.*\//, "")} as an image`);
  }
  const { width, height } = bitmap;
  const context = new OffscreenCanvas(width, height).getContext("2d", { willReadFrequently: true })!;
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  return { width, height, channels: 4, data: context.getImageData(0, 0, width, height).data };
}
