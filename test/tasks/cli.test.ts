// `nnc train --data <task>` end to end: the generated tasks by name, and the
// error for a model whose inputs do not match.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

function nnc(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("node", [join(process.cwd(), "bin/nnc.js"), ...args], { env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe("nnc train --data tagger", () => {
  it("trains examples/tagger.nn for an epoch, naming the task and printing held-out accuracy", async () => {
    const r = await nnc(["train", "examples/tagger.nn", "--data", "tagger", "--epochs", "1", "--batch", "32"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Training Tagger \([\d,]+ parameters\) on tagger \(part-of-speech tagging[^)]*\): 3000 examples, 500 held out;/);
    expect(r.stdout).toMatch(/^epoch  1  loss \d+\.\d{4}  test accuracy \d+\.\d\d%/m);
    expect(r.stdout).toMatch(/^Test accuracy: \d+\.\d\d% on 500 held-out examples$/m);
  }, 120_000);

  it("refuses a model whose inputs and targets do not match the task, naming them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nnc-tasks-"));
    const path = join(dir, "mismatch.nn");
    // `tokens` instead of `words`, and no lengths input.
    writeFileSync(path, "model M {\n  input tokens: i32[T]\n  target tags: i32[T]\n  logits = tokens -> embedding(200, 8) -> lstm(8, sequences: true) -> dense(8)\n  output logits\n  loss cross_entropy(logits, tags)\n}\n");
    const r = await nnc(["train", path, "--data", "tagger", "--epochs", "1"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("nnc: --data tagger (part-of-speech tagging of generated sentences");
    expect(r.stderr).toContain("does not fit M:");
    expect(r.stderr).toContain("'words: i32[T]' is not an input or target of M");
    expect(r.stderr).toContain("'n: i32[]' is not an input or target of M");
    expect(r.stderr).not.toMatch(/^\s+at /m); // no stack trace
    // The other task's model does not fit either.
    const other = await nnc(["train", "examples/sentiment.nn", "--data", "tagger", "--epochs", "1"]);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain("'tags: i32[T]' is not an input or target of Sentiment");
  }, 60_000);
});

describe("nnc train --data phrases", () => {
  it("trains examples/textcnn.nn (valid convolutions over a symbolic T) to ≥ 90% held out in one epoch", async () => {
    const r = await nnc(["train", "examples/textcnn.nn", "--data", "phrases", "--epochs", "1"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Training TextCNN \(397,702 parameters\) on phrases \(does a sentence of 28 words contain one of 8 key phrases/);
    const accuracy = Number(/^Test accuracy: (\d+\.\d\d)% on 1000 held-out examples$/m.exec(r.stdout)?.[1]);
    expect(accuracy).toBeGreaterThanOrEqual(90);
  }, 120_000);
});

describe("nnc train with decoding tasks", () => {
  it("evaluates by decoding, says so, and shows decoded held-out examples", async () => {
    const r = await nnc(["train", "examples/reverser.nn", "--data", "reverse", "--epochs", "0"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    // The task's recommended settings apply when no flag overrides them.
    expect(r.stdout).toMatch(/adam lr 0\.01 \(cosine, clip norm 5\), batch 32, 0 epochs/);
    expect(r.stdout).toMatch(/^Test accuracy: \d+\.\d\d% on 500 held-out examples \(exact sequences, decoded\)$/m);
    expect(r.stdout.match(/^ {2}\d{3,6} → [\d^_]*( ✓| ✗ \(expected \d+\))$/gm)).toHaveLength(4);
  }, 120_000);

  it("the language model reports its held-out loss and a sample", async () => {
    const r = await nnc(["train", "examples/charlm.nn", "--data", "charlm", "--epochs", "0"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Held-out loss: \d\.\d{4} nats per prediction$/m);
    expect(r.stdout).toMatch(/^ {2}"call me ishmael\. [ a-z.,;:'"!?-]{240}"$/m);
  }, 120_000);

  it("refuses a model that cannot decode a decoding task", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nnc-tasks-"));
    const path = join(dir, "nogenerate.nn");
    writeFileSync(path, "model M {\n  input digits: i32[S]\n  input n: i32\n  input prev: i32[T]\n  target next: i32[T]\n  logits = prev -> embedding(13, 8) -> lstm(8, sequences: true) -> dense(13)\n  output logits\n  loss cross_entropy(logits, next)\n}\n");
    const r = await nnc(["train", path, "--data", "reverse", "--epochs", "1"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("it is measured by decoding, so M must declare `generate prev from <scores>(start: …, stop: …)`");
  }, 60_000);
});
