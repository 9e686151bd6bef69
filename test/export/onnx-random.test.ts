// Random models (the differential tests' generator: blocks, repeats,
// residuals, cross-attention, lengths, every layer kind) exported to ONNX and
// run by ONNX Runtime against nnc's forward, at each symbol's smallest legal
// value and a few steps above it.
import { describe, expect, it } from "vitest";
import { generateModel, seededDraw } from "../differential/generator.ts";
import { compareWithOnnxRuntime, worst } from "./onnx-harness.ts";

const MODELS = Number(process.env.NNC_ONNX_RANDOM_MODELS ?? 30);

describe("ONNX export of random models, against ONNX Runtime", () => {
  for (let seed = 1; seed <= MODELS; seed++) {
    it(`model ${seed}`, async () => {
      const g = generateModel(seededDraw(seed));
      const small = Object.fromEntries(g.symbols.map((s) => [s, g.minimum[s]!]));
      const larger = Object.fromEntries(g.symbols.map((s) => [s, Math.min(g.minimum[s]! + 3, g.maximum[s]!)]));
      const results = await compareWithOnnxRuntime(g.source, [{ batch: 2, ...small }, { batch: 3, ...larger }], { name: g.model });
      expect(worst(results), `${JSON.stringify(results)}\n${g.source}`).toBeLessThanOrEqual(1e-4);
    });
  }
});
