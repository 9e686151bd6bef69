// `nnc train`: compile in memory, train with a progress bar, report held-out
// accuracy, save the weights as safetensors. Nothing is lost on the way: Ctrl-C
// stops after the step under way and saves; weights that are not finite are
// never saved (nor loaded, unless asked); the file is replaced only once the
// new one is whole.
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import cliProgress from "cli-progress";
import pc from "picocolors";
import { checkProgram } from "../compiler/check/program.ts";
import { generate } from "../compiler/codegen/index.ts";
import { loadModule, type ModelClass } from "../compiler/codegen/load.ts";
import { createOptimizer, encodeSafetensors, evaluateAccuracy, evaluateLoss, findNonFinite, loadParams, NonFiniteParamsError, trainAsync, type Split } from "../runtime/index.ts";
import { loadMnist as loadMnistDigits, MNIST_CLASSES, MNIST_IMAGE_SIZE, MnistNotInstalledError } from "../runtime/mnist-node.ts";
import { activeKernels, wasmKernels } from "../runtime/kernels.ts";
import { useThreads } from "../runtime/threads-node.ts";
import { hostedTasks, tasks, type TaskData } from "../runtime/tasks/index.ts";
import type { Classification } from "../runtime/train.ts";
import { fsHost } from "./fs-host.ts";
import { DEFAULT_BATCH, DEFAULT_EPOCHS, DEFAULT_RECURRENT_CLIP_NORM, defaultThreads } from "./train-defaults.ts";
import { packageFile } from "./package-file.ts";
import { INTERRUPTED_EXIT, saveAtEnd } from "./save-at-end.ts";
import { UserError } from "./user-error.ts";
import { writeFileAtomic } from "./write-file-atomic.ts";
import type { Diagnostic } from "../compiler/diagnostics.ts";
import type { SourceFile } from "../grammar/source.ts";

export interface TrainCommandOptions {
  data: string;
  model?: string;
  /** Default: the task's recommendation, else DEFAULT_EPOCHS. */
  epochs?: number;
  /** Default: the task's recommendation, else DEFAULT_BATCH. */
  batch?: number;
  /** Default: the task's recommendation, else the optimizer's. */
  lr?: number;
  optimizer: string;
  seed: number;
  clipNorm?: number;
  lrSchedule: string;
  save?: string;
  /** Start from these weights (safetensors); with 0 epochs, only evaluate them. */
  load?: string;
  /** Load weights holding NaN or ±Infinity too (refused by default). */
  allowNonfinite?: boolean;
  /** 2: large products share a second core; auto (the default): 2 where the machine has 4 or more cores and the WebAssembly kernels run on a shared memory. */
  threads?: 1 | 2 | "auto";
  /** Data files only (cli/train-data.ts): `--map input=field,…` (repeatable). */
  map?: string[];
  /** Validation data: a file, or a seeded share of the training data. */
  val?: string;
  valSplit?: number;
  /** Stop when the validation loss has not improved for this many epochs; keep the best weights. */
  patience?: number;
  /** false: do not standardise numeric inputs (`--no-standardize`). */
  standardize?: boolean;
  /** Characters per window for a next-character model with a symbolic T. */
  window?: number;
  /** Read the data anew every epoch (the default for CSV, TSV, JSON Lines and .npy files of 64 MiB or more). */
  stream?: boolean;
  /** Go on with the run whose checkpoint (<save>.ckpt, or the weights file beside it) this is. */
  resume?: string;
}

/** The text of `--data charlm`, shipped with the package. */
const CORPUS = "examples/data/moby-dick.txt";

export { DEFAULT_BATCH, DEFAULT_EPOCHS, DEFAULT_RECURRENT_CLIP_NORM };

/** Kernel threads for a run: as asked; for auto, 2 from 4 cores up where the WebAssembly kernels run on a shared memory. */
export function threadsFor(asked: 1 | 2 | "auto"): 1 | 2 {
  if (asked !== "auto") return asked;
  const wasm = wasmKernels();
  return wasm?.arena.shared && activeKernels() === wasm ? defaultThreads(availableParallelism()) : 1;
}


/** The last epoch's mean loss over the first step's beyond which `nnc train` warns that training diverged. */
export const LOSS_GROWTH_WARNING = 100;

/**
 * A warning when the loss grew instead of falling (the learning rate is too
 * high, or gradients exploded): the last epoch's mean loss is more than
 * LOSS_GROWTH_WARNING times the first step's. Undefined when it did not.
 */
