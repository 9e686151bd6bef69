// Every model of every example exported to ONNX and run by ONNX Runtime,
// against nnc's forward: ≤ 1e-4 relative at two values of each symbolic dim.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check } from "../../compiler/index.ts";
import { fsHost } from "../../cli/fs-host.ts";
import { minDimsData } from "../../compiler/shapes/min-dims.ts";
import { compareWithOnnxRuntime, worst } from "./onnx-harness.ts";

const folder = join(import.meta.dirname, "../../examples");
const files = readdirSync(folder).filter((f) => f.endsWith(".nn"));

describe("ONNX export of every example, against ONNX Runtime", () => {
  for (const file of files) {
    const path = join(folder, file);
    const source = readFileSync(path, "utf8");
    for (const model of check(source, { filename: path, host: fsHost }).models) {
      it(`${file}: ${model.name}`, async () => {
        // Small sizes: each symbol at 4 (or its smallest legal value), then 3 more.
        const smallest = minDimsData(model);
        const base = Object.fromEntries([...model.symbols.keys()].map((s) => [s, Math.max(4, smallest[s]?.min ?? 1)]));
        const more = Object.fromEntries(Object.entries(base).map(([s, v]) => [s, v + 3]));
        const results = await compareWithOnnxRuntime(source, [{ batch: 2, ...base }, { batch: 3, ...more }], { name: model.name, filename: path, host: fsHost });
        expect(worst(results), JSON.stringify(results)).toBeLessThanOrEqual(1e-4);
      });
    }
  }
});
