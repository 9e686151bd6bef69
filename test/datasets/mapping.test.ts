// Mapping fields to a model's inputs and targets by name, reading every
// example with its errors located, labels, standardisation, padding, splits,
// metrics and fit().
import { describe, expect, it } from "vitest";
import { compile, loadModule } from "../../compiler/index.ts";
import { adam } from "../../runtime/optimizers.ts";
import { fit } from "../../runtime/fit.ts";
import { openCsv } from "../../runtime/datasets/csv.ts";
import { openJsonl } from "../../runtime/datasets/jsonl.ts";
import { describeFeeds, parseMap, planFeeds } from "../../runtime/datasets/mapping.ts";
import { evaluate, probeClasses } from "../../runtime/datasets/metrics.ts";
import { firstRecord, prepareRecords, prepareText } from "../../runtime/datasets/prepare.ts";
import { bytesSource } from "../../runtime/datasets/source.ts";
import { splitValidation } from "../../runtime/datasets/split.ts";

const model = (source: string) => Object.values(loadModule(compile(source, { filename: "m.nn" }).code!))[0]!;
const MLP = model("model MLP {\n  input x: f32[3]\n  target label: i32\n  logits = x -> dense(8) -> relu -> dense(3)\n  output logits\n  loss cross_entropy(logits, label)\n}\n");
const describe_ = (M: typeof MLP) => ({ name: "MLP", inputs: M.inputs, targets: M.targets, loss: M.loss });

async function plan(M: typeof MLP, csv: string, map: string[] = [], targets = true) {
  const source = await openCsv(bytesSource("d.csv", csv));
  return describeFeeds(planFeeds(describe_(M), source, await firstRecord(source), { map: parseMap(map), targets }));
}

describe("mapping by name", () => {
  it("a column named like the target, the other numeric columns to the one vector input", async () => {
    expect(await plan(MLP, "a,b,label,c\n1,2,x,3\n")).toBe("x ← a, b, c; label ← label");
  });
  it("else the last column is the target", async () => {
    expect(await plan(MLP, "a,b,c,species\n1,2,3,x\n")).toBe("x ← a, b, c; label ← species");
  });
  it("columns x.0 … x.2, and --map", async () => {
    expect(await plan(MLP, "id,x.0,x.1,x.2,label\n9,1,2,3,x\n")).toBe("x ← x.0, x.1, x.2; label ← label");
    expect(await plan(MLP, "p,q,r,s,t\n1,2,3,4,x\n", ["x=q,r,s", "label=t"])).toBe("x ← q, r, s; label ← t");
  });
  it("prediction leaves the label column out", async () => {
    expect(await plan(MLP, "a,b,c,species\n1,2,3,x\n", [], false)).toBe("x ← a, b, c");
  });
  it("says what is missing and how to map it", async () => {
    await expect(plan(MLP, "a,b,c,d,label\n1,2,3,4,x\n")).rejects.toThrow("d.csv: input x: f32[3] takes 3 values per example, but the data has 4 numeric columns left for it (a, b, c, d); name the columns with --map x=col,col,…");
    await expect(plan(MLP, "a,b\n1,2\n", ["y=a"])).rejects.toThrow("--map names 'y', which is not an input or target of MLP (x: f32[3], label: i32)");
    await expect(plan(MLP, "a,b\n1,2\n", ["x=a,zz"])).rejects.toThrow("--map x=…: no field 'zz' in the data (its fields: a, b)");
  });
});

describe("reading examples", () => {
  const read = async (csv: string, classes = 3) => prepareRecords(describe_(MLP), await openCsv(bytesSource("d.csv", csv)), { targets: true, classes: { label: classes } });
  it("string labels become sorted class indices; numeric inputs are standardised", async () => {
    const { data, info } = await read("a,b,c,label\n1,10,100,dog\n3,30,100,cat\n5,50,100,dog\n");
    expect(Array.from(data.arrays.label!)).toEqual([1, 0, 1]);
    expect(info.classes).toEqual({ label: ["cat", "dog"] });
    expect(info.standardize!.x!.mean).toEqual([3, 30, 100]);
    expect(info.standardize!.x!.std[2]).toBe(1); // constant: only centred
    expect(Array.from(data.arrays.x!).map((v) => Math.round(v * 1000) / 1000)).toEqual([-1.225, -1.225, 0, 0, 0, 0, 1.225, 1.225, 0]);
  });
  it("integer labels are class indices, checked against the model's classes", async () => {
    expect(Array.from((await read("a,b,c,label\n1,2,3,2\n1,2,3,0\n")).data.arrays.label!)).toEqual([2, 0]);
    await expect(read("a,b,c,label\n1,2,3,2\n1,2,3,5\n")).rejects.toThrow("d.csv:3: label: label 5 is outside the model's 3 classes (0 … 2) for target label: i32");
    await expect(read("a,b,c,label\n1,2,3,a\n1,2,3,b\n1,2,3,c\n1,2,3,d\n")).rejects.toThrow("the data has 4 classes (a, b, c, d) in label, but the model predicts 3");
  });
  it("locates a malformed number, NaN and an empty cell", async () => {
    await expect(read("a,b,c,label\n1,2,3,x\n1,2x,3,y\n")).rejects.toThrow("d.csv:3: b: '2x' is not a number; input x: f32[3] takes numbers");
    await expect(read("a,b,c,label\n1,2,NaN,x\n")).rejects.toThrow("d.csv:2: c: is NaN; input x: f32[3] takes finite numbers");
    await expect(read("a,b,c,label\n1,,3,x\n")).rejects.toThrow("d.csv:2: b: is empty; input x: f32[3] takes numbers");
  });
  it("a label outside the classes the weights know", async () => {
    const source = await openCsv(bytesSource("t.csv", "a,b,c,label\n1,2,3,cat\n1,2,3,cow\n"));
    await expect(prepareRecords(describe_(MLP), source, { targets: true, classes: { label: 3 }, info: { classes: { label: ["cat", "dog"] } } })).rejects.toThrow("t.csv:3: label: label 'cow' is not one of the model's classes (cat, dog)");
  });
});

