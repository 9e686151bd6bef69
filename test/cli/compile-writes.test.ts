// What `nnc compile` and `nnc fmt` write: outputs that would overwrite each
// other are refused before anything is written, --specialize is checked, and
// a write that fails midway (here: a file size limit, as on a full disk)
// leaves the previous file whole.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSpecialize } from "../../cli/compile.ts";

const NNC = join(process.cwd(), "bin/nnc.js");

/** Runs nnc; with `fileSizeKiB`, under that file size limit (`ulimit -f`). */
function nnc(args: string[], fileSizeKiB?: number): Promise<{ code: number; stdout: string; stderr: string }> {
  const [cmd, argv] = fileSizeKiB === undefined ? ["node", [NNC, ...args]] : ["bash", ["-c", `ulimit -f ${fileSizeKiB} && exec node "$@"`, "bash", NNC, ...args]];
  return new Promise((resolve) => {
    execFile(cmd as string, argv as string[], { env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), "nnc-writes-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  return path;
}
const MODEL = "model M {\n  input x: f32[T, 4]\n  output y = x -> dense(2)\n}\n";

describe("nnc compile: outputs", () => {
  it("refuses two inputs that would write the same file, naming both, and writes nothing", async () => {
    const a = file("a/x.nn", MODEL);
    const b = file("b/x.nn", MODEL.replace("dense(2)", "dense(3)"));
    const out = join(dir, "out-clash");
    const r = await nnc(["compile", a, b, "--dts", "-o", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`nnc: ${a} and ${b} would both be written to ${join(out, "x.nn.ts")}`);
    expect(r.stderr).toContain(`${a} and ${b} would both be written to ${join(out, "x.d.nn.ts")}`);
    expect(r.stderr).toContain("nothing written");
    expect(existsSync(out)).toBe(false);
    // The same file named twice is one input.
    const twice = await nnc(["compile", a, a, "-o", out]);
    expect(twice.code).toBe(0);
    expect(readdirSync(out)).toEqual(["x.nn.ts"]);
  });

  it("a write that fails midway leaves the previous output whole", async () => {
    const out = join(dir, "out-limited");
    expect((await nnc(["compile", "examples/lenet.nn", "--dts", "-o", out])).code).toBe(0);
    const before = readFileSync(join(out, "lenet.nn.ts"), "utf8");
    writeFileSync(join(out, "lenet.nn.ts"), before + "// the previous output\n");
    // The module has far more than 4 KiB.
    const r = await nnc(["compile", "examples/lenet.nn", "--dts", "-o", out], 4);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^nnc: cannot write .*lenet\.nn\.ts \(EFBIG\); it was left as it was$/m);
    expect(readFileSync(join(out, "lenet.nn.ts"), "utf8")).toBe(before + "// the previous output\n");
    expect(readdirSync(out).sort()).toEqual(["lenet.d.nn.ts", "lenet.nn.ts"]);
  });
});

describe("nnc compile --specialize", () => {
  it("needs a positive integer for each size", async () => {
    for (const [arg, message] of [
      ["batch=0", "--specialize batch must be a positive integer, got '0'"],
      ["batch=-1", "--specialize batch must be a positive integer, got '-1'"],
      ["T=abc", "--specialize T must be a positive integer, got 'abc'"],
      ["batch=99999999999999999999", "--specialize batch must be a positive integer, got '99999999999999999999'"],
      ["batch=2,batch=4", "--specialize gives batch twice"],
      ["=4", "--specialize expects name=size pairs such as batch=64,T=20; got '=4'"],
    ]) {
      expect(() => parseSpecialize(arg), arg).toThrow(message);
    }
    expect(parseSpecialize(" batch = 64 ,T=20")).toEqual({ batch: 64, T: 20 });
    // As the command reports it: a usage error, nothing written.
    const out = join(dir, "out-spec");
    const r = await nnc(["compile", file("spec.nn", MODEL), "-o", out, "--specialize", "T=0.5"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("nnc: --specialize T must be a positive integer, got '0.5'\n");
    expect(existsSync(out)).toBe(false);
  });

  it("names only batch or a dim of the models, listing them", async () => {
    const path = file("spec2.nn", MODEL);
    const out = join(dir, "out-spec2");
    const r = await nnc(["compile", path, "-o", out, "--specialize", "batch=8,Q=3"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("nnc: --specialize: 'Q' is not a dim of the models compiled; their dims are batch, T; nothing written\n");
    expect(existsSync(out)).toBe(false);
    const ok = await nnc(["compile", path, "-o", out, "--specialize", "batch=8,T=3"]);
    expect(ok.code).toBe(0);
    expect(readFileSync(join(out, "spec2.nn.ts"), "utf8")).toContain("T: 3");
  });
});

describe("nnc fmt", () => {
  it("a rewrite that fails midway leaves the file as it was", async () => {
    // Over 2 KiB once formatted; 1 KiB may be written.
    const text = `${"// a comment line long enough to take space in the file, repeated to pass the limit\n".repeat(30)}model   M {\n  input x:   f32[4]\n  output y = x -> dense(2)\n}\n`;
    const path = file("fmt-limited.nn", text);
    const r = await nnc(["fmt", path], 1);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`nnc: cannot write ${path}: EFBIG; it was left as it was\n`);
    expect(readFileSync(path, "utf8")).toBe(text);
    expect((await nnc(["fmt", path])).code).toBe(0);
    expect(readFileSync(path, "utf8")).toContain("model M {\n  input x: f32[4]");
  });
});
