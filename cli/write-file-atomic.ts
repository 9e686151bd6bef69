// Every file nnc writes (`train --save`, `fmt`, `compile` and its `--dts`)
// goes through here: the bytes go to a temporary file beside the target, are
// flushed to disk, and only then is the temporary file renamed over the
// target. A full disk, a size limit or an error midway leaves the old file as
// it was (and removes the temporary one), never a truncated file.
import * as fs from "node:fs";
import { basename, dirname, join } from "node:path";

/** The file-system calls used: tests replace one to fail midway. */
export type AtomicWriteIo = Pick<typeof fs, "openSync" | "writeSync" | "fsyncSync" | "closeSync" | "renameSync" | "unlinkSync">;

let counter = 0;

export function writeFileAtomic(path: string, data: string | Uint8Array, io: AtomicWriteIo = fs): void {
  // Through a symbolic link to the file it names: the link stays a link.
  let target = path;
  let mode: number | undefined;
  try {
    target = fs.realpathSync(path);
    mode = fs.statSync(target).mode & 0o7777; // a rewritten file keeps its permissions
  } catch {
    // No file there yet.
  }
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${counter++}.tmp`);
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  const fd = io.openSync(temp, "wx", mode ?? 0o666);
  try {
    try {
      if (mode !== undefined) fs.fchmodSync(fd, mode); // exactly, whatever the umask
      for (let at = 0; at < bytes.length; ) at += io.writeSync(fd, bytes, at, bytes.length - at);
      io.fsyncSync(fd);
    } finally {
      io.closeSync(fd);
    }
    io.renameSync(temp, target);
  } catch (e) {
    try {
      io.unlinkSync(temp);
    } catch {
      // Already gone.
    }
    throw e;
  }
}