export function lossGrowthWarning(firstLoss: number | undefined, lastEpochLoss: number | undefined, hint: string): string | undefined {
  if (firstLoss === undefined || lastEpochLoss === undefined || !(firstLoss > 0)) return undefined;
  if (!(lastEpochLoss > LOSS_GROWTH_WARNING * firstLoss)) return undefined;
  const g = (x: number) => (Math.abs(x) >= 1e6 ? x.toExponential(2) : x.toFixed(4));
  return `the loss grew from ${g(firstLoss)} (first step) to ${g(lastEpochLoss)} (last epoch's mean): training diverged; ${hint}`;
}

function perExample(spec: { shape: readonly (number | string)[] }): number | undefined {
  let n = 1;
  for (const d of spec.shape) {
    if (typeof d !== "number") return undefined;
    n *= d;
  }
  return n;
}

interface LoadedData {
  label: string;
  unit: string;
  train: Split;
  test: Split;
  dims: Record<string, number>;
  classification: Omit<Classification, "output">;
  /** A generated task: it may report the held-out loss and show the model at work. */
  task?: TaskData;
}

/** The MNIST digits, or a UserError saying how to install them. */
function loadMnist(): ReturnType<typeof loadMnistDigits> {
  try {
    return loadMnistDigits();
  } catch (e) {
    throw e instanceof MnistNotInstalledError ? new UserError(e.message) : e;
  }
}

/** MNIST, or a generated task whose arrays the model declares by name. */
function loadData(dataName: string, M: ModelClass, name: string, seed: number): LoadedData {
  if (dataName === "mnist") {
    const m = mnistSplits(M, name);
    return { label: "MNIST", unit: "digits", train: m.train, test: m.test, dims: {}, classification: { target: m.target, classes: MNIST_CLASSES } };
  }
  const generated = tasks[dataName];
  const hosted = hostedTasks[dataName];
  if (!generated && !hosted) throw new UserError(`unknown data set '${dataName}'; available: ${["mnist", ...Object.keys(tasks), ...Object.keys(hostedTasks)].join(", ")}`);
  const data: TaskData = generated ? generated(seed) : hosted!.make({ mnist: () => loadMnist(), corpus: () => readFileSync(packageFile(CORPUS) ?? CORPUS, "utf8") });
  const problems: string[] = [];
  for (const [array, spec] of Object.entries(data.arrays)) {
    const declared = M.inputs[array] ?? M.targets[array];
    const want = `${spec.dtype}[${spec.shape.join(", ")}]`;
    if (!declared) problems.push(`'${array}: ${want}' is not an input or target of ${name}`);
    else if (declared.dtype !== spec.dtype || declared.shape.length !== spec.shape.length || declared.shape.some((d, i) => typeof d === "number" && d !== spec.shape[i]))
      problems.push(`'${array}' is ${declared.dtype}[${declared.shape.join(", ")}] in ${name}, the task gives ${want}`);
  }
  const decode = data.classification.decode;
  if (decode !== undefined && M.generation?.feed !== decode)
    problems.push(`it is measured by decoding, so ${name} must declare \`generate ${decode} from <scores>(start: …, stop: …)\``);
  if (problems.length) throw new UserError(`--data ${dataName} (${data.description}) does not fit ${name}:\n  ${problems.join("\n  ")}`);
  return { label: `${dataName} (${data.description})`, unit: "examples", train: data.train, test: data.test, dims: data.dims, classification: data.classification, task: data };
}

/** Pairs MNIST's images and labels with the model's one f32 input and one i32 target. */
function mnistSplits(M: ModelClass, name: string): { train: Split; test: Split; input: string; target: string } {
  const inputs = Object.entries(M.inputs);
  const targets = Object.entries(M.targets);
  const input = inputs.length === 1 && inputs[0]![1].dtype === "f32" && perExample(inputs[0]![1]) === MNIST_IMAGE_SIZE ? inputs[0]![0] : undefined;
  const target = targets.length === 1 && targets[0]![1].dtype === "i32" && perExample(targets[0]![1]) === 1 ? targets[0]![0] : undefined;
  if (!input || !target) {
    const describe = (list: [string, { dtype: string; shape: readonly (number | string)[] }][]) => list.map(([n, s]) => `${n}: ${s.dtype}[${s.shape.join(", ")}]`).join(", ") || "none";
    throw new UserError(`--data mnist needs a model with one f32 input of 784 values per example (such as f32[28, 28, 1]) and one i32 class target; ${name} has inputs ${describe(inputs)} and targets ${describe(targets)}`);
  }
  const data = loadMnist();
  const split = (d: { images: Float32Array; labels: Int32Array; count: number }): Split => ({ count: d.count, arrays: { [input]: d.images, [target]: d.labels } });
  return { train: split(data.train), test: split(data.test), input, target };
}

