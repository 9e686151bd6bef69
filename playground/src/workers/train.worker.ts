// The training worker: generates the model's TypeScript (ts-morph, several
// MB, so it loads here and never on the page), evaluates it, and trains in
// slices, yielding between them so "stop" and "predict" get through.
import { checkProgram } from "../../../compiler/check/program.ts";
import { generate as emit } from "../../../compiler/codegen/index.ts";
import { loadModule, type ModelInstance } from "../../../compiler/codegen/load.ts";
import { memoryHost } from "../../../compiler/host.ts";
import { activeKernels, wasmKernels } from "../../../runtime/kernels.ts";
import { createOptimizer } from "../../../runtime/optimizers.ts";
import { threadsReady, useThreads } from "../../../runtime/threads-web.ts";
import { dataFor } from "../training/data.ts";
import { decodeSlice, type EncodedSlice } from "../training/mnist-slice.ts";
import { TrainingSession } from "../training/session.ts";
import { EDITED_FILE, examples } from "../language/examples.ts";
import type { HelperReport, TrainRequest, TrainResponse } from "../language/protocol.ts";
import type { ModelClass } from "../../../compiler/codegen/load.ts";
import { fitUserData } from "../training/fit-user-data.ts";
import { readUserFile } from "./user-file.ts";

const scope = self as unknown as { onmessage: (e: MessageEvent<TrainRequest>) => void; postMessage(m: TrainResponse): void };
const SLICE_STEPS = 10;
let stopRequested = false;
let trained: { model: ModelInstance; input: string; output: string } | undefined;

let threads: 1 | 2 = 1;

/** Starts or stops the second kernel thread as asked; returns how many run. */
async function setThreads(wanted: 1 | 2): Promise<1 | 2> {
  if (wanted !== threads) threads = useThreads(wanted) ? 2 : 1;
  await threadsReady();
  return threads;
}

/** The second thread's counters, to report what it did between two readings. */
function helperCounters(): HelperReport | undefined {
  const core = wasmKernels()?.secondCore;
  return core ? { split: core.jobs, woken: core.wakes, chunks: core.helped } : undefined;
}

/** The model's TypeScript, and whether its first model is recurrent (those train with a clipped gradient norm, as `nnc train` does). */
function generate(source: string): { code: string; recurrent: boolean } | { message: string } {
  const checked = checkProgram(EDITED_FILE, memoryHost({ ...examples, [EDITED_FILE]: source }), source);
  const { diagnostics, code } = emit(checked);
  if (code) return { code, recurrent: checked.models.some((m) => m.nodes.some((n) => n.def.recurrent)) };
  const first = diagnostics.find((d) => d.severity === "error");
  return { message: first ? `line ${first.span.line}: ${first.code} ${first.message}` : "no code was generated" };
}

const loadMnist = async () => decodeSlice(((await import("virtual:mnist-slice")) as { default: EncodedSlice }).default);
// The language model's text (110 KB), in a chunk of its own.
const loadCorpus = async () => ((await import("../../../examples/data/moby-dick.txt?raw")) as { default: string }).default;
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

type Trainable = { name: string; M: ModelClass; recurrent: boolean } | { message: string };
/** The last source compiled for training: editing the data's mapping does not generate the code again. */
let compiledFor: { source: string; result: Trainable } | undefined;

/** The first model with a loss, compiled from `source`, or why there is none. */
function trainable(source: string): Trainable {
  if (compiledFor?.source !== source) compiledFor = { source, result: compileTrainable(source) };
  return compiledFor.result;
}

function compileTrainable(source: string): Trainable {
  const generated = generate(source);
  if (!("code" in generated)) return generated;
  const classes = Object.entries(loadModule(generated.code)).filter(([, M]) => M.loss !== null);
  if (!classes.length) return { message: "no model in this file has a loss: add a `loss` statement to train it" };
  return { name: classes[0]![0], M: classes[0]![1], recurrent: generated.recurrent };
}

/** Reports a long read to the page, at most ten times a second. */
function progressOf(file: string): (what: string) => void {
  let last = 0;
  return (what) => {
    if (performance.now() - last < 100) return;
    last = performance.now();
    scope.postMessage({ type: "data-progress", file, what });
  };
}

