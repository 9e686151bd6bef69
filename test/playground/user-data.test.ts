// The playground's own-data path in Node: a file's bytes opened by its name
// (a .zip as an image folder, images decoded by an injected decoder), mapped
// and read whole as `nnc train --data` does, summarised for the data panel;
// then trained with a validation split and written as weights with the
// metadata `nnc predict --load` reads.
import { readFileSync } from "node:fs";
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { compile, loadModule, type ModelClass } from "../../compiler/index.ts";
import { infoFromMetadata } from "../../runtime/datasets/info.ts";
import { probeClasses } from "../../runtime/datasets/metrics.ts";
import type { Pixels } from "../../runtime/datasets/source.ts";
import { decodeSafetensors } from "../../runtime/safetensors.ts";
import { inPlaygroundWords, openUserFile, prepareUserData, type UserData } from "../../playground/src/training/user-data.ts";
import { fitUserData } from "../../playground/src/training/fit-user-data.ts";
import { npy, npz } from "../datasets/helpers.ts";

function modelOf(source: string): { name: string; M: ModelClass } {
  const { code, diagnostics } = compile(source, { filename: "model.nn" });
  if (!code) throw new Error(diagnostics.map((d) => d.message).join("\n"));
  const [name, M] = Object.entries(loadModule(code))[0]!;
  return { name, M };
}

const iris = modelOf(readFileSync("examples/iris/iris.nn", "utf8"));
const IRIS_CSV = new Uint8Array(readFileSync("examples/iris/iris.csv"));
const classesOf = ({ M, name }: { name: string; M: ModelClass }) => {
  const n = probeClasses(new M({ seed: 0 }), { name, inputs: M.inputs, targets: M.targets, loss: M.loss, minDims: M.minDims });
  return n !== undefined && M.loss?.target ? { [M.loss.target]: n } : {};
};
const noImages = () => Promise.reject(new Error("no images here"));

async function read(model: { name: string; M: ModelClass }, file: string, bytes: Uint8Array | string, map = "", decode: (b: Uint8Array, p: string) => Promise<Pixels> = noImages): Promise<UserData> {
  const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  const opened = await openUserFile(file, data, decode);
  return prepareUserData({ name: model.name, inputs: model.M.inputs, targets: model.M.targets, loss: model.M.loss }, file, opened, classesOf(model), map);
}

