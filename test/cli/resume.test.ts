// Checkpoints that survive anything: with --save, the weights and a
// checkpoint (<save>.ckpt: optimiser state, position, settings) are written
// after every epoch and on Ctrl-C, and --resume goes on exactly: the same
// weights, bit for bit, as a run that was never stopped.
import { execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeSafetensors } from "../../runtime/safetensors.ts";
import { tempDir } from "../datasets/helpers.ts";

const NNC = `${process.cwd()}/bin/nnc.js`;
const env = { ...process.env, NO_COLOR: "1" };
function nnc(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => execFile("node", [NNC, ...args], { env }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })));
}

const t = tempDir("resume");
const MODEL = t.file("m.nn", "model M {\n  input x: f32[3]\n  target kind: i32\n  logits = x -> dense(32) -> relu -> dense(32) -> relu -> dense(3)\n  output logits\n  loss cross_entropy(logits, kind)\n}\n");
const lines = ["a,b,c,kind"];
for (let i = 0; i < 3000; i++) lines.push(`${i % 7},${(i * 13) % 11},${(i * 7) % 5},${["x", "y", "z"][(i + (i % 7)) % 3]}`);
const DATA = t.file("d.csv", lines.join("\n"));

/** The tensors of a weights file, as bytes per name. */
function weights(path: string): Record<string, number[]> {
  const { tensors } = decodeSafetensors(new Uint8Array(readFileSync(path)));
  return Object.fromEntries(Object.entries(tensors).map(([k, v]) => [k, Array.from(new Uint8Array(v.data.buffer, v.data.byteOffset, v.data.byteLength))]));
}

describe("--resume", () => {
  it("2 epochs = 1 epoch, stop, resume for 1: the same weights bit for bit", async () => {
    const common = ["--data", DATA, "--val-split", "0.1", "--lr-schedule", "constant", "--batch", "32"];
    expect((await nnc("train", MODEL, ...common, "--epochs", "2", "--save", `${t.dir}/full.safetensors`)).code).toBe(0);
    expect((await nnc("train", MODEL, ...common, "--epochs", "1", "--save", `${t.dir}/part.safetensors`)).code).toBe(0);
    const r = await nnc("train", MODEL, "--data", DATA, "--resume", `${t.dir}/part.safetensors`, "--epochs", "2", "--save", `${t.dir}/part.safetensors`);
    expect(r.stdout).toContain(`Resuming from ${t.dir}/part.safetensors.ckpt at epoch 2, step 0`);
    expect(r.stdout).toMatch(/^epoch  2 /m);
    expect(r.stdout).not.toMatch(/^epoch  1 /m);
    expect(weights(`${t.dir}/part.safetensors`)).toEqual(weights(`${t.dir}/full.safetensors`));
  }, 120_000);

  it("with dropout too: the checkpoint keeps the model's dropout generator, so the masks after resuming are the same", async () => {
    const dropout = t.file("drop.nn", "model D {\n  input x: f32[3]\n  target kind: i32\n  logits = x -> dense(32) -> relu -> dropout(0.3) -> dense(3)\n  output logits\n  loss cross_entropy(logits, kind)\n}\n");
    const common = ["--data", DATA, "--val-split", "0.1", "--lr-schedule", "constant", "--batch", "32"];
    expect((await nnc("train", dropout, ...common, "--epochs", "2", "--save", `${t.dir}/dfull.safetensors`)).code).toBe(0);
    expect((await nnc("train", dropout, ...common, "--epochs", "1", "--save", `${t.dir}/dpart.safetensors`)).code).toBe(0);
    expect((await nnc("train", dropout, "--data", DATA, "--resume", `${t.dir}/dpart.safetensors`, "--epochs", "2", "--save", `${t.dir}/dpart.safetensors`)).code).toBe(0);
    expect(weights(`${t.dir}/dpart.safetensors`)).toEqual(weights(`${t.dir}/dfull.safetensors`));
  }, 120_000);

  it("Ctrl-C mid-run, then --resume: the same weights as an uninterrupted run (cosine schedule)", async () => {
    const common = ["--data", DATA, "--batch", "8", "--epochs", "3"];
    expect((await nnc("train", MODEL, ...common, "--save", `${t.dir}/whole.safetensors`)).code).toBe(0);
    const save = `${t.dir}/stopped.safetensors`;
    const child = spawn("node", [NNC, "train", MODEL, ...common, "--save", save], { env });
    let stdout = "";
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await new Promise<void>((resolve) =>
      child.stdout.on("data", (d) => {
        stdout += d;
        if (/^epoch {2}1 /m.test(stdout)) resolve();
      }),
    );
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(stdout).toMatch(/Interrupted after epoch \d, step \d+: saved the weights of that step/);
    const r = await nnc("train", MODEL, "--data", DATA, "--resume", save, "--save", save);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Resuming from .*stopped\.safetensors\.ckpt at epoch \d, step \d+/);
    expect(weights(save)).toEqual(weights(`${t.dir}/whole.safetensors`));
  }, 120_000);

  it("refuses other data, and a run with nothing left", async () => {
    const other = t.file("other.csv", lines.slice(0, 100).join("\n"));
    expect((await nnc("train", MODEL, "--data", other, "--resume", `${t.dir}/full.safetensors`)).stderr).toContain("it was trained on 3000 examples");
    expect((await nnc("train", MODEL, "--data", DATA, "--resume", `${t.dir}/full.safetensors`)).stderr).toContain("nothing left to train (give --epochs with a larger total to go on)");
  }, 60_000);
});
