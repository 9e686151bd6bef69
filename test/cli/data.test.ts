// `nnc train --data <file>`, `nnc eval` and `nnc predict` end to end, one
// format at a time, on small files written here; then each kind of bad data
// with the message that locates it, and that nothing is saved over an
// existing file when the data fails to read.
import { execFile } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeSafetensors, encodeSafetensors } from "../../runtime/safetensors.ts";
import { greyPng, npy, npz, tempDir } from "../datasets/helpers.ts";

const NNC = `${process.cwd()}/bin/nnc.js`;
function nnc(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("node", [NNC, ...args], { env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
}

const t = tempDir("data-cli");
const MLP = t.file("mlp.nn", "model MLP {\n  input x: f32[2]\n  target kind: i32\n  logits = x -> dense(16) -> relu -> dense(3)\n  output logits\n  loss cross_entropy(logits, kind)\n}\n");

/** Three classes by the sign pattern of two measurements of very different scales. */
function rows(n: number): [number, number, string][] {
  return Array.from({ length: n }, (_, i) => {
    const k = i % 3;
    const a = (k === 1 ? 5000 : 1000) + ((i * 97) % 500);
    const b = (k === 2 ? 0.02 : 0.01) + ((i * 31) % 50) * 1e-5;
    return [a, b, ["circle", "square", "triangle"][k]!];
  });
}
const CSV = t.file("shapes.csv", ["width,height,kind", ...rows(240).map((r) => r.join(","))].join("\n") + "\n");

describe("CSV: train, eval, predict", () => {
  const save = `${t.dir}/shapes.safetensors`;
  it("trains with a stratified validation split and saves the class names and statistics", async () => {
    const r = await nnc("train", MLP, "--data", CSV, "--val-split", "0.25", "--epochs", "20", "--lr", "0.02", "--save", save);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain(`Data: ${CSV} (csv, 240 examples): x ← width, height; kind ← kind`);
    expect(r.stdout).toContain("Validation: 60 of the 240 examples (--val-split 0.25, seed 0, stratified by class), 180 to train on");
    expect(r.stdout).toMatch(/^epoch 20  loss \d\.\d+  val loss \d\.\d+  val accuracy \d+\.\d+%/m);
    expect(r.stdout).toMatch(/^true \\ predicted +circle +square +triangle +recall$/m);
    expect(r.code).toBe(0);
    const meta = decodeSafetensors(new Uint8Array(readFileSync(save))).metadata;
    expect(JSON.parse(meta["nnc.classes"]!)).toEqual({ kind: ["circle", "square", "triangle"] });
    expect(JSON.parse(meta["nnc.standardize"]!).x.mean[0]).toBeGreaterThan(1000);
  });

  it("evaluates: metrics and a confusion matrix with class names", async () => {
    const r = await nnc("eval", MLP, "--load", save, "--data", CSV);
    expect(r.code).toBe(0);
    const accuracy = Number(/accuracy (\d+\.\d+)%/.exec(r.stdout)![1]);
    expect(accuracy).toBeGreaterThanOrEqual(95);
    expect(r.stdout).toMatch(/^circle +\d+ +\d+ +\d+ +\d+\.\d+%$/m);
  });

  it("predicts class names and probabilities, to CSV and JSON Lines", async () => {
    const input = t.file("unlabelled.csv", "width,height\n5100,0.0101\n1100,0.0201\n");
    const csv = await nnc("predict", MLP, "--load", save, "--data", input);
    expect(csv.stdout.split("\n")[0]).toBe("prediction,p_circle,p_square,p_triangle");
    expect(csv.stdout.split("\n").slice(1, 3).map((l) => l.split(",")[0])).toEqual(["square", "triangle"]);
    const out = `${t.dir}/p.jsonl`;
    const jsonl = await nnc("predict", MLP, "--load", save, "--data", input, "--out", out);
    expect(jsonl.code).toBe(0);
    const first = JSON.parse(readFileSync(out, "utf8").split("\n")[0]!);
    expect(first.prediction).toBe("square");
    expect(Object.keys(first.probabilities)).toEqual(["circle", "square", "triangle"]);
  });

  it("--val reads a second file with the training data's classes and statistics; --patience keeps the best weights", async () => {
    const val = t.file("val.tsv", ["width\theight\tkind", ...rows(30).map((r) => r.join("\t"))].join("\n"));
    const r = await nnc("train", MLP, "--data", CSV, "--val", val, "--epochs", "40", "--lr", "0.05", "--patience", "2");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Validation: ${val} (tsv, 30 examples)`);
    expect(r.stdout).toMatch(/Kept the weights of epoch \d+, the lowest validation loss/);
  });
});

describe("other formats end to end", () => {
  it("JSON Lines sequences: padded per file, lengths filled, tags decoded by name", async () => {
    const tagger = t.file("tagger.nn", "model Tagger {\n  input words: i32[T]\n  input n: i32\n  target tags: i32[T]\n  h = words -> embedding(10, 16) -> lstm(16, sequences: true, lengths: n)\n  logits = h -> dense(3)\n  output logits\n  loss cross_entropy(logits, tags, lengths: n)\n}\n");
    // Word 1 is a noun, 2 a verb, 3 a determiner.
    const names = ["", "N", "V", "D"];
    const lines = Array.from({ length: 60 }, (_, i) => {
      const words = Array.from({ length: 2 + (i % 4) }, (_, j) => 1 + ((i + j) % 3));
      return JSON.stringify({ words, tags: words.map((w) => names[w]) });
    });
    const data = t.file("tags.jsonl", lines.join("\n"));
    const save = `${t.dir}/tagger.safetensors`;
    const r = await nnc("train", tagger, "--data", data, "--epochs", "15", "--lr", "0.03", "--save", save);
    expect(r.stdout).toContain("(jsonl, 60 examples, padded to T = 5): words ← words; n ← lengths of words; tags ← tags");
    expect(r.code).toBe(0);
    const e = await nnc("eval", tagger, "--load", save, "--data", data);
    expect(Number(/accuracy (\d+\.\d+)%/.exec(e.stdout)![1])).toBeGreaterThanOrEqual(95);
    const p = await nnc("predict", tagger, "--load", save, "--data", t.file("one.jsonl", '{"words": [3, 1, 2]}\n'));
    expect(p.stdout).toBe("prediction\nD N V\n");
  });

  it(".npz regression: MSE and MAE, values predicted", async () => {
    const reg = t.file("reg.nn", "model Reg {\n  input x: f32[3]\n  target y: f32[1]\n  p = x -> dense(1)\n  output p\n  loss mse(p, y)\n}\n");
    const n = 200;
    const x = new Float64Array(n * 3);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      x.set([i % 7, (i * 3) % 11, 100 * (i % 5)], i * 3);
      y[i] = 2 * (i % 7) - ((i * 3) % 11) + 0.01 * 100 * (i % 5);
    }
    const data = t.file("reg.npz", npz({ x: npy("<f8", [n, 3], x), y: npy("<f4", [n], y) }));
    const save = `${t.dir}/reg.safetensors`;
    const r = await nnc("train", reg, "--data", data, "--epochs", "40", "--lr", "0.05", "--save", save);
    expect(r.stdout).toContain("(npz, 200 examples): x ← x; y ← y");
    expect(r.code).toBe(0);
    const e = await nnc("eval", reg, "--load", save, "--data", data);
    const mse = Number(/mse (\S+)/.exec(e.stdout)![1]);
    expect(mse).toBeLessThan(0.05);
    expect(e.stdout).toMatch(/mae \d/);
    const p = await nnc("predict", reg, "--load", save, "--data", data);
    expect(p.stdout.split("\n")[0]).toBe("prediction");
    expect(Math.abs(Number(p.stdout.split("\n")[2]) - y[1]!)).toBeLessThan(0.5);
  });

  it("safetensors data: one tensor per input and target", async () => {
    const n = 90;
    const x = new Float32Array(n * 2);
    const kind = new Int32Array(n);
    rows(n).forEach(([a, b], i) => {
      x.set([a, b], 2 * i);
      kind[i] = i % 3;
    });
    const data = t.file("shapes-data.safetensors", encodeSafetensors({ x: { shape: [n, 2], data: x }, kind: { shape: [n], data: kind } }));
    const r = await nnc("train", MLP, "--data", data, "--epochs", "30", "--lr", "0.02");
    expect(r.stdout).toContain("(safetensors, 90 examples): x ← x; kind ← kind");
    expect(Number(/^Training data: loss \S+  accuracy (\d+\.\d+)%/m.exec(r.stdout)![1])).toBeGreaterThanOrEqual(90);
  });

  it("a folder of class folders of images, and a single image to predict", async () => {
    const lenet = t.file("tiny-cnn.nn", "model Tiny {\n  input image: f32[6, 6, 1]\n  target label: i32\n  logits = image -> flatten -> dense(2)\n  output logits\n  loss cross_entropy(logits, label)\n}\n");
    for (let i = 0; i < 10; i++) {
      t.file(`imgs/dark/${i}.png`, greyPng(6, 6, (x, y) => (x + y + i) % 40));
      t.file(`imgs/light/${i}.png`, greyPng(6, 6, (x, y) => 200 + ((x * y + i) % 50)));
    }
    const save = `${t.dir}/tiny.safetensors`;
    const r = await nnc("train", lenet, "--data", `${t.dir}/imgs`, "--epochs", "20", "--lr", "0.05", "--batch", "4", "--save", save);
    expect(r.stdout).toContain("(images, 20 examples): image ← image; label ← label");
    expect(r.code).toBe(0);
    const one = t.file("probe.png", greyPng(6, 6, () => 240));
    const p = await nnc("predict", lenet, "--load", save, "--data", one);
    expect(p.stdout.split("\n")[1]!.split(",")[0]).toBe("light");
  });

  it("plain text for a next-character model, its vocabulary saved", async () => {
    const lm = t.file("lm.nn", "model LM {\n  input text: i32[T]\n  target next: i32[T]\n  logits = text -> embedding(8, 8) -> dense(8)\n  output logits\n  loss cross_entropy(logits, next)\n}\n");
    const text = t.file("abc.txt", "abcd".repeat(200));
    const save = `${t.dir}/lm.safetensors`;
    const r = await nnc("train", lm, "--data", text, "--window", "16", "--epochs", "5", "--lr", "0.05", "--save", save);
    expect(r.stdout).toContain("(text, 98 examples, windows of T = 16): text ← text; next ← text (one character on)");
    expect(JSON.parse(decodeSafetensors(new Uint8Array(readFileSync(save))).metadata["nnc.vocabulary"]!)).toEqual(["a", "b", "c", "d"]);
    const e = await nnc("eval", lm, "--load", save, "--data", text, "--window", "16");
    expect(Number(/accuracy (\d+\.\d+)%/.exec(e.stdout)![1])).toBeGreaterThanOrEqual(99);
  });
});

describe("a model that writes sequences", () => {
  it("predicts by decoding: the fed input is not data, each row a sequence up to the stop token", async () => {
    // Tokens: 1 starts, 2 stops, 3 + d is the digit d (examples/reverser.nn).
    const lines = Array.from({ length: 64 }, (_, i) => {
      const digits = Array.from({ length: 2 + (i % 3) }, (_, j) => 3 + ((i * 7 + j * 3) % 10));
      const answer = [...digits].reverse();
      return JSON.stringify({ digits, prev: [1, ...answer], next: [...answer, 2] });
    });
    const save = `${t.dir}/rev.safetensors`;
    const r = await nnc("train", "examples/reverser.nn", "--data", t.file("rev.jsonl", lines.join("\n")), "--epochs", "1", "--save", save);
    expect(r.stdout).toContain("digits ← digits; n ← lengths of digits; prev ← prev; next ← next");
    expect(r.code).toBe(0);
    const p = await nnc("predict", "examples/reverser.nn", "--load", save, "--data", t.file("ask.jsonl", '{"digits": [4, 5, 6]}\n{"digits": [7, 8]}\n'), "--steps", "5");
    expect(p.code).toBe(0);
    const out = p.stdout.split("\n").slice(0, -1); // after 1 epoch a sequence may be empty (stop at once)
    expect(out[0]).toBe("prediction");
    expect(out.length).toBe(3);
    for (const line of out.slice(1)) expect(line).toMatch(/^(\d+( \d+)*)?$/);
  });
});

describe("bad data is located, and nothing trains on half a file", () => {
  const save = `${t.dir}/kept.safetensors`;
  const trainOn = async (name: string, text: string) => {
    const before = statSync(save).mtimeMs;
    const r = await nnc("train", MLP, "--data", t.file(name, text), "--epochs", "1", "--save", save);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain("epoch");
    expect(statSync(save).mtimeMs).toBe(before);
    return r.stderr.trim();
  };
  it("names the file, line, field and what the model expected", async () => {
    await nnc("train", MLP, "--data", CSV, "--epochs", "1", "--save", save);
    const head = "width,height,kind\n1,2,circle\n";
    expect(await trainOn("number.csv", `${head}3,4x,square\n`)).toBe(`nnc: ${t.dir}/number.csv:3: height: '4x' is not a number; input x: f32[2] takes numbers`);
    expect(await trainOn("arity.csv", `${head}3,square\n`)).toBe(`nnc: ${t.dir}/arity.csv:3: has 2 fields, but the header has 3 (width, height, kind)`);
    expect(await trainOn("nan.csv", `${head}NaN,4,square\n`)).toBe(`nnc: ${t.dir}/nan.csv:3: width: is NaN; input x: f32[2] takes finite numbers`);
    expect(await trainOn("classes.csv", `${head}1,2,a\n1,2,b\n1,2,c\n`)).toBe(`nnc: ${t.dir}/classes.csv: kind: the data has 4 classes (a, b, c, circle) in kind, but the model predicts 3`);
    expect(await trainOn("index.csv", "width,height,kind\n1,2,0\n1,2,3\n")).toBe(`nnc: ${t.dir}/index.csv:3: kind: label 3 is outside the model's 3 classes (0 … 2) for target kind: i32`);
    expect(await trainOn("missing.jsonl", '{"x": [1, 2], "kind": 0}\n{"kind": 1}\n')).toBe(`nnc: ${t.dir}/missing.jsonl:2: x: missing; input x: f32[2] reads it`);
    expect(await trainOn("cols.csv", "a,b,c,kind\n1,2,3,x\n")).toContain("input x: f32[2] takes 2 values per example, but the data has 3 numeric columns left for it (a, b, c)");
  });

  it("an image of the wrong size", async () => {
    const tiny = t.file("img.nn", "model Img {\n  input image: f32[6, 6, 1]\n  target label: i32\n  logits = image -> flatten -> dense(2)\n  output logits\n  loss cross_entropy(logits, label)\n}\n");
    t.file("sizes/a/ok.png", greyPng(6, 6, () => 0));
    t.file("sizes/b/big.png", greyPng(8, 6, () => 0));
    const r = await nnc("train", tiny, "--data", `${t.dir}/sizes`, "--epochs", "1");
    expect(r.stderr.trim()).toBe(`nnc: ${t.dir}/sizes/b/big.png: image: the image is 8×6 (width×height), input image: f32[6, 6, 1] takes 6×6; images are not resized: resize it first`);
  });

  it("a path that is not there, or of no known format", async () => {
    expect((await nnc("train", MLP, "--data", `${t.dir}/nope.csv`)).stderr).toContain(`nnc: ${t.dir}/nope.csv: cannot read it: no such file or folder`);
    expect((await nnc("train", MLP, "--data", t.file("d.xlsx", "x"))).stderr).toContain("cannot tell its format by its name; nnc reads CSV (.csv)");
  });
});
