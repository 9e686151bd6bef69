// The CLI's CompilerHost: imports are read from the file system.
import { readFileSync, statSync } from "node:fs";
import { resolveRelative, type CompilerHost } from "../compiler/host.ts";

/** Files larger than this are refused rather than read into memory. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

export const fsHost: CompilerHost = {
  readFile(path) {
    try {
      if (!statSync(path).isFile() || statSync(path).size > MAX_FILE_BYTES) return undefined;
      return readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
  },
  resolve: resolveRelative,
};
