// `nnc train model.nn --data <file or folder>`: the user's own data. Every
// example is read and checked before the first step (a bad value stops the
// run, naming its file, line and field, and leaves any --save file as it
// was); validation data comes from --val or a seeded, stratified
// --val-split; each epoch reports the validation loss and metrics, and the
// end a confusion matrix (classification) or MSE and MAE (regression). The
// weights are saved with what reading the data learnt (class names,
// standardisation statistics, vocabulary) in their metadata.
import cliProgress from "cli-progress";
import pc from "picocolors";
import { existsSync, readFileSync } from "node:fs";
import { allFinite, createOptimizer, decodeCheckpoint, encodeCheckpoint, encodeSafetensors, type Checkpoint, type TrainPosition } from "../runtime/index.ts";
import { evaluate, type Metrics } from "../runtime/datasets/metrics.ts";
import { infoFromMetadata, infoToMetadata } from "../runtime/datasets/info.ts";
import { splitValidation } from "../runtime/datasets/split.ts";
import type { DataInfo, Encoded } from "../runtime/datasets/encode.ts";
import { fit } from "../runtime/fit.ts";
import { activeKernels } from "../runtime/kernels.ts";
import { useThreads } from "../runtime/threads-node.ts";
import { classTargets, confusionTable, dataLine, describeModel, GC_EVERY, mapOption, metricsLine, readData, scanData, shouldStream } from "./data.ts";
import { collectingEvery } from "./gc.ts";
import { describeFeeds } from "../runtime/datasets/mapping.ts";
import { evaluateStream, type StreamData } from "../runtime/datasets/stream.ts";
import { fitStream, type FitStreamOptions } from "../runtime/fit-stream.ts";
import { compileAndChoose, loadWeights, lossGrowthWarning, threadsFor, type Report, type TrainCommandOptions } from "./train.ts";
import { existsNote, INTERRUPTED_EXIT, saveAtEnd } from "./save-at-end.ts";
import { UserError } from "./user-error.ts";
import { DEFAULT_BATCH, DEFAULT_EPOCHS, DEFAULT_RECURRENT_CLIP_NORM } from "./train-defaults.ts";
import { writeFileAtomic } from "./write-file-atomic.ts";

/** What decides a run's result, recorded in its checkpoint so that --resume goes on with the same. */
interface RunSettings {
  optimizer: string;
  lr: number;
  clipNorm?: number;
  lrSchedule: string;
  batch: number;
  epochs: number;
  seed: number;
  standardize?: boolean;
  window?: number;
  map?: string[];
  val?: string;
  valSplit?: number;
  patience?: number;
  /** Read anew every epoch (a streamed run resumes streamed: its order comes from the shuffle buffer). */
  stream?: boolean;
  /** Examples read from --data, to tell other data from the same. */
  count: number;
}

/** The checkpoint written beside the weights: `<save>.ckpt`. */
export const checkpointPath = (save: string) => `${save}.ckpt`;

/** Reads `--resume`: the checkpoint itself, or the weights file it was written beside. */
function readCheckpoint(path: string): { checkpoint: Checkpoint; run: RunSettings; path: string } {
  const at = !path.endsWith(".ckpt") && existsSync(checkpointPath(path)) ? checkpointPath(path) : path;
  try {
    const checkpoint = decodeCheckpoint(new Uint8Array(readFileSync(at)));
    const run = JSON.parse(checkpoint.metadata["nnc.run"] ?? "null") as RunSettings | null;
    if (!run) throw new Error("it does not record the run's settings");
    return { checkpoint, run, path: at };
  } catch (e) {
    throw new UserError(`cannot resume from ${at}: ${(e as Error).message}`);
  }
}

