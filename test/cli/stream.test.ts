// Data read anew every epoch (--stream, the default for large CSV, TSV and
// JSON Lines files): a first pass checks every record and learns the class
// names and statistics, each epoch comes through a seeded shuffle buffer,
// sequences are padded per batch, and --resume is exact here too.
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
const weights = (path: string) => {
  const { tensors } = decodeSafetensors(new Uint8Array(readFileSync(path)));
  return Object.fromEntries(Object.entries(tensors).map(([k, v]) => [k, Array.from(v.data)]));
};

const t = tempDir("stream");
const MODEL = t.file("m.nn", "model M {\n  input x: f32[2]\n  target kind: i32\n  logits = x -> dense(16) -> relu -> dense(3)\n  output logits\n  loss cross_entropy(logits, kind)\n}\n");
const lines = ["width,height,kind"];
for (let i = 0; i < 2000; i++) {
  const k = i % 3;
  lines.push(`${(k === 1 ? 5000 : 1000) + ((i * 97) % 500)},${(k === 2 ? 0.02 : 0.01) + ((i * 31) % 50) * 1e-5},${["circle", "square", "triangle"][k]}`);
}
const DATA = t.file("d.csv", lines.join("\n"));

describe("--stream", () => {
  it("checks the file first, learns class names and statistics, trains batch by batch, splits by class", async () => {
    const save = `${t.dir}/s.safetensors`;
    const r = await nnc("train", MODEL, "--data", DATA, "--stream", "--val-split", "0.1", "--epochs", "4", "--lr", "0.02", "--save", save);
    expect(r.stdout).toContain(`Data: ${DATA} (csv, 2000 examples, read anew every epoch): x ← width, height; kind ← kind`);
    expect(r.stdout).toContain("Validation: 200 of the 2000 examples (--val-split 0.1, seed 0, stratified by class in file order), 1800 to train on");
    expect(Number(/^Validation: loss \S+  accuracy (\d+\.\d+)% on 200 examples/m.exec(r.stdout)![1])).toBeGreaterThanOrEqual(95);
    expect(r.stdout).toMatch(/^circle +\d+ +\d+ +\d+ +\d+\.\d+%$/m);
    expect(JSON.parse(decodeSafetensors(new Uint8Array(readFileSync(save))).metadata["nnc.classes"]!)).toEqual({ kind: ["circle", "square", "triangle"] });
    const e = await nnc("eval", MODEL, "--load", save, "--data", DATA);
    expect(Number(/accuracy (\d+\.\d+)%/.exec(e.stdout)![1])).toBeGreaterThanOrEqual(95);
  });

  it("a bad value is found by the first pass: nothing trains", async () => {
    const bad = t.file("bad.csv", [...lines.slice(0, 1500), "1,x2,circle", ...lines.slice(1500)].join("\n"));
    const r = await nnc("train", MODEL, "--data", bad, "--stream", "--epochs", "1");
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`nnc: ${bad}:1501: height: 'x2' is not a number; input x: f32[2] takes numbers`);
    expect(r.stdout).not.toContain("epoch");
  });

  it("pads sequences per batch", async () => {
    const tagger = t.file("tagger.nn", "model Tagger {\n  input words: i32[T]\n  input n: i32\n  target tags: i32[T]\n  h = words -> embedding(10, 8) -> lstm(8, sequences: true, lengths: n)\n  logits = h -> dense(3)\n  output logits\n  loss cross_entropy(logits, tags, lengths: n)\n}\n");
    const rows = Array.from({ length: 40 }, (_, i) => JSON.stringify({ words: Array.from({ length: 1 + (i % 9) }, (_, j) => 1 + ((i + j) % 3)), tags: Array.from({ length: 1 + (i % 9) }, (_, j) => ["N", "V", "D"][(i + j) % 3]) }));
    const r = await nnc("train", tagger, "--data", t.file("s.jsonl", rows.join("\n")), "--stream", "--epochs", "2", "--batch", "4");
    expect(r.stdout).toContain("(jsonl, 40 examples, read anew every epoch; T ≤ 9, padded per batch): words ← words; n ← lengths of words; tags ← tags");
    expect(r.code).toBe(0);
  });

  it("--resume after Ctrl-C gives the same weights as a run never stopped", async () => {
    const common = ["--data", DATA, "--stream", "--batch", "4", "--epochs", "3", "--val-split", "0.1"];
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
    const r = await nnc("train", MODEL, "--data", DATA, "--resume", save, "--save", save);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Resuming from .* at epoch \d, step \d+/);
    expect(weights(save)).toEqual(weights(`${t.dir}/whole.safetensors`));
  }, 120_000);
});
