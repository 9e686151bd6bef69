// A zip of an image folder, `<class>/<image>.png|jpg` (under at most one
// wrapping folder, as zipping a folder gives), as the image reader's
// RecordSource. The reader decodes synchronously and a browser decodes
// asynchronously (createImageBitmap), so every image is decoded first, with
// the decoder injected; a failure is kept and raised at that image, where
// the reader turns it into a DataError naming it.
import { unzipSync } from "fflate";
import { isImageName, openImageFolder, type ImageAccess } from "../../../runtime/datasets/images.ts";
import { DataError, type Pixels, type RecordSource } from "../../../runtime/datasets/source.ts";

export type AsyncDecoder = (bytes: Uint8Array, path: string) => Promise<Pixels>;

/** Entries that are not data: macOS resource forks, hidden files. */
const isJunk = (path: string) => path.startsWith("__MACOSX/") || path.split("/").some((p) => p.startsWith("."));

/** `progress` hears how many images have been decoded, of how many. */
export async function openImageZip(name: string, bytes: Uint8Array, decode: AsyncDecoder, progress?: (done: number, total: number) => void): Promise<RecordSource> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: (f) => !isJunk(f.name) && isImageName(f.name) });
  } catch (e) {
    throw new DataError({ file: name }, `not a readable zip file: ${(e as Error).message}`);
  }
  const paths = Object.keys(entries);
  if (paths.length === 0) throw new DataError({ file: name }, "holds no .png or .jpg images; expected <class>/<image>.png, one folder per class");
  // The folder above the class folders must be the same for every image.
  const parents = new Set(paths.map((p) => p.split("/").slice(0, -2).join("/")));
  const flat = paths.filter((p) => p.split("/").length < 2);
  if (flat.length) throw new DataError({ file: name, path: `${name}/${flat[0]}` }, "an image outside any class folder; expected <class>/<image>.png, one folder per class");
  if (parents.size > 1) throw new DataError({ file: name }, `images at different depths (under ${[...parents].map((p) => `'${p || "/"}'`).join(", ")}); expected <class>/<image>.png, one folder per class`);
  const prefix = [...parents][0]!;
  // Virtual paths `<zip name>/<class>/<image>`: what errors show.
  const within = (entry: string) => `${name}/${prefix ? entry.slice(prefix.length + 1) : entry}`;
  const decoded = new Map<string, Pixels | Error>();
  const folders = new Map<string, string[]>();
  for (const entry of paths.sort()) {
    const path = within(entry);
    const [cls, file] = path.slice(name.length + 1).split("/") as [string, string];
    if (!folders.has(cls)) folders.set(cls, []);
    folders.get(cls)!.push(file);
    decoded.set(path, await decode(entries[entry]!, path).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))));
    progress?.(decoded.size, paths.length);
  }
  const access: ImageAccess = {
    async list(dir) {
      if (dir === name) return [...folders.keys()].map((n) => ({ name: n, folder: true }));
      return (folders.get(dir.slice(name.length + 1)) ?? []).map((n) => ({ name: n, folder: false }));
    },
    read: async () => new Uint8Array(0),
    decode(_bytes, path) {
      const pixels = decoded.get(path);
      if (!pixels || pixels instanceof Error) throw pixels ?? new Error("not in the zip");
      return pixels;
    },
    join: (dir, n) => `${dir}/${n}`,
  };
  return openImageFolder(name, access);
}