export type Report = (diagnostics: Diagnostic[], sources: Map<string, SourceFile>) => void;

/** Compiles `file` in memory and picks its model: `--model`, else the first (with a loss, where `trainable`). Undefined after compile errors (reported). */
export function compileAndChoose(file: string, model: string | undefined, trainable: boolean, report: Report): { name: string; M: ModelClass; recurrent: boolean } | undefined {
  const checked = checkProgram(file, fsHost);
  const generated = generate(checked);
  report(generated.diagnostics, checked.sources);
  if (!generated.code) return undefined;
  const classes = Object.entries(loadModule(generated.code)).filter(([, M]) => !trainable || M.loss !== null);
  const chosen = model ? classes.find(([n]) => n === model) : classes[0];
  const kind = trainable ? "trainable model" : "model";
  if (!chosen) throw new UserError(model ? `${file} has no ${kind} named '${model}'` : `${file} has no ${trainable ? "model with a loss to train" : "model"}`);
  const [name, M] = chosen;
  const recurrent = checked.models.find((m) => m.name === name)?.nodes.some((n) => n.def.recurrent) ?? false;
  return { name, M, recurrent };
}

/** Loads `--load` weights into `model` (all or nothing); returns the file's metadata. */
export function loadWeights(path: string, model: { params: Record<string, Float32Array> }, M: ModelClass, allowNonfinite: boolean): Record<string, string> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new UserError(`cannot read --load ${path}: ${(e as Error).message}`);
  }
  try {
    // All-or-nothing: a file that does not fit leaves the initial weights untouched.
    return loadParams(model.params, M.params, bytes, { allowNonFinite: allowNonfinite });
  } catch (e) {
    const hint = e instanceof NonFiniteParamsError ? "\n  (--allow-nonfinite loads them anyway, to evaluate with --epochs 0; training stops at the first step, and such weights are never saved)" : "";
    throw new UserError(`--load ${path}: ${(e as Error).message}${hint}`);
  }
}

/** `--data` names a built-in data set (mnist, a generated or hosted task) rather than a file. */
export function isBuiltInData(name: string): boolean {
  return name === "mnist" || Object.hasOwn(tasks, name) || Object.hasOwn(hostedTasks, name);
}