async function inspect(req: Extract<TrainRequest, { type: "inspect" }>): Promise<void> {
  const compiled = trainable(req.source);
  // The file cannot be mapped to a model that does not compile: say so, rather than blame the data.
  if ("message" in compiled) return scope.postMessage({ type: "data-failed", file: req.file.name, message: `the model must compile before the file can be read for it: ${compiled.message}` });
  const read = await readUserFile(req.source, compiled.M, compiled.name, req, progressOf(req.file.name));
  scope.postMessage("error" in read ? { type: "data-failed", file: req.file.name, message: read.error } : { type: "data", report: read.data.report });
}

/** Trains on the user's file (read and checked whole first), then reports the metrics and the weights. */
async function runOnUserData(req: Extract<TrainRequest, { type: "train" }>, data: NonNullable<Extract<TrainRequest, { type: "train" }>["data"]>): Promise<void> {
  const compiled = trainable(req.source);
  if ("message" in compiled) return scope.postMessage({ type: "failed", message: compiled.message });
  const { name, M } = compiled;
  if (!M.loss?.prediction || !M.loss.target) return scope.postMessage({ type: "failed", message: `${name}'s loss must compare an output with a target to train on ${data.file.name}` });
  const read = await readUserFile(req.source, M, name, data, progressOf(data.file.name));
  if ("error" in read) {
    scope.postMessage({ type: "data-failed", file: data.file.name, message: read.error });
    return scope.postMessage({ type: "failed", message: `nothing trained: ${read.error}` });
  }
  scope.postMessage({ type: "data", report: read.data.report });
  const running = await setThreads(req.threads);
  const model = new M({ seed: 0 });
  trained = undefined;
  const params = Object.values(model.params).reduce((a, p) => a + p.length, 0);
  const kernels = activeKernels();
  scope.postMessage({ type: "started", model: name, data: `${data.file.name} (${read.data.report.count} examples)`, params, canDraw: false, kernels: { set: kernels.name, fma: kernels === wasmKernels() && wasmKernels()!.fma, threads: running } });
  const options = { epochs: data.epochs, batch: req.batch, lr: req.lr, valSplit: data.valSplit, modelFile: EDITED_FILE, ...(compiled.recurrent ? { clipNorm: 5 } : {}) };
  const result = await fitUserData(M, name, model, read.data, read.classes, options, {
    onSlice: (report, step, total) => scope.postMessage({ type: "progress", report, step, total }),
    shouldStop: () => stopRequested,
  });
  const { reason, weights, ...rest } = result;
  scope.postMessage({ type: "finished", reason, result: { ...rest, ...(weights ? { weights } : {}), weightsName: `${name.toLowerCase()}.safetensors` } });
}

async function runTraining(req: Extract<TrainRequest, { type: "train" }>): Promise<void> {
  stopRequested = false;
  if (req.data) return runOnUserData(req, req.data);
  const compiled = trainable(req.source);
  if ("message" in compiled) return scope.postMessage({ type: "failed", message: compiled.message });
  const { name, M } = compiled;
  const data = await dataFor(M, name, loadMnist, loadCorpus);
  if ("error" in data) return scope.postMessage({ type: "failed", message: data.error });
  const running = await setThreads(req.threads);
  const model = new M({ seed: 0 });
  const optimizer = createOptimizer("adam", { lr: req.lr, ...(compiled.recurrent ? { clipNorm: 5 } : {}) });
  const session = new TrainingSession(model, data, optimizer, req.batch);
  const params = Object.values(model.params).reduce((a, p) => a + p.length, 0);
  trained = data.imageInput ? { model, input: data.imageInput, output: data.classification.output } : undefined;
  const kernels = activeKernels();
  scope.postMessage({ type: "started", model: name, data: data.description, params, canDraw: trained !== undefined, kernels: { set: kernels.name, fma: kernels === wasmKernels() && wasmKernels()!.fma, threads: running } });
  const before = helperCounters();
  const finished = (reason: string) => {
    const after = helperCounters();
    const helper = before && after ? { split: after.split - before.split, woken: after.woken - before.woken, chunks: after.chunks - before.chunks } : undefined;
    scope.postMessage({ type: "finished", reason, ...(helper ? { helper } : {}) });
  };
  while (session.step < req.steps) {
    const report = session.runSlice(Math.min(SLICE_STEPS, req.steps - session.step));
    scope.postMessage({ type: "progress", report, step: session.step, total: req.steps });
    if (report.stopped) return finished(report.stopped);
    await tick();
    if (stopRequested) return finished(`stopped at step ${session.step}`);
  }
  finished(`trained ${session.step} steps`);
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
    case "inspect":
      guard(() => inspect(req));
      break;
    case "stop":
      stopRequested = true;
      break;
    case "predict":
      guard(() => predict(req.pixels));
      break;
  }
};
