// `nnc export --format onnx`: the file it writes runs in ONNX Runtime with the
// model's input and output names and symbolic dims, --load's weights and
// --specialize's sizes; usage errors exit 2, others 1. And the API's located
// diagnostic (NN6001) for a layer with no ONNX lowering.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { exportOnnx, OnnxExportError } from "../../compiler/index.ts";
import { encodeSafetensors } from "../../runtime/safetensors.ts";
import { compileModel } from "../codegen/harness.ts";
import { checkedModel, relErr } from "./onnx-harness.ts";

function nnc(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("node", [join(process.cwd(), "bin/nnc.js"), ...args], { env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), "nnc-export-"));
const source = `model Tiny {
  input words: i32[T]
  input n: i32
  target label: i32
  logits = words -> embedding(7, 4) -> gru(3, lengths: n) -> dense(2) as head
  output logits
  loss cross_entropy(logits, label)
}
`;
const nn = join(dir, "tiny.nn");
writeFileSync(nn, source);

describe("nnc export --format onnx", () => {
  it("writes the --load weights under the model's names, with T symbolic", async () => {
    const M = compileModel(source);
    const trained = new M({ seed: 4 });
    const weights = join(dir, "tiny.safetensors");
    writeFileSync(weights, encodeSafetensors(Object.fromEntries(Object.entries(trained.params).map(([k, v]) => [k, { dtype: "F32", shape: M.params[k]!, data: v }]))));
    const out = join(dir, "tiny.onnx");
    const r = await nnc(["export", nn, "--format", "onnx", "--load", weights, "-o", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const session = await ort.InferenceSession.create(readFileSync(out));
    expect(session.inputNames).toEqual(["words", "n"]);
    expect(session.outputNames).toEqual(["logits"]);
    for (const T of [3, 6]) {
      const words = Int32Array.from({ length: 2 * T }, (_, i) => (i * 5) % 7);
      const n = Int32Array.from([T, 2]);
      const want = trained.forward({ words, n }, { batch: 2, T }).logits!;
      const got = await session.run({ words: new ort.Tensor("int32", words, [2, T]), n: new ort.Tensor("int32", n, [2]) });
      expect(relErr(got.logits!.data as Float32Array, want)).toBeLessThanOrEqual(1e-4);
    }
  });

  it("--specialize fixes the exported shapes", async () => {
    const out = join(dir, "fixed.onnx");
    expect((await nnc(["export", nn, "--format", "onnx", "--specialize", "batch=1,T=5", "-o", out])).code).toBe(0);
    const session = await ort.InferenceSession.create(readFileSync(out));
    const run = (T: number) => session.run({ words: new ort.Tensor("int32", new Int32Array(T), [1, T]), n: new ort.Tensor("int32", Int32Array.from([1]), [1]) });
    await expect(run(5)).resolves.toBeDefined();
    await expect(run(6)).rejects.toThrow();
  });

  it("usage errors (an unknown format, dim or model) exit 2; unreadable weights exit 1", async () => {
    const out = join(dir, "x.onnx");
    const format = await nnc(["export", nn, "--format", "tflite", "-o", out]);
    expect([format.code, format.stderr]).toEqual([2, "nnc: --format must be onnx, got 'tflite'\n"]);
    expect((await nnc(["export", nn, "--format", "onnx", "--specialize", "S=3", "-o", out])).code).toBe(2);
    const model = await nnc(["export", nn, "--format", "onnx", "-m", "Nope", "-o", out]);
    expect(model.code).toBe(2);
    expect(model.stderr).toContain("has no model named 'Nope' (its models: Tiny)");
    const load = await nnc(["export", nn, "--format", "onnx", "--load", join(dir, "missing.safetensors"), "-o", out]);
    expect(load.code).toBe(1);
    expect(load.stderr).toContain("cannot read --load");
  });

  it("a file with errors prints located diagnostics and exits 1", async () => {
    const broken = join(dir, "broken.nn");
    writeFileSync(broken, "model B {\n  input x: f32[4]\n  y = x -> dense(3, kernal: 2)\n  output y\n}\n");
    const r = await nnc(["export", broken, "--format", "onnx", "-o", join(dir, "b.onnx")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("broken.nn:3:21: error NN2004");
  });
});

describe("exportOnnx", () => {
  it("reports a layer with no ONNX lowering at the layer (NN6001), writing nothing", () => {
    const model = checkedModel("model M {\n  input x: f32[4]\n  y = x -> dense(3) -> relu\n  output y\n}\n");
    const params = { "dense_1.kernel": new Float32Array(12), "dense_1.bias": new Float32Array(3) };
    // A layer kind the exporter does not know stands for one that cannot be exported.
    const relu = model.nodes[1]!;
    const odd = { ...model, nodes: [model.nodes[0]!, { ...relu, def: { ...relu.def, name: "mystery" } }] };
    let error: unknown;
    try {
      exportOnnx(odd, params);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OnnxExportError);
    const [d] = (error as OnnxExportError).diagnostics;
    expect(d).toMatchObject({ code: "NN6001", message: "relu_1 (mystery) cannot be exported to ONNX: ONNX export has no lowering for this layer", span: { line: 3, column: 24 } });
  });

  it("reports a specialised size too small for a layer (NN5002), at the layer", () => {
    const model = checkedModel("model M {\n  input x: f32[T, 2]\n  y = x -> conv1d(3, kernel: 4)\n  output y\n}\n");
    const params = { "conv1d_1.kernel": new Float32Array(24), "conv1d_1.bias": new Float32Array(3) };
    expect(() => exportOnnx(model, params, { specialize: { T: 3 } })).toThrow(OnnxExportError);
    try {
      exportOnnx(model, params, { specialize: { T: 3 } });
    } catch (e) {
      expect((e as OnnxExportError).diagnostics[0]).toMatchObject({ code: "NN5002", span: { line: 3 } });
    }
    expect(exportOnnx(model, params, { specialize: { T: 4 } })).toBeInstanceOf(Uint8Array);
  });

  it("rejects missing parameters and unknown specialised dims", () => {
    const model = checkedModel("model M {\n  input x: f32[T, 4]\n  y = x -> dense(3)\n  output y\n}\n");
    expect(() => exportOnnx(model, {})).toThrow(/dense_1.kernel needs 12 values/);
    const params = { "dense_1.kernel": new Float32Array(12), "dense_1.bias": new Float32Array(3) };
    expect(() => exportOnnx(model, params, { specialize: { S: 2 } })).toThrow(RangeError);
    expect(exportOnnx(model, params, { specialize: { T: 2 } })).toBeInstanceOf(Uint8Array);
  });
});
