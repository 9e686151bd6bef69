// The training worker: generates the model's TypeScript (ts-morph, several
// MB, so it loads here and never on the page), evaluates it, and trains in
// slices, yielding between them so "stop" and "predict" get through.
import { checkProgram } from "../../../compiler/check/program.ts";
import { generate as emit } from "../../../compiler/codegen/index.ts";
import { loadModule, type ModelInstance } from "../../../compiler/codegen/load.ts";
import { memoryHost } from "../../../compiler/host.ts";
import { activeKernels, wasmKernels } from "../../../runtime/kernels.ts";
import { createOptimizer } from "../../../runtime/optimizers.ts";
import { dataFor } from "../training/data.ts";
import { decodeSlice, type EncodedSlice } from "../training/mnist-slice.ts";
import { TrainingSession } from "../training/session.ts";
import { EDITED_FILE, examples } from "../language/examples.ts";
import type { TrainRequest, TrainResponse } from "../language/protocol.ts";

const scope = self as unknown as { onmessage: (e: MessageEvent<TrainRequest>) => void; postMessage(m: TrainResponse): void };
const SLICE_STEPS = 10;
let stopRequested = false;
let trained: { model: ModelInstance; input: string; output: string } | undefined;

const RECURRENT = new Set(["rnn", "lstm", "gru"]);

/** The model's TypeScript, and whether its first model is recurrent (those train with a clipped gradient norm, as `nnc train` does). */
function generate(source: string): { code: string; recurrent: boolean } | { message: string } {
  const checked = checkProgram(EDITED_FILE, memoryHost({ ...examples, [EDITED_FILE]: source }), source);
  const { diagnostics, code } = emit(checked);
  if (code) return { code, recurrent: checked.models.some((m) => m.nodes.some((n) => RECURRENT.has(n.def.name))) };
  const first = diagnostics.find((d) => d.severity === "error");
  return { message: first ? `line ${first.span.line}: ${first.code} ${first.message}` : "no code was generated" };
}

const loadMnist = async () => decodeSlice(((await import("virtual:mnist-slice")) as { default: EncodedSlice }).default);
// The language model's text (110 KB), in a chunk of its own.
const loadCorpus = async () => ((await import("../../../examples/data/moby-dick.txt?raw")) as { default: string }).default;
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

async function runTraining(req: Extract<TrainRequest, { type: "train" }>): Promise<void> {
  stopRequested = false;
  const generated = generate(req.source);
  if (!("code" in generated)) return scope.postMessage({ type: "failed", message: generated.message });
  const classes = Object.entries(loadModule(generated.code)).filter(([, M]) => M.loss !== null);
  if (!classes.length) return scope.postMessage({ type: "failed", message: "no model in this file has a loss: add a `loss` statement to train it" });
  const [name, M] = classes[0]!;
  const data = await dataFor(M, name, loadMnist, loadCorpus);
  if ("error" in data) return scope.postMessage({ type: "failed", message: data.error });
  const model = new M({ seed: 0 });
  const optimizer = createOptimizer("adam", { lr: req.lr, ...(generated.recurrent ? { clipNorm: 5 } : {}) });
  const session = new TrainingSession(model, data, optimizer, req.batch);
  const params = Object.values(model.params).reduce((a, p) => a + p.length, 0);
  trained = data.imageInput ? { model, input: data.imageInput, output: data.classification.output } : undefined;
  const kernels = activeKernels() === wasmKernels() && wasmKernels()?.fma ? "wasm FMA" : activeKernels().name;
  scope.postMessage({ type: "started", model: name, data: data.description, params, canDraw: trained !== undefined, kernels });
  while (session.step < req.steps) {
    const report = session.runSlice(Math.min(SLICE_STEPS, req.steps - session.step));
    scope.postMessage({ type: "progress", report, step: session.step, total: req.steps });
    if (report.stopped) return scope.postMessage({ type: "finished", reason: report.stopped });
    await tick();
    if (stopRequested) return scope.postMessage({ type: "finished", reason: `stopped at step ${session.step}` });
  }
  scope.postMessage({ type: "finished", reason: `trained ${session.step} steps` });
}

function predict(pixels: Float32Array): void {
  if (!trained) return;
  const logits = trained.model.forward({ [trained.input]: pixels }, { batch: 1 })[trained.output]!;
  const max = Math.max(...logits);
  const exps = Array.from(logits, (v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  scope.postMessage({ type: "prediction", probabilities: exps.map((e) => e / sum) });
}

scope.onmessage = ({ data: req }) => {
  const guard = (f: () => unknown) => {
    try {
      const r = f();
      if (r instanceof Promise) r.catch((e: unknown) => scope.postMessage({ type: "failed", message: e instanceof Error ? e.message : String(e) }));
    } catch (e) {
      scope.postMessage({ type: "failed", message: e instanceof Error ? e.message : String(e) });
    }
  };
  switch (req.type) {
    case "compile":
      guard(() => {
        const g = generate(req.source);
        scope.postMessage("code" in g ? { type: "compiled", code: g.code } : { type: "compile-failed", message: g.message });
      });
      break;
    case "train":
      guard(() => runTraining(req));
      break;
    case "stop":
      stopRequested = true;
      break;
    case "predict":
      guard(() => predict(req.pixels));
      break;
  }
};