export async function runTrainOnData(file: string, opts: TrainCommandOptions, report: Report): Promise<number> {
  const resumed = opts.resume !== undefined ? readCheckpoint(opts.resume) : undefined;
  if (resumed) {
    if (opts.load) throw new UserError("give --load or --resume, not both (--resume restores the weights too)");
    // The recorded settings decide the result; only the number of epochs may change.
    const r = resumed.run;
    opts = { ...opts, optimizer: r.optimizer, lr: r.lr, clipNorm: r.clipNorm ?? 0, lrSchedule: r.lrSchedule, batch: r.batch, epochs: opts.epochs ?? r.epochs, seed: r.seed, standardize: r.standardize, window: r.window, map: r.map, val: opts.val ?? r.val, valSplit: r.valSplit, patience: opts.patience ?? r.patience, stream: r.stream };
  }
  const compiled = compileAndChoose(file, opts.model, true, report);
  if (!compiled) return 1;
  const { name, M } = compiled;
  if (!M.loss?.prediction || !M.loss.target) throw new UserError(`${name}'s loss must compare an output with a target to train on ${opts.data}`);
  if (opts.lrSchedule !== "cosine" && opts.lrSchedule !== "constant") throw new UserError(`--lr-schedule must be cosine or constant, got '${opts.lrSchedule}'`);
  if (opts.val !== undefined && opts.valSplit !== undefined) throw new UserError("give --val or --val-split, not both");
  if (opts.valSplit !== undefined && !(opts.valSplit > 0 && opts.valSplit < 1)) throw new UserError(`--val-split must be a fraction between 0 and 1, such as 0.1; got ${opts.valSplit}`);
  if (opts.patience !== undefined && opts.val === undefined && opts.valSplit === undefined) throw new UserError("--patience stops on the validation loss: give --val <file> or --val-split <fraction> too");
  const model = new M({ seed: opts.seed });
  let loadedInfo: DataInfo | undefined;
  if (resumed) {
    const { params } = resumed.checkpoint;
    const problems = Object.keys(M.params).filter((k) => params[k]?.length !== model.params[k]!.length);
    if (problems.length) throw new UserError(`cannot resume from ${resumed.path}: its weights do not fit ${name} (${problems.map((p) => `'${p}'`).join(", ")})`);
    for (const k of Object.keys(M.params)) model.params[k]!.set(params[k]!);
    loadedInfo = infoFromMetadata(resumed.checkpoint.metadata);
  } else if (opts.load) {
    loadedInfo = infoFromMetadata(loadWeights(opts.load, model, M, !!opts.allowNonfinite));
    process.stdout.write(`Loaded weights from ${opts.load}\n`);
  }
  const description = describeModel(name, M);
  const classes = classTargets(model, name, M);
  const map = mapOption(opts.map);
  // A large file is checked in a first pass, then read anew every epoch; a small one is read once and held.
  const streamed = shouldStream(opts.data, !!opts.stream) ? await scanData(opts.data, description, { map, targets: true, classes, info: loadedInfo, standardize: opts.standardize, window: opts.window, valSplit: opts.val === undefined ? opts.valSplit : undefined, seed: opts.seed }) : undefined;
  const read = streamed ? undefined : await readData(opts.data, description, { map, targets: true, classes, info: loadedInfo, standardize: opts.standardize, window: opts.window });
  const count = streamed?.count ?? read!.data.count;
  if (streamed) {
    const dims = Object.entries(streamed.dims).map(([s, v]) => `${s} ≤ ${v}, padded per batch`);
    process.stdout.write(`Data: ${opts.data} (${streamed.format}, ${count} examples, read anew every epoch${dims.length ? `; ${dims.join(", ")}` : ""}): ${describeFeeds(streamed.feeds)}\n`);
  } else process.stdout.write(dataLine("Data", opts.data, read!));
  if (resumed && resumed.run.count !== count) throw new UserError(`cannot resume from ${resumed.path}: it was trained on ${resumed.run.count} examples, ${opts.data} has ${count}; resume with the same data`);
  const info = streamed?.info ?? read!.info;
  let train: Encoded | undefined = read?.data;
  let validation: Encoded | StreamData | undefined = streamed?.validation;
  if (streamed?.validation) process.stdout.write(`Validation: ${streamed.validation.count} of the ${count} examples (--val-split ${opts.valSplit}, seed ${opts.seed}, stratified by class in file order), ${streamed.train.count} to train on\n`);
  if (opts.val !== undefined) {
    // Read as the training data was: its class names, statistics and vocabulary, nothing learnt anew.
    const val = await readData(opts.val, description, { map, targets: true, classes, info, standardize: false, window: opts.window, stride: undefined });
    process.stdout.write(dataLine("Validation", opts.val, val));
    validation = val.data;
  } else if (opts.valSplit !== undefined && read) {
    const target = M.loss.target;
    const stratify = Object.hasOwn(classes, target) && M.targets[target]!.shape.length === 0 ? target : undefined;
    try {
      const split = splitValidation(read.data, opts.valSplit, opts.seed, stratify);
      ({ train, validation } = split);
    } catch (e) {
      throw new UserError((e as Error).message);
    }
    process.stdout.write(`Validation: ${validation!.count} of the ${read.data.count} examples (--val-split ${opts.valSplit}, seed ${opts.seed}${stratify ? ", stratified by class" : ""}), ${train!.count} to train on\n`);
  }

  const epochs = opts.epochs ?? DEFAULT_EPOCHS;
  const batch = opts.batch ?? DEFAULT_BATCH;
  const clipNorm = opts.clipNorm ?? (compiled.recurrent ? DEFAULT_RECURRENT_CLIP_NORM : undefined);
  let optimizer;
  try {
    optimizer = createOptimizer(opts.optimizer, { ...(opts.lr !== undefined ? { lr: opts.lr } : {}), ...(clipNorm ? { clipNorm } : {}) });
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  const threads = threadsFor(opts.threads ?? "auto");
  if (threads === 2 && !useThreads(2)) throw new UserError(`--threads 2 needs the WebAssembly kernels on a shared memory; this run uses the ${activeKernels().name} kernels`);
  let position: TrainPosition | undefined;
  if (resumed) {
    try {
      optimizer.setState(resumed.checkpoint.optimizer);
    } catch (e) {
      throw new UserError(`cannot resume from ${resumed.path}: ${(e as Error).message}`);
    }
    position = resumed.checkpoint.position;
    if (resumed.checkpoint.random && "randomState" in model) model.randomState = resumed.checkpoint.random;
    if (position.epoch > epochs) throw new UserError(`${resumed.path} is at the end of epoch ${position.epoch - 1} of ${epochs}: nothing left to train (give --epochs with a larger total to go on)`);
    process.stdout.write(`Resuming from ${resumed.path} at epoch ${position.epoch}, step ${position.step}\n`);
  }
  const run: RunSettings = { optimizer: opts.optimizer, lr: position?.baseLr ?? optimizer.lr, ...(clipNorm ? { clipNorm } : {}), lrSchedule: opts.lrSchedule, batch, epochs, seed: opts.seed, ...(opts.standardize === false ? { standardize: false } : {}), ...(opts.window ? { window: opts.window } : {}), ...(opts.map ? { map: opts.map } : {}), ...(opts.val ? { val: opts.val } : {}), ...(opts.valSplit ? { valSplit: opts.valSplit } : {}), ...(opts.patience ? { patience: opts.patience } : {}), ...(streamed ? { stream: true } : {}), count };
  const metadata = () => ({ model: name, source: file, ...infoToMetadata(info) });
  /** The weights (with what reading the data learnt), then the checkpoint to resume from, each written whole or not at all. */
  const save = (at: TrainPosition | undefined) => {
    if (!opts.save) return;
    const tensors = Object.fromEntries(Object.entries(model.params).map(([k, data]) => [k, { shape: [...M.params[k]!], data }]));
    writeFileAtomic(opts.save, encodeSafetensors(tensors, { ...metadata(), format: "nnc" }));
    if (at) writeFileAtomic(checkpointPath(opts.save), encodeCheckpoint({ params: model.params, optimizer: optimizer.getState(), position: at, ...(model.randomState ? { random: model.randomState } : {}), metadata: { ...metadata(), "nnc.run": JSON.stringify(run) } }, M.params));
  };
  const paramCount = Object.values(model.params).reduce((a, p) => a + p.length, 0);
  const names = info.classes?.[M.loss.target];
  const summary = (label: string, m: Metrics) => {
    process.stdout.write(`${label}: ${metricsLine(m)} on ${m.count} examples\n`);
    if (m.confusion) process.stdout.write(confusionTable(m.confusion, names));
  };
  const measure = (data: Encoded | StreamData) => ("source" in data ? evaluateStream(model, description, data, 256, collectingEvery(GC_EVERY)) : Promise.resolve(evaluate(model, description, data)));
  if (epochs === 0) {
    summary(validation ? "Validation" : "Training data", await measure(validation ?? train ?? streamed!.train));
    return 0;
  }
  process.stdout.write(`Training ${name} (${paramCount.toLocaleString("en-US")} parameters) on ${(train ?? streamed!.train).count} examples; ${opts.optimizer} lr ${optimizer.lr} (${opts.lrSchedule}${clipNorm ? `, clip norm ${clipNorm}` : ""}), batch ${batch}, ${epochs} epochs, seed ${opts.seed}${threads === 2 ? ", 2 threads" : ""}\n`);

  let interrupted = false;
  const onSigint = () => {
    if (interrupted) {
      process.stderr.write("\nnnc: interrupted again; quitting without saving\n");
      process.exit(INTERRUPTED_EXIT);
    }
    interrupted = true;
    process.stderr.write(`\nnnc: interrupted; stopping after this step${opts.save ? ` and saving to ${opts.save}` : ""} (Ctrl-C again to quit at once)\n`);
  };
  process.on("SIGINT", onSigint);
  // On a terminal, a bar over each epoch: its bytes when streaming, else its steps.
  const size = streamed?.train.source.size;
  const bar = process.stderr.isTTY && (!streamed || size) ? new cliProgress.SingleBar({ format: "epoch {epoch} [{bar}] {percentage}% | loss {loss}", stream: process.stderr, clearOnComplete: true, hideCursor: true }, cliProgress.Presets.shades_classic) : undefined;
  let steps = 0;
  let firstLoss: number | undefined;
  let at = "";
  try {
    const fitOptions = {
      epochs,
      batchSize: batch,
      optimizer,
      seed: opts.seed,
      lrSchedule: opts.lrSchedule as "cosine" | "constant",
      patience: opts.patience,
      shouldStop: () => interrupted,
      resume: position,
      onStep: (s) => {
        steps++;
        firstLoss ??= s.loss;
        at = `epoch ${s.epoch}, step ${s.step}`;
        if (bar && (s.step === 1 || !bar.isActive)) bar.start(size ?? s.stepsPerEpoch, 0, { epoch: s.epoch, loss: s.loss.toFixed(4) });
        if (streamed) bar?.update({ loss: s.loss.toFixed(4) });
        else bar?.update(s.step, { loss: s.loss.toFixed(4) });
      },
      onEpoch: (e) => {
        bar?.stop();
        // Every epoch's weights and checkpoint, so that a run killed outright loses one epoch at most.
        if (allFinite(model.params) && !interrupted) {
          try {
            save(e.position);
          } catch (error) {
            process.stderr.write(`nnc: cannot save to ${opts.save}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}${existsNote(opts.save!)}\n`);
          }
        }
        const val = e.validation ? `  ${metricsLine(e.validation, "val ")}` : "";
        process.stdout.write(`epoch ${String(e.epoch).padStart(2)}  loss ${e.loss.toFixed(4)}${val}  ${e.stepsPerSecond.toFixed(1)} steps/s  (${e.seconds.toFixed(1)} s)\n`);
      },
    } satisfies Omit<FitStreamOptions, "validation">;
    const result = train ? await fit(model, description, train, { ...fitOptions, validation: validation as Encoded | undefined }) : await fitStream(model, description, streamed!.train, { ...fitOptions, validation, onBytes: collectingEvery(GC_EVERY, bar ? (n) => bar.update(n) : undefined) });
    const diverged = !!result.nonFinite;
    if (diverged) process.stdout.write(pc.yellow(`note: ${result.stopped}\n`) + `  try a lower --lr than ${optimizer.lr}${clipNorm ? "" : ", or --clip-norm 1"}\n`);
    else if (result.stopped && !interrupted) process.stdout.write(`${result.stopped}\n`);
    if (result.bestEpoch !== undefined) process.stdout.write(`Kept the weights of epoch ${result.bestEpoch}, the lowest validation loss\n`);
    const last = result.epochs.at(-1);
    if (!diverged) {
      const warning = lossGrowthWarning(firstLoss, last?.loss, `try a lower --lr than ${optimizer.lr}`);
      if (warning) process.stderr.write(`${pc.yellow("warning:")} ${warning}\n`);
    }
    // A streamed file without validation data is not read a third time only to measure it: its epochs' mean loss says as much.
    if (steps > 0 && (validation || train)) summary(validation ? "Validation" : "Training data", await measure(validation ?? train!));
    // After early stopping the model holds the best epoch's weights; the checkpoint stays that of the last epoch.
    return saveAtEnd({ params: model.params, save: opts.save, interrupted, diverged, steps, at }, () => save(diverged || result.bestEpoch !== undefined ? undefined : result.position));
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
}
