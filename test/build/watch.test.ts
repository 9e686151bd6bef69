// `nnc compile --watch`: compiles, then recompiles only what a change
// affects (the changed file, and the files that import it), reports errors
// without exiting, and prints one line per rebuild.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "nnc-watch-"));
const path = (name: string) => join(dir, name);
const write = (name: string, text: string) => writeFileSync(path(name), text);

describe("nnc compile --watch", () => {
  it("rebuilds what changed, reports errors and keeps running", async () => {
    write("lib.nn", "block Hidden(n) {\n  input x: f32[4]\n  output y = x -> dense(n) -> relu\n}\n");
    write("a.nn", 'import { Hidden } from "./lib.nn"\nmodel A {\n  input x: f32[4]\n  output y = x -> Hidden(8) -> dense(2)\n}\n');
    write("b.nn", "model B {\n  input x: f32[3]\n  output y = x -> dense(1)\n}\n");
    const out = path("out");
    const child = spawn("node", [resolve("bin/nnc.js"), "compile", "--watch", "--dts", path("a.nn"), path("b.nn"), "-o", out], { env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    /** Waits until the output since `from` matches. */
    const waitFor = async (re: RegExp, stream: () => string, from: number) => {
      for (let i = 0; i < 300; i++) {
        if (re.test(stream().slice(from))) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`timed out waiting for ${re}; stdout:\n${stdout}\nstderr:\n${stderr}`);
    };
    /** Rebuild lines (those with an arrow) printed since `from`. */
    const rebuilt = (from: number) => stdout.slice(from).split("\n").filter((l) => l.includes(" → "));
    try {
      await waitFor(/watching 3 files for changes/, () => stdout, 0);
      expect(rebuilt(0)).toHaveLength(2);
      expect(stdout).toMatch(new RegExp(`^\\[\\d\\d:\\d\\d:\\d\\d\\] ${path("a.nn")} → ${join(out, "a.nn.ts")}, ${join(out, "a.d.nn.ts")} \\(\\d+ ms\\)$`, "m"));
      expect(readFileSync(join(out, "b.nn.ts"), "utf8")).toContain("class m0_B");

      // A change to b.nn rebuilds b.nn only.
      let mark = stdout.length;
      write("b.nn", "model B {\n  input x: f32[3]\n  output y = x -> dense(5)\n}\n");
      await waitFor(/b\.nn → /, () => stdout, mark);
      await new Promise((r) => setTimeout(r, 300));
      expect(rebuilt(mark)).toHaveLength(1);
      expect(readFileSync(join(out, "b.nn.ts"), "utf8")).toContain("[3, 5]");

      // A change to the imported lib.nn rebuilds a.nn, which imports it, and not b.nn.
      mark = stdout.length;
      write("lib.nn", "block Hidden(n) {\n  input x: f32[4]\n  output y = x -> dense(n) -> tanh\n}\n");
      await waitFor(/a\.nn → /, () => stdout, mark);
      await new Promise((r) => setTimeout(r, 300));
      expect(rebuilt(mark)).toHaveLength(1);
      expect(readFileSync(join(out, "a.nn.ts"), "utf8")).toContain("tanh");

      // An error is reported with its code frame; the previous output stays and the watcher keeps running.
      const before = readFileSync(join(out, "a.nn.ts"), "utf8");
      const errMark = stderr.length;
      write("a.nn", 'import { Hidden } from "./lib.nn"\nmodel A {\n  input x: f32[4]\n  output y = x -> Hidden(8) -> dense(2, kernal: 3)\n}\n');
      await waitFor(/a\.nn: 1 error; kept the previous output/, () => stderr, errMark);
      expect(stderr.slice(errMark)).toContain(`${path("a.nn")}:4:41: error NN2004: dense has no option 'kernal'`);
      expect(stderr.slice(errMark)).toMatch(/> 4 \| {3}output y = x -> Hidden\(8\) -> dense\(2, kernal: 3\)/);
      expect(readFileSync(join(out, "a.nn.ts"), "utf8")).toBe(before);
      expect(child.exitCode).toBeNull();

      // Fixing it rebuilds again.
      mark = stdout.length;
      write("a.nn", 'import { Hidden } from "./lib.nn"\nmodel A {\n  input x: f32[4]\n  output y = x -> Hidden(16) -> dense(2)\n}\n');
      await waitFor(/a\.nn → /, () => stdout, mark);
      expect(readFileSync(join(out, "a.nn.ts"), "utf8")).toContain("[4, 16]");
      expect(existsSync(join(out, "a.d.nn.ts"))).toBe(true);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });
});
