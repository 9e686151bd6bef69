// exportOnnx is browser-safe: it bundles for the browser with no Node
// built-ins, and the bundle exports a model that ONNX Runtime runs.
import * as esbuild from "esbuild";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { checkedModel } from "./onnx-harness.ts";

describe("exportOnnx in a browser bundle", () => {
  it("bundles for the browser and writes a model ONNX Runtime loads", async () => {
    const result = await esbuild.build({
      stdin: { contents: 'export { exportOnnx } from "./compiler/export/onnx/index.ts";', resolveDir: process.cwd(), loader: "ts" },
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent",
    });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/from "node:|require\("(fs|path|node:)/);
    const { exportOnnx } = (await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`)) as typeof import("../../compiler/export/onnx/index.ts");
    const model = checkedModel("model M {\n  input x: f32[3]\n  y = x -> dense(2)\n  output y\n}\n");
    const bytes = exportOnnx(model, { "dense_1.kernel": Float32Array.from([1, 2, 3, 4, 5, 6]), "dense_1.bias": Float32Array.from([0.5, -0.5]) });
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ x: new ort.Tensor("float32", Float32Array.from([1, 1, 1]), [1, 3]) });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([9.5, 11.5]);
  });
});