describe("sequences", () => {
  const Tagger = model("model Tagger {\n  input words: i32[T]\n  input n: i32\n  target tags: i32[T]\n  h = words -> embedding(20, 8) -> lstm(8, sequences: true, lengths: n)\n  logits = h -> dense(4)\n  output logits\n  loss cross_entropy(logits, tags, lengths: n)\n}\n");
  const M = { name: "Tagger", inputs: Tagger.inputs, targets: Tagger.targets, loss: Tagger.loss };
  it("pads to the longest and fills the lengths input", async () => {
    const jsonl = '{"words": [1, 2, 3], "tags": ["N", "V", "N"]}\n{"words": [4], "tags": ["D"]}\n';
    const { data, info, feeds } = await prepareRecords(M, await openJsonl(bytesSource("s.jsonl", jsonl)), { targets: true, classes: { tags: 4 } });
    expect(describeFeeds(feeds)).toBe("words ← words; n ← lengths of words; tags ← tags");
    expect(data.dims).toEqual({ T: 3 });
    expect(Array.from(data.arrays.words!)).toEqual([1, 2, 3, 4, 0, 0]);
    expect(Array.from(data.arrays.n!)).toEqual([3, 1]);
    expect(Array.from(data.arrays.tags!)).toEqual([1, 2, 1, 0, 0, 0]);
    expect(info.classes).toEqual({ tags: ["D", "N", "V"] });
  });
  it("fit cuts each batch to its longest sequence: the same loss as the batch padded to the longest of all", async () => {
    const rows = Array.from({ length: 12 }, (_, i) => JSON.stringify({ words: Array.from({ length: i < 8 ? 2 : 7 }, (_, j) => 1 + ((i + j) % 5)), tags: Array.from({ length: i < 8 ? 2 : 7 }, (_, j) => ["N", "V", "D"][(i + j) % 3]) }));
    const { data } = await prepareRecords(M, await openJsonl(bytesSource("s.jsonl", rows.join("\n"))), { targets: true, classes: { tags: 4 } });
    expect([data.dims, Array.from(data.steps!.T!)]).toEqual([{ T: 7 }, [2, 2, 2, 2, 2, 2, 2, 2, 7, 7, 7, 7]]);
    const net = new Tagger({ seed: 1 });
    const seen: number[] = [];
    const probe = { ...net, params: net.params, grads: net.grads, forward: net.forward.bind(net), lossAndGrads: (arrays: Record<string, Float32Array | Int32Array>, dims: { batch: number; T: number }) => {
      seen.push(dims.T);
      return net.lossAndGrads!(arrays, dims);
    } };
    await fit(probe as never, M, data, { epochs: 1, batchSize: 4, optimizer: adam({ lr: 0 }) });
    expect(seen.sort()).toEqual([2, 7, 7]);
    // Short examples 0–3 cut to T = 2 give the loss they give padded to 7.
    const rowsOf = (T: number) => Object.fromEntries(Object.entries(data.arrays).map(([k, a]) => [k, k === "n" ? a.subarray(0, 4) : a.constructor === Float32Array ? a : Int32Array.from({ length: 4 * T }, (_, i) => a[Math.floor(i / T) * 7 + (i % T)]!)]));
    const cut = new Tagger({ seed: 1 }).lossAndGrads!(rowsOf(2), { batch: 4, T: 2 });
    const padded = new Tagger({ seed: 1 }).lossAndGrads!(rowsOf(7), { batch: 4, T: 7 });
    expect(Math.abs(cut - padded)).toBeLessThan(1e-6);
  });

  it("sequences of one example must agree in length; a wrong arity is located", async () => {
    const bad = '{"words": [1, 2], "tags": ["N"]}\n';
    await expect(prepareRecords(M, await openJsonl(bytesSource("s.jsonl", bad)), { targets: true, classes: { tags: 4 } })).rejects.toThrow("s.jsonl:1: tags: tags has 1 steps but words has 2");
    const vec = '{"x": [1, 2], "label": 0}\n';
    await expect(prepareRecords(describe_(MLP), await openJsonl(bytesSource("v.jsonl", vec)), { targets: true, classes: { label: 3 } })).rejects.toThrow("v.jsonl:1: x: has 2 values along axis 0; input x: f32[3] (axis 0 of its per-example shape) takes 3");
  });
});

