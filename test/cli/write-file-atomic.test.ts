// Every file nnc writes goes to a temporary file renamed over the target: a
// write that fails midway (a full disk) leaves the old file whole.
import * as fs from "node:fs";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../cli/write-file-atomic.ts";

const dir = () => mkdtempSync(join(tmpdir(), "nnc-atomic-"));

describe("writeFileAtomic", () => {
  it("replaces the file's contents and leaves nothing else behind", () => {
    const d = dir();
    const path = join(d, "w.safetensors");
    writeFileSync(path, "old");
    writeFileAtomic(path, new TextEncoder().encode("new contents"));
    expect(readFileSync(path, "utf8")).toBe("new contents");
    writeFileAtomic(join(d, "fresh.nn.ts"), "text");
    expect(readFileSync(join(d, "fresh.nn.ts"), "utf8")).toBe("text");
    expect(readdirSync(d).sort()).toEqual(["fresh.nn.ts", "w.safetensors"]);
  });

  it("a disk that fills up midway leaves the old file intact and removes the partial one", () => {
    const d = dir();
    const path = join(d, "w.safetensors");
    writeFileSync(path, "the good weights");
    let written = 0;
    const full: typeof fs.writeSync = ((fd: number, buffer: Uint8Array, offset: number, length: number) => {
      if (written > 0) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
      written = fs.writeSync(fd, buffer, offset, Math.min(length, 4)); // part of it, then the disk is full
      return written;
    }) as typeof fs.writeSync;
    expect(() => writeFileAtomic(path, "x".repeat(100), { ...fs, writeSync: full })).toThrow(/ENOSPC/);
    expect(written).toBe(4);
    expect(readFileSync(path, "utf8")).toBe("the good weights");
    expect(readdirSync(d)).toEqual(["w.safetensors"]);
  });

  it("a failed rename leaves the old file and removes the temporary one", () => {
    const d = dir();
    const path = join(d, "x.nn");
    writeFileSync(path, "model M {}\n");
    const failing = (() => {
      throw Object.assign(new Error("EXDEV: cross-device link not permitted"), { code: "EXDEV" });
    }) as typeof fs.renameSync;
    expect(() => writeFileAtomic(path, "formatted", { ...fs, renameSync: failing })).toThrow(/EXDEV/);
    expect(readFileSync(path, "utf8")).toBe("model M {}\n");
    expect(readdirSync(d)).toEqual(["x.nn"]);
  });

  it("keeps a rewritten file's permissions, and a symbolic link stays a link to the rewritten file", () => {
    const d = dir();
    const path = join(d, "tool.nn");
    writeFileSync(path, "a");
    chmodSync(path, 0o640);
    writeFileAtomic(path, "b");
    expect(statSync(path).mode & 0o777).toBe(0o640);
    const link = join(d, "link.nn");
    symlinkSync(path, link);
    writeFileAtomic(link, "c");
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(path, "utf8")).toBe("c");
  });
});
