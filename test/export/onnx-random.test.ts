// Random models (the differential tests' generator: blocks, repeats,
// residuals, cross-attention, lengths, every layer kind) exported to ONNX and
// run by ONNX Runtime against nnc's forward, at each symbol's smallest legal
// value and a few steps above it.
import { describe, expect, it } from "vitest";
import { generateModel, seededDraw } from "../differential/generator.ts";
import { minDimsData } from "../../compiler/shapes/min-dims.ts";
import { checkedModel, compareWithOnnxRuntime, worst } from "./onnx-harness.ts";

const MODELS = Number(process.env.NNC_ONNX_RANDOM_MODELS ?? 30);

describe("ONNX export of random models, against ONNX Runtime", () => {
  for (let seed = 1; seed <= MODELS; seed++) {
    it(`model ${seed}`, async () => {
      const g = generateModel(seededDraw(seed));
      // The generator's smallest values hold the other symbols at theirs; forward() may ask for more (spec §10).
      const smallest = minDimsData(checkedModel(g.source, "generated.nn", g.model));
      const small = Object.fromEntries(g.symbols.map((s) => [s, Math.max(g.minimum[s]!, smallest[s]?.min ?? 1)]));
      const larger = Object.fromEntries(g.symbols.map((s) => [s, Math.max(small[s]!, Math.min(small[s]! + 3, g.maximum[s]!))]));
      const results = await compareWithOnnxRuntime(g.source, [{ batch: 2, ...small }, { batch: 3, ...larger }], { name: g.model });
      expect(worst(results), `${JSON.stringify(results)}\n${g.source}`).toBeLessThanOrEqual(1e-4);
    });
  }
});