export async function runTrain(file: string, opts: TrainCommandOptions, report: Report): Promise<number> {
  if (!isBuiltInData(opts.data) && (existsSync(opts.data) || /[\\/.]/.test(opts.data))) {
    const { runTrainOnData } = await import("./train-data.ts");
    return runTrainOnData(file, opts, report);
  }
  const compiled = compileAndChoose(file, opts.model, true, report);
  if (!compiled) return 1;
  const { name, M } = compiled;
  const data = loadData(opts.data, M, name, opts.seed);
  const { train: trainSplit, test: testSplit } = data;
  const recommended = data.task?.recommended ?? {};
  const epochs = opts.epochs ?? recommended.epochs ?? DEFAULT_EPOCHS;
  const batch = opts.batch ?? recommended.batch ?? DEFAULT_BATCH;
  const lr = opts.lr ?? recommended.lr;
  const output = M.loss!.prediction;
  if (M.loss!.kind !== "cross_entropy" || !output) throw new UserError(`${name}'s loss must be cross_entropy of an output against the class target to train on ${opts.data}`);
  const task: Classification = { ...data.classification, output };
  const dims = data.dims;

  if (opts.lrSchedule !== "cosine" && opts.lrSchedule !== "constant") throw new UserError(`--lr-schedule must be cosine or constant, got '${opts.lrSchedule}'`);
  const model = new M({ seed: opts.seed });
  // Gradients through time can blow up: recurrent models clip the global norm by default (--clip-norm 0 turns it off).
  const recurrent = compiled.recurrent;
  const clipNorm = opts.clipNorm ?? (recurrent ? DEFAULT_RECURRENT_CLIP_NORM : undefined);
  let optimizer;
  try {
    optimizer = createOptimizer(opts.optimizer, { ...(lr !== undefined ? { lr } : {}), ...(clipNorm ? { clipNorm } : {}) });
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  if (opts.load) {
    loadWeights(opts.load, model, M, !!opts.allowNonfinite);
    process.stdout.write(`Loaded weights from ${opts.load}\n`);
  }
  // The worker starts while the first steps run on this thread alone.
  const threads = threadsFor(opts.threads ?? "auto");
  if (threads === 2 && !useThreads(2)) throw new UserError(`--threads 2 needs the WebAssembly kernels on a shared memory; this run uses the ${activeKernels().name} kernels`);
  const paramCount = Object.values(model.params).reduce((a, p) => a + p.length, 0);
  process.stdout.write(`Training ${name} (${paramCount.toLocaleString("en-US")} parameters) on ${data.label}: ${trainSplit.count} ${data.unit}, ${testSplit.count} held out; ${opts.optimizer} lr ${optimizer.lr} (${opts.lrSchedule}${clipNorm ? `, clip norm ${clipNorm}` : ""}), batch ${batch}, ${epochs} epochs, seed ${opts.seed}${threads === 2 ? ", 2 threads" : ""}\n`);

  const results = (accuracy: number) => {
    process.stdout.write(`Test accuracy: ${(accuracy * 100).toFixed(2)}% on ${testSplit.count} held-out ${data.unit}${task.decode ? " (exact sequences, decoded)" : ""}\n`);
    if (data.task?.reportLoss) process.stdout.write(`Held-out loss: ${evaluateLoss(model, testSplit, task, 256, dims).toFixed(4)} nats per prediction\n`);
    for (const line of data.task?.showcase?.(model) ?? []) process.stdout.write(`  ${line}\n`);
  };
  if (epochs === 0) {
    results(evaluateAccuracy(model, testSplit, task, 256, dims));
    return 0;
  }
  const tty = !!process.stdout.isTTY;
  const bar = tty ? new cliProgress.SingleBar({ format: "epoch {epoch} [{bar}] {value}/{total} | loss {loss} | {speed} steps/s", hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic) : undefined;
  // Ctrl-C: stop after the step under way, then report and save as usual; a second one quits at once.
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) {
      bar?.stop();
      process.stderr.write("\nnnc: interrupted again; quitting without saving\n");
      process.exit(INTERRUPTED_EXIT);
    }
    interrupted = true;
    process.stderr.write(`\nnnc: interrupted; stopping after this step${opts.save ? ` and saving to ${opts.save}` : ""} (Ctrl-C again to quit at once)\n`);
  };
  process.on("SIGINT", onSigint);
  const baseLr = optimizer.lr;
  let steps = 0;
  let firstLoss: number | undefined;
  let at = "";
  let result;
  try {
    result = await trainAsync(model, trainSplit, testSplit, {
      epochs,
      batchSize: batch,
      optimizer,
      seed: opts.seed,
      classification: task,
      dims,
      lrSchedule: opts.lrSchedule,
      shouldStop: () => interrupted,
      onStep: (s) => {
        steps++;
        firstLoss ??= s.loss;
        at = `epoch ${s.epoch}, step ${s.step}`;
        if (!bar) return;
        if (s.step === 1) bar.start(s.stepsPerEpoch, 0, { epoch: s.epoch, loss: s.loss.toFixed(4), speed: "-" });
        bar.update(s.step, { epoch: s.epoch, loss: s.loss.toFixed(4), speed: s.stepsPerSecond.toFixed(1) });
      },
      onEpoch: (e) => {
        bar?.stop();
        process.stdout.write(`epoch ${String(e.epoch).padStart(2)}  loss ${e.loss.toFixed(4)}  test accuracy ${((e.testAccuracy ?? 0) * 100).toFixed(2)}%  ${e.stepsPerSecond.toFixed(1)} steps/s  (${e.seconds.toFixed(1)} s)\n`);
      },
    });
    bar?.stop();
    const startedBad = steps === 0 && findNonFinite(model.params).length > 0;
    const hint = startedBad ? "the weights it started from are not finite" : `try a lower --lr than ${baseLr}${clipNorm ? "" : ", or --clip-norm 1"}`;
    // A stop asked for by Ctrl-C is said below, with what was saved.
    const diverged = !!result.nonFinite;
    if (diverged) process.stdout.write(pc.yellow(`note: ${result.stopped}\n`) + `  ${hint}\n`);
    const last = result.epochs[result.epochs.length - 1];
    if (!diverged) {
      const warning = lossGrowthWarning(firstLoss, last?.loss, hint);
      if (warning) process.stderr.write(`${pc.yellow("warning:")} ${warning}\n`);
    }
    if (last?.testAccuracy !== undefined) results(last.testAccuracy);
    const core = wasmKernels()?.secondCore;
    if (core) process.stdout.write(`Second thread: shared ${core.jobs} products (computing ${core.helped} chunks); ran ${core.wakes} alone while waking it\n`);
    const tensors = Object.fromEntries(Object.entries(model.params).map(([k, data]) => [k, { shape: [...M.params[k]!], data }]));
    return saveAtEnd({ params: model.params, save: opts.save, interrupted, diverged, steps, at }, () => writeFileAtomic(opts.save!, encodeSafetensors(tensors, { model: name, source: file, format: "nnc" })));
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
}

