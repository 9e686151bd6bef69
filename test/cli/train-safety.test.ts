// `nnc train` loses nothing: Ctrl-C stops after the step under way and saves;
// a save that fails midway leaves the old file whole; weights that are not
// finite are never saved, and refused on load unless asked for; a loss that
// explodes is reported. A one-layer model on MNIST keeps each run to seconds.
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeSafetensors, encodeSafetensors, loadParams } from "../../runtime/safetensors.ts";

const NNC = join(process.cwd(), "bin/nnc.js");
const env = { ...process.env, NO_COLOR: "1" };

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs nnc; with `fileSizeKiB`, under that file size limit (`ulimit -f`), as on a nearly full disk. */
function nnc(args: string[], fileSizeKiB?: number): Promise<Run> {
  const [cmd, argv] = fileSizeKiB === undefined ? ["node", [NNC, ...args]] : ["bash", ["-c", `ulimit -f ${fileSizeKiB} && exec node "$@"`, "bash", NNC, ...args]];
  return new Promise((resolve) => {
    execFile(cmd as string, argv as string[], { env }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, signal: (error?.signal as NodeJS.Signals) ?? null, stdout, stderr });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), "nnc-train-safety-"));
const TINY = join(dir, "tiny.nn");
writeFileSync(TINY, "model Tiny {\n  input image: f32[28, 28, 1]\n  target label: i32\n  logits = image -> flatten -> dense(10) as head\n  output logits\n  loss cross_entropy(logits, label)\n}\n");
const SHAPES = { "head.kernel": [784, 10], "head.bias": [10] };

/** A valid weights file for Tiny; `poison` writes non-finite values into head.kernel at these indices. */
function weights(path: string, poison: Record<number, number> = {}): Uint8Array {
  const kernel = new Float32Array(7840).fill(0.001);
  for (const [i, v] of Object.entries(poison)) kernel[Number(i)] = v;
  const bytes = encodeSafetensors({ "head.kernel": { shape: [784, 10], data: kernel }, "head.bias": { shape: [10], data: new Float32Array(10) } }, { model: "Tiny" });
  writeFileSync(path, bytes);
  return bytes;
}

function loads(path: string): void {
  const target = { "head.kernel": new Float32Array(7840), "head.bias": new Float32Array(10) };
  loadParams(target, SHAPES, new Uint8Array(readFileSync(path))); // throws if truncated or not finite
}

describe("nnc train: Ctrl-C", () => {
  it("stops at the next step, saves the last weights, says so and exits 130", async () => {
    const save = join(dir, "interrupted.safetensors");
    const child = spawn("node", [NNC, "train", TINY, "--data", "mnist", "--epochs", "1000", "--save", save], { env });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    // Once training is under way (its first epoch line), press Ctrl-C.
    await new Promise<void>((resolve) =>
      child.stdout.on("data", (d) => {
        stdout += d;
        if (/^epoch {2}1 /m.test(stdout)) resolve();
      }),
    );
    child.kill("SIGINT");
    // Ignored, the run would go on for 1000 epochs: fail within seconds instead.
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const { code, signal } = await exited;
    clearTimeout(timer);
    expect(signal).toBeNull();
    expect(code).toBe(130);
    expect(stderr).toContain("interrupted; stopping after this step");
    expect(stdout).toMatch(/^Interrupted after epoch \d+, step \d+: saved the weights of that step to .*interrupted\.safetensors$/m);
    expect(stdout).not.toMatch(/^epoch 1000/m);
    loads(save);
    expect(decodeSafetensors(new Uint8Array(readFileSync(save))).metadata).toMatchObject({ model: "Tiny" });
  }, 60_000);
});

describe("nnc train --save", () => {
  it("a save that fails midway (a file size limit) leaves the previous file whole", async () => {
    const save = join(dir, "limited.safetensors");
    const before = weights(save);
    // The new file has 31 KiB; 8 KiB may be written.
    const r = await nnc(["train", TINY, "--data", "mnist", "--epochs", "1", "--save", save], 8);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^nnc: cannot save to .*limited\.safetensors: EFBIG; the file already there was left as it was$/m);
    expect(r.stderr).not.toMatch(/^\s+at /m); // no stack trace
    expect(new Uint8Array(readFileSync(save))).toEqual(before);
    loads(save);
    expect(readdirSync(dir).filter((f) => f.includes("limited"))).toEqual(["limited.safetensors"]);
  }, 60_000);

  it("never saves non-finite weights: a step that makes them so is undone, and with no finite step there is nothing to save", async () => {
    const save = join(dir, "diverged.safetensors");
    const before = weights(save);
    const r = await nnc(["train", TINY, "--data", "mnist", "--epochs", "1", "--lr", "1e300", "--optimizer", "sgd", "--batch", "8000", "--save", save]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/note: the weights were no longer finite after epoch 1, step 1: 'head\.kernel' \(\d+ of 7840 values, the first -?(Infinity|NaN) at index \d+\)/);
    expect(r.stdout).toContain("try a lower --lr than 1e+300");
    expect(r.stderr).toContain("nnc: not saving to");
    expect(r.stderr).toContain("no training step completed with finite weights; the file already there was left as it was");
    expect(new Uint8Array(readFileSync(save))).toEqual(before);
  }, 60_000);
});

describe("nnc train --load", () => {
  it("refuses NaN and infinite weights, naming the parameter, the count and the first index; --allow-nonfinite loads them but never saves them", async () => {
    const bad = join(dir, "nan.safetensors");
    weights(bad, { 17: NaN, 300: Infinity });
    const r = await nnc(["train", TINY, "--data", "mnist", "--epochs", "0", "--load", bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`nnc: --load ${bad}: the weights are not all finite: 'head.kernel' (2 of 7840 values, the first NaN at index 17)`);
    expect(r.stderr).toContain("--allow-nonfinite");
    expect(r.stdout).not.toContain("Test accuracy");

    const evaluated = await nnc(["train", TINY, "--data", "mnist", "--epochs", "0", "--load", bad, "--allow-nonfinite"]);
    expect(evaluated.code).toBe(0);
    expect(evaluated.stdout).toMatch(/Test accuracy: [\d.]+%/);

    // Training from them stops at once (the NaN would survive every update), and they are not saved again.
    const save = join(dir, "from-nan.safetensors");
    const trained = await nnc(["train", TINY, "--data", "mnist", "--epochs", "1", "--load", bad, "--allow-nonfinite", "--save", save]);
    expect(trained.code).toBe(1);
    expect(trained.stderr).toContain("nnc: not saving to");
    expect(trained.stderr).toContain("'head.kernel' (2 of 7840 values, the first NaN at index 17)");
    expect(existsSync(save)).toBe(false);
  }, 60_000);
});

describe("nnc train: a loss that explodes", () => {
  it("warns, suggesting a lower --lr or --clip-norm", async () => {
    const r = await nnc(["train", TINY, "--data", "mnist", "--epochs", "1", "--lr", "1e9", "--optimizer", "sgd"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: the loss grew from \d+\.\d{4} \(first step\) to [\d.]+e\+\d+ \(last epoch's mean\): training diverged; try a lower --lr than 1000000000, or --clip-norm 1$/m);
  }, 60_000);

  it("says nothing when training goes well", async () => {
    const r = await nnc(["train", TINY, "--data", "mnist", "--epochs", "1"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
  }, 60_000);
});
