// Training as the playground's worker does it, in Node: picking bundled
// data for a model, and training in slices with a falling loss.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compile, loadModule } from "../../compiler/index.ts";
import { createOptimizer } from "../../runtime/optimizers.ts";
import { loadMnist } from "../../runtime/mnist-node.ts";
import { dataFor, type MnistSlice } from "../../playground/src/training/data.ts";
import { TrainingSession } from "../../playground/src/training/session.ts";

function modelOf(name: string) {
  const { code, diagnostics } = compile(readFileSync(`examples/${name}`, "utf8"), { filename: name });
  if (!code) throw new Error(diagnostics.map((d) => d.message).join("\n"));
  const [modelName, M] = Object.entries(loadModule(code))[0]!;
  return { modelName, M };
}

const corpus = async () => readFileSync("examples/data/moby-dick.txt", "utf8");
const never = (what: string) => () => Promise.reject(new Error(`${what} must not load for this model`));

const mnist = async (): Promise<MnistSlice> => {
  const { train, test } = loadMnist({ trainCount: 800, testCount: 200 });
  const images = new Float32Array([...train.images, ...test.images]);
  return { images, labels: Int32Array.from([...train.labels, ...test.labels]), trainCount: train.count, testCount: test.count };
};

describe("bundled data for a model", () => {
  it("gives MNIST to a model with one 28×28×1 image input and a class target", async () => {
    const { modelName, M } = modelOf("lenet.nn");
    const data = await dataFor(M, modelName, mnist, never("the text"));
    if ("error" in data) throw new Error(data.error);
    expect(data).toMatchObject({ name: "mnist", imageInput: "image", classification: { output: "logits", target: "label", classes: 10 } });
    expect([data.train.count, data.test.count]).toEqual([800, 200]);
    expect(data.train.arrays.image!.length).toBe(800 * 784);
  });

  it("gives a generated task to a sequence model that declares its arrays", async () => {
    const { modelName, M } = modelOf("tagger.nn");
    const data = await dataFor(M, modelName, never("MNIST"), never("the text"));
    if ("error" in data) throw new Error(data.error);
    expect(data.name).toBe("tagger");
    expect(data.dims.T).toBeGreaterThan(1);
  });

  it("gives the bundled digits to the speller and the bundled text to the language model, loading only what each needs", async () => {
    const speller = modelOf("speller.nn");
    const spell = await dataFor(speller.M, speller.modelName, mnist, never("the text"));
    if ("error" in spell) throw new Error(spell.error);
    expect(spell).toMatchObject({ name: "spell", dims: { T: 6 }, classification: { output: "logits", target: "next", exact: true, decode: "prev" } });
    expect([spell.train.count, spell.test.count]).toEqual([800, 200]);
    const charlm = modelOf("charlm.nn");
    const text = await dataFor(charlm.M, charlm.modelName, never("MNIST"), corpus);
    if ("error" in text) throw new Error(text.error);
    expect(text).toMatchObject({ name: "charlm", dims: { T: 64 }, classification: { target: "next", classes: 36 } });
  });

  it("says what would fit when nothing does", async () => {
    const { modelName, M } = modelOf("video.nn");
    const data = await dataFor(M, modelName, mnist, never("the text"));
    expect("error" in data && data.error).toMatch(/^no bundled data fits ClipClassifier \(inputs clip: f32\[16, 64, 64, 3\], targets action: i32\[\]\)\. MNIST needs one f32\[28, 28, 1\] input/);
  });
});

describe("a training session", () => {
  it("trains LeNet in slices: steps count on, the loss falls, held-out accuracy rises above chance", async () => {
    const { modelName, M } = modelOf("lenet.nn");
    const data = await dataFor(M, modelName, mnist, never("the text"));
    if ("error" in data) throw new Error(data.error);
    const session = new TrainingSession(new M({ seed: 0 }), data, createOptimizer("adam", { lr: 0.002 }), 16);
    const reports = Array.from({ length: 6 }, () => session.runSlice(10));
    const losses = reports.flatMap((r) => r.steps);
    expect(losses.map((p) => p.step)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    const mean = (xs: { loss: number }[]) => xs.reduce((a, p) => a + p.loss, 0) / xs.length;
    expect(mean(losses.slice(-10))).toBeLessThan(mean(losses.slice(0, 10)) * 0.7);
    expect(reports[5]!.accuracy).toBeGreaterThan(0.5);
    expect(reports.every((r) => r.stepsPerSecond > 0 && r.stopped === undefined)).toBe(true);
  });
});