describe("the user's file, read for a model", () => {
  it("maps a CSV by the rules and reports fields, feeds, classes and standardisation", async () => {
    const { report } = await read(iris, "iris.csv", IRIS_CSV);
    expect(report).toMatchObject({ file: "iris.csv", format: "csv", count: 150, fields: ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"] });
    expect(report.feeds).toEqual([
      { name: "x", role: "input", spec: "x: f32[4]", from: "sepal_length, sepal_width, petal_length, petal_width" },
      { name: "species", role: "target", spec: "species: i32", from: "species" },
    ]);
    expect(report.map).toBe("x=sepal_length,sepal_width,petal_length,petal_width; species=species");
    expect(report.classes).toEqual({ species: ["setosa", "versicolor", "virginica"] });
    expect(report.classCounts).toEqual({ species: [50, 50, 50] });
    expect(report.standardized).toEqual(["x"]);
  });

  it("takes an edited mapping, and names what is wrong with one", async () => {
    const { report } = await read(iris, "iris.csv", IRIS_CSV, "x=petal_width,petal_length,sepal_width,sepal_length");
    expect(report.feeds[0]!.from).toBe("petal_width, petal_length, sepal_width, sepal_length");
    await expect(read(iris, "iris.csv", IRIS_CSV, "x=petal,sepal")).rejects.toThrow("iris.csv: --map x=…: no field 'petal', 'sepal' in the data");
    await expect(read(iris, "iris.csv", IRIS_CSV, "x")).rejects.toThrow("iris.csv: --map takes name=field,field,…, got 'x'");
    // The page's mapping field stands for --map.
    expect(inPlaygroundWords("iris.csv: --map x=…: no field 'petal'")).toBe("iris.csv: the mapping x=…: no field 'petal'");
  });

  it("locates a bad value by line and field, and reads nothing of the rest", async () => {
    const text = "a,b,c,d,species\n1,2,3,4,setosa\n1,oops,3,4,setosa\n";
    await expect(read(iris, "bad.csv", text)).rejects.toThrow(/^bad\.csv:3: b: /);
  });

  it("reads JSON Lines and .npz", async () => {
    const jsonl = Array.from({ length: 6 }, (_, i) => JSON.stringify({ x: [i, 1, 2, 3], species: i % 3 })).join("\n");
    expect((await read(iris, "d.jsonl", jsonl)).report).toMatchObject({ format: "jsonl", count: 6, classCounts: { species: [2, 2, 2] } });
    const bytes = npz({ x: npy("<f4", [4, 4], new Float32Array(16).map((_, i) => i)), species: npy("<i4", [4], new Int32Array([0, 1, 2, 0])) });
    expect((await read(iris, "d.npz", bytes)).report).toMatchObject({ format: "npz", count: 4, fields: ["x", "species"] });
  });

  it("reads a zip of an image folder, under a wrapping folder, with the injected decoder", async () => {
    const digits = modelOf("model D {\n  input image: f32[2, 2, 1]\n  target label: i32\n  logits = image -> flatten -> dense(2)\n  output logits\n  loss cross_entropy(logits, label)\n}\n");
    // Each "image" is one byte: its grey value.
    const decode = async (bytes: Uint8Array): Promise<Pixels> => ({ width: 2, height: 2, channels: 1, data: new Uint8Array(4).fill(bytes[0]!) });
    const zip = zipSync({ "shapes/dark/a.png": Uint8Array.of(10), "shapes/dark/b.png": Uint8Array.of(20), "shapes/light/c.png": Uint8Array.of(250), "__MACOSX/shapes/._a.png": Uint8Array.of(0) });
    const { report, data } = await read(digits, "shapes.zip", zip, "", decode);
    expect(report).toMatchObject({ format: "images", count: 3, classes: { label: ["dark", "light"] }, classCounts: { label: [2, 1] } });
    expect(Array.from(data.arrays.label!)).toEqual([0, 0, 1]);
    const failing = async (_: Uint8Array, path: string): Promise<Pixels> => (path.endsWith("b.png") ? Promise.reject(new Error("broken")) : decode(new Uint8Array([1])));
    await expect(read(digits, "shapes.zip", zip, "", failing)).rejects.toThrow("shapes.zip/dark/b.png: cannot decode the image: broken");
    await expect(read(digits, "flat.zip", zipSync({ "a.png": new Uint8Array([1]) }), "", decode)).rejects.toThrow("an image outside any class folder");
  });

  it("cuts plain text into windows for a next-character model, with its vocabulary", async () => {
    const lm = modelOf("model C {\n  input text: i32[8]\n  target next: i32[8]\n  logits = text -> embedding(16, 4) -> dense(16)\n  output logits\n  loss cross_entropy(logits, next)\n}\n");
    const { report, info } = await read(lm, "tiny.txt", "the cat sat on the mat and the hat");
    // 34 characters: windows of 8 (and the character after), starting every 4.
    expect(report).toMatchObject({ format: "text", fields: ["text"], count: 7 });
    expect(info.vocabulary).toEqual([" ", "a", "c", "d", "e", "h", "m", "n", "o", "s", "t"]);
  });

  it("tells how far a long read has come", async () => {
    const heard: string[] = [];
    const opened = await openUserFile("iris.csv", IRIS_CSV, noImages, (w) => heard.push(w));
    await prepareUserData({ name: iris.name, inputs: iris.M.inputs, targets: iris.M.targets, loss: iris.M.loss }, "iris.csv", opened, classesOf(iris), "", (w) => heard.push(w));
    expect(heard.at(-1)).toBe("reading: 100%");
    const decode = async (): Promise<Pixels> => ({ width: 1, height: 1, channels: 1, data: Uint8Array.of(0) });
    heard.length = 0;
    await openUserFile("d.zip", zipSync({ "a/1.png": Uint8Array.of(1), "b/2.png": Uint8Array.of(2) }), decode, (w) => heard.push(w));
    expect(heard).toEqual(["decoding images: 1 of 2", "decoding images: 2 of 2"]);
  });

  it("names the formats it reads for any other file", async () => {
    await expect(read(iris, "notes.docx", "x")).rejects.toThrow(/notes\.docx: the playground reads CSV \(\.csv\).*a \.zip of an image folder/);
  });
});

describe("training on it", () => {
  it("splits, trains, measures the held-out part and writes weights with the CLI's metadata", async () => {
    const data = await read(iris, "iris.csv", IRIS_CSV);
    const model = new iris.M({ seed: 0 });
    const slices: { steps: number; accuracy?: number }[] = [];
    const result = await fitUserData(iris.M, iris.name, model, data, classesOf(iris), { epochs: 40, batch: 8, lr: 0.01, valSplit: 0.2 }, {
      onSlice: (r) => slices.push({ steps: r.steps.length, accuracy: r.accuracy }),
      shouldStop: () => false,
    });
    expect(result).toMatchObject({ label: "Validation", trainCount: 120, validationCount: 30, classNames: ["setosa", "versicolor", "virginica"] });
    expect(result.reason).toBe("trained 40 epochs (600 steps)");
    expect(slices.reduce((a, s) => a + s.steps, 0)).toBe(600);
    expect(slices.filter((s) => s.accuracy !== undefined)).toHaveLength(40);
    expect(result.metrics!.accuracy).toBeGreaterThan(0.85);
    expect(result.metrics!.confusion!.flat().reduce((a, b) => a + b, 0)).toBe(30);
    const { tensors, metadata } = decodeSafetensors(result.weights!);
    expect(metadata).toMatchObject({ model: "Iris", source: "playground.nn", format: "nnc" });
    const info = infoFromMetadata(metadata);
    expect(info.classes).toEqual({ species: ["setosa", "versicolor", "virginica"] });
    expect(info.standardize!.x!.mean).toHaveLength(4);
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(iris.M.params).sort());
  });

  it("measures a regression by MSE and MAE", async () => {
    const reg = modelOf("model R {\n  input x: f32[2]\n  target y: f32[1]\n  pred = x -> dense(1)\n  output pred\n  loss mse(pred, y)\n}\n");
    const csv = ["a,b,y", ...Array.from({ length: 40 }, (_, i) => `${i},${i % 7},${2 * i - (i % 7)}`)].join("\n");
    const data = await read(reg, "line.csv", csv);
    expect(data.report.feeds.map((f) => f.from)).toEqual(["a, b", "y"]);
    const result = await fitUserData(reg.M, reg.name, new reg.M({ seed: 0 }), data, classesOf(reg), { epochs: 5, batch: 8, lr: 0.01, valSplit: 0.25 }, { onSlice: () => {}, shouldStop: () => false });
    expect(result.metrics).toMatchObject({ count: 10 });
    expect(result.metrics!.mse).toBeGreaterThan(0);
    expect(result.metrics!.mae).toBeGreaterThan(0);
    expect(result.metrics!.confusion).toBeUndefined();
    expect(result.classNames).toBeUndefined();
  });

  it("stops when asked, keeping the weights of the steps run", async () => {
    const data = await read(iris, "iris.csv", IRIS_CSV);
    let steps = 0;
    const result = await fitUserData(iris.M, iris.name, new iris.M({ seed: 0 }), data, classesOf(iris), { epochs: 50, batch: 8, lr: 0.01, valSplit: 0 }, {
      onSlice: (r) => (steps += r.steps.length),
      shouldStop: () => steps >= 20,
    });
    expect(result.reason).toBe("stopped at epoch 2, step 10");
    expect(result.label).toBe("Training data");
    expect(result.weights).toBeDefined();
  });
});