describe("text", () => {
  const LM = model("model LM {\n  input text: i32[T]\n  target next: i32[T]\n  logits = text -> embedding(10, 8) -> dense(10)\n  output logits\n  loss cross_entropy(logits, next)\n}\n");
  it("cuts windows and keeps the vocabulary", () => {
    const { data, info } = prepareText({ name: "LM", inputs: LM.inputs, targets: LM.targets, loss: LM.loss }, "t.txt", "abcabcabc", { targets: true, classes: { next: 10 }, window: 4 });
    expect(info.vocabulary).toEqual(["a", "b", "c"]);
    expect([data.count, data.dims, Array.from(data.arrays.text!.subarray(0, 4)), Array.from(data.arrays.next!.subarray(0, 4))]).toEqual([3, { T: 4 }, [0, 1, 2, 0], [1, 2, 0, 1]]);
  });
});

describe("fit, metrics and splits", () => {
  it("learns a table of raw measurements of very different magnitudes; stratified split; metrics", async () => {
    // The class is decided by a feature in the thousands and one in thousandths.
    const rows = ["big,small,noise,kind"];
    for (let i = 0; i < 300; i++) {
      const k = i % 3;
      rows.push(`${1000 * (k === 1 ? 2 : 1) + ((i * 37) % 100)},${0.001 * (k === 2 ? 2 : 1) + ((i * 7) % 10) * 1e-5},${(i * 13) % 5},${["a", "b", "c"][k]}`);
    }
    const M = { name: "MLP", inputs: MLP.inputs, targets: MLP.targets, loss: MLP.loss };
    const net = new MLP({ seed: 0 });
    const classes = probeClasses(net, { ...M, minDims: MLP.minDims });
    expect(classes).toBe(3);
    const { data } = await prepareRecords(M, await openCsv(bytesSource("k.csv", rows.join("\n"))), { targets: true, classes: { label: classes! } });
    const { train, validation } = splitValidation(data, 0.2, 0, "label");
    expect(validation.count).toBe(60);
    const held = Array.from(validation.arrays.label!);
    expect([0, 1, 2].map((c) => held.filter((l) => l === c).length)).toEqual([20, 20, 20]);
    const result = await fit(net, M, train, { epochs: 30, batchSize: 16, optimizer: adam({ lr: 0.01 }), validation, patience: 5 });
    const metrics = evaluate(net, M, validation);
    expect(metrics.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(metrics.confusion!.flat().reduce((a, b) => a + b, 0)).toBe(60);
    expect(result.validation.length).toBe(result.epochs.length);
  });
});

describe("the README's TypeScript example", () => {
  it("a model class is its own description: prepare, split, fit, evaluate", async () => {
    const Iris = model("model Iris {\n  input x: f32[4]\n  target species: i32\n  logits = x -> dense(16) -> relu -> dense(3)\n  output logits\n  loss cross_entropy(logits, species)\n}\n");
    const { readFileSync } = await import("node:fs");
    const net = new Iris({ seed: 0 });
    const source = await openCsv(bytesSource("iris.csv", readFileSync("examples/iris/iris.csv", "utf8")));
    const { data, info } = await prepareRecords(Iris as never, source, { targets: true, classes: { species: probeClasses(net, Iris as never)! } });
    const { train, validation } = splitValidation(data, 0.2, 0, "species");
    await fit(net, Iris as never, train, { epochs: 100, batchSize: 8, optimizer: adam({ lr: 0.01 }), validation, patience: 20 });
    expect(evaluate(net, Iris as never, validation).accuracy).toBeGreaterThanOrEqual(0.9);
    expect(info.classes).toEqual({ species: ["setosa", "versicolor", "virginica"] });
  });
});

describe("regression by the default rule", () => {
  it("a one-number f32 target takes the last column", async () => {
    const Reg = model("model Reg {\n  input x: f32[2]\n  target price: f32[1]\n  p = x -> dense(1)\n  output p\n  loss mse(p, price)\n}\n");
    const source = await openCsv(bytesSource("h.csv", "rooms,area,value\n3,80,250000\n"));
    expect(describeFeeds(planFeeds({ name: "Reg", inputs: Reg.inputs, targets: Reg.targets, loss: Reg.loss }, source, await firstRecord(source), { targets: true }))).toBe("x ← rooms, area; price ← value");
  });
});
