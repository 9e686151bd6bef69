// The command line as a user runs it: exit statuses, the diagnostic format of
// spec §9, code frames, JSON output, and summaries.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeSafetensors } from "../../runtime/safetensors.ts";

function nnc(args: string[], cwd = process.cwd()): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("node", [join(process.cwd(), "bin/nnc.js"), ...args], { cwd, env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), "nnc-cli-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("nnc check", () => {
  it("exits 0 on every example", async () => {
    const r = await nnc(["check", "examples/lenet.nn", "examples/transformer.nn"]);
    expect(r.stderr).toContain("2 files checked: 0 errors");
    expect(r.code).toBe(0);
  });

  it("prints file:line:col, the code, the message and a code frame with carets", async () => {
    const path = file("bad.nn", "model M {\n  input x: f32[T, 4]\n  y = x -> dense(10, kernal: 3)\n  output y\n}\n");
    const r = await nnc(["check", path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${path}:3:22: error NN2004: dense has no option 'kernal'`);
    // The frame shows the line and carets under `kernal`.
    expect(r.stderr).toMatch(/> 3 \|   y = x -> dense\(10, kernal: 3\)\n\s+\|\s+\^{6}/);
  });

  it("reports every error of a file, sorted by position", async () => {
    const path = file("many.nn", "model M {\n  input x: f32[4]\n  a = x -> dens(3)\n  b = q -> relu\n  output b\n}\n");
    const r = await nnc(["check", path]);
    const lines = r.stderr.split("\n").filter((l) => l.includes(": error NN"));
    expect(lines.map((l) => l.slice(path.length))).toEqual([":3:12: error NN2003: unknown layer or block 'dens'", ":4:7: error NN2001: 'q' is not defined"]);
    expect(r.stderr).toContain("hint: did you mean 'dense'?");
  });

  it("prints syntax errors first, without the errors recovery caused", async () => {
    const path = file("unclosed.nn", "model M {\n  input x: f32[T, 2]\n  y = x -> dense(3)\n  /* forgot to close\n  output y\n}\n");
    const r = await nnc(["check", path]);
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n")[0]).toBe(`${path}:4:3: error NN1002: unclosed block comment: '/*' has no matching '*/'`);
    expect(r.stderr).not.toContain("has no output");
    expect(r.stderr).toContain("1 file checked: 1 error, 0 warnings");
  });

  it("names the imported file for a diagnostic inside it", async () => {
    file("lib.nn", "block Bad(n) {\n  input x: f32[n]\n  output y = x -> dense(n, bogus: 1)\n}\n");
    const path = file("uses-lib.nn", 'import { Bad } from "./lib.nn"\nmodel M {\n  input x: f32[8]\n  output y = x -> Bad(8)\n}\n');
    const r = await nnc(["check", path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(dir, "lib.nn")}:3:28: error NN2004`);
  });

  it("--json prints diagnostics as data on stdout", async () => {
    const path = file("json.nn", "model M {\n  input x: i32[T]\n  output y = x -> dense(4)\n}\n");
    const r = await nnc(["check", "--json", path]);
    expect(r.code).toBe(1);
    const diags = JSON.parse(r.stdout);
    expect(diags).toHaveLength(1);
    expect(diags[0]).toMatchObject({ code: "NN3003", severity: "error", file: path, line: 3, column: 14 });
    expect(diags[0].message).toBe("dense expects f32 values, got i32[T]");
  });

  it("exits 2 on a usage error and 1 for a missing file", async () => {
    expect((await nnc(["check"])).code).toBe(2);
    expect((await nnc(["frobnicate"])).code).toBe(2);
    const missing = await nnc(["check", join(dir, "nope.nn")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("error NN4001: cannot find file");
  });
});

describe("nnc summary", () => {
  it("prints a table with symbolic shapes and costs", async () => {
    const r = await nnc(["summary", "examples/tagger.nn"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Model Tagger");
    expect(r.stdout).toMatch(/lstm_1\s+lstm\s+\[batch, T, 64\]\s+24,832\s+T·24576/);
    expect(r.stdout).toContain("MACs per example: T·25088");
  });

  it("--model picks one model; an unknown one is a usage error", async () => {
    const path = file("two.nn", "model A {\n  input x: f32[2]\n  output y = x -> dense(3)\n}\nmodel B {\n  input x: f32[2]\n  output y = x -> dense(5)\n}\n");
    const r = await nnc(["summary", path, "--model", "B"]);
    expect(r.stdout).toContain("Model B");
    expect(r.stdout).not.toContain("Model A");
    const bad = await nnc(["summary", path, "--model", "C"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("no model named 'C'");
  });

  it("states each symbol's smallest legal value", async () => {
    const r = await nnc(["summary", "examples/textcnn.nn"]);
    expect(r.stdout).toContain("Smallest T: 5 (conv1d_3)");
  });

  it("refuses to summarise a file with errors", async () => {
    const path = file("err.nn", "model M {\n  input x: f32[2]\n  output y = x -> conv2d(3, kernel: 2)\n}\n");
    const r = await nnc(["summary", path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("conv2d expects [H, W, C], got f32[2]");
  });
});

describe("nnc compile", () => {
  it("writes <name>.nn.ts per file, formatted, exporting each model", async () => {
    const out = join(dir, "out");
    const r = await nnc(["compile", "examples/lenet.nn", "examples/video.nn", "-o", out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(join(out, "lenet.nn.ts"));
    const code = readFileSync(join(out, "lenet.nn.ts"), "utf8");
    expect(code).toContain('import * as rt from "nnc/runtime";');
    expect(code).toMatch(/export \{ m0_LeNet5 as LeNet5 \};/);
    expect(code).toMatch(/\n  forward\(/); // Prettier's two-space indentation
    expect(existsSync(join(out, "video.nn.ts"))).toBe(true);
  });

  it("--specialize bakes the batch size into the loops", async () => {
    const out = join(dir, "out-b64");
    const r = await nnc(["compile", "examples/lenet.nn", "-o", out, "--specialize", "batch=64"]);
    expect(r.code).toBe(0);
    const code = readFileSync(join(out, "lenet.nn.ts"), "utf8");
    expect(code).toContain("rt.gemm(50176, 25, 6,"); // 64 · 28 · 28 rows
    expect(code).toMatch(/dims,\s+false,\s+\{ batch: 64 \},\s+m0_LeNet5\.minDims,?\s+\)/);
    expect((await nnc(["compile", "examples/lenet.nn", "-o", out, "--specialize", "batch=zero"])).code).toBe(2);
  });

  it("rejects --specialize below a symbol's smallest legal value", async () => {
    const r = await nnc(["compile", "examples/textcnn.nn", "-o", join(dir, "out-short"), "--specialize", "T=4"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error NN5002: --specialize T=4 is too short for TextCNN: conv1d_3 needs T ≥ 5");
  });

  it("exits 1 without writing anything when a file has errors", async () => {
    const out = join(dir, "out-err");
    const bad = file("bad-compile.nn", "model M {\n  input x: f32[4]\n  output y = x -> dens(3)\n}\n");
    const r = await nnc(["compile", "examples/lenet.nn", bad, "-o", out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("NN2003");
    expect(r.stderr).toContain("nothing written");
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });
});

describe("nnc train", () => {
  it("trains LeNet-5 on MNIST for an epoch, reports held-out accuracy and saves safetensors", async () => {
    const weights = join(dir, "lenet.safetensors");
    const r = await nnc(["train", "examples/lenet.nn", "--data", "mnist", "--epochs", "1", "--batch", "32", "--save", weights]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Training LeNet5 (61,706 parameters) on MNIST: 8000 digits, 2000 held out; adam lr 0.001 (cosine), batch 32, 1 epochs, seed 0");
    const accuracy = Number(/Test accuracy: ([\d.]+)%/.exec(r.stdout)?.[1]);
    expect(accuracy).toBeGreaterThan(85);
    const saved = decodeSafetensors(new Uint8Array(readFileSync(weights)));
    expect(Object.keys(saved.tensors)).toContain("conv2d_1.kernel");
    expect(saved.tensors["conv2d_1.kernel"]!.shape).toEqual([5, 5, 1, 6]);
    expect(saved.metadata).toMatchObject({ model: "LeNet5" });

    // The saved weights evaluate to the same accuracy; a file for another model is refused, naming each difference.
    const again = await nnc(["train", "examples/lenet.nn", "--data", "mnist", "--epochs", "0", "--load", weights]);
    expect(again.stdout).toContain(`Test accuracy: ${accuracy.toFixed(2)}%`);
    const other = file("other.nn", "model LeNet5 {\n  input image: f32[28, 28, 1]\n  target label: i32\n  logits = image -> flatten -> dense(10) as head\n  output logits\n  loss cross_entropy(logits, label)\n}\n");
    const refused = await nnc(["train", other, "--data", "mnist", "--epochs", "0", "--load", weights]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/head\.kernel/);
    expect(refused.stderr).toMatch(/conv2d_1\.kernel/);
  }, 180_000);

  it("explains why a model does not fit MNIST, and rejects unknown data and optimizers", async () => {
    const path = file("tiny.nn", "model Tiny {\n  input x: f32[10]\n  target label: i32\n  logits = x -> dense(3)\n  output logits\n  loss cross_entropy(logits, label)\n}\n");
    const r = await nnc(["train", path, "--data", "mnist"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--data mnist needs a model with one f32 input of 784 values per example");
    expect((await nnc(["train", path, "--data", "cifar"])).stderr).toContain("unknown data set 'cifar'; available: mnist");
    const opt = await nnc(["train", "examples/lenet.nn", "--data", "mnist", "--optimizer", "adagrad"]);
    expect(opt.code).toBe(1);
    expect(opt.stderr).toMatch(/adagrad/);
    expect((await nnc(["train", path, "--data", "mnist", "--epochs", "-1"])).code).toBe(2);
    const threads = await nnc(["train", path, "--data", "mnist", "--threads", "4"]);
    expect(threads.code).toBe(2);
    expect(threads.stderr).toContain("--threads must be 1, 2 or auto, got '4'");
  });

  it("--threads 2 shares large products with a second core and says how", async () => {
    const r = await nnc(["train", "examples/tagger.nn", "--data", "tagger", "--epochs", "1", "--threads", "2"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/seed 0, 2 threads\n/);
    // Every product of ≥ 64³ multiply-adds was shared, or run alone while waking the sleeping helper.
    const [, split, chunks, alone] = /Second thread: shared (\d+) products \(computing (\d+) chunks\); ran (\d+) alone while waking it/.exec(r.stdout) ?? [];
    expect(Number(split) + Number(alone)).toBeGreaterThan(0);
    expect(chunks).toMatch(/^\d+$/);
    expect(r.stdout).toMatch(/Test accuracy: [\d.]+%/);
  }, 120_000);
});
