// nnc's command line: check and summarise .nn files.
import { Command, CommanderError, InvalidArgumentError } from "commander";
import pc from "picocolors";
import { checkProgram } from "../compiler/check/program.ts";
import { sortDiagnostics } from "../compiler/diagnostics.ts";
import { formatSummary, summarize } from "../compiler/summary.ts";
import { fsHost } from "./fs-host.ts";
import { packageVersion } from "./package-file.ts";
import { diagnosticToJson, formatDiagnostic } from "./report.ts";
import { DEFAULT_BATCH, DEFAULT_EPOCHS } from "./train-defaults.ts";
import { hostedTasks, tasks } from "../runtime/tasks/index.ts";
import type { Diagnostic } from "../compiler/diagnostics.ts";
import type { SourceFile } from "../grammar/source.ts";

function printDiagnostics(diagnostics: Diagnostic[], sources: Map<string, SourceFile>): number {
  let errors = 0;
  for (const d of sortDiagnostics(diagnostics)) {
    if (d.severity === "error") errors++;
    process.stderr.write(formatDiagnostic(d, sources, color) + "\n\n");
  }
  return errors;
}

/** A whole number ≥ 0. */
function count(name: string) {
  return (text: string) => {
    const v = Number(text);
    if (!Number.isInteger(v) || v < 0) throw new InvalidArgumentError(`${name} must be a whole number, got '${text}'`);
    return v;
  };
}

function threadCount(text: string): 1 | 2 | "auto" {
  if (text === "auto") return "auto";
  if (text !== "1" && text !== "2") throw new InvalidArgumentError(`--threads must be 1, 2 or auto, got '${text}'`);
  return text === "2" ? 2 : 1;
}

function number(name: string, integer: boolean) {
  return (text: string) => {
    const v = Number(text);
    if (!Number.isFinite(v) || (integer && (!Number.isInteger(v) || v < 1))) throw new InvalidArgumentError(`${name} must be a ${integer ? "positive integer" : "number"}, got '${text}'`);
    return v;
  };
}

const color = process.stderr.isTTY && !process.env.NO_COLOR;

/** Checks files; prints diagnostics; returns whether any error was found. */
function checkFiles(files: string[], json: boolean) {
  let errors = 0;
  let warnings = 0;
  const all: ReturnType<typeof diagnosticToJson>[] = [];
  const results = files.map((file) => {
    const result = checkProgram(file, fsHost);
    for (const d of sortDiagnostics(result.diagnostics)) {
      if (d.severity === "error") errors++;
      else warnings++;
      if (json) all.push(diagnosticToJson(d));
      else process.stderr.write(formatDiagnostic(d, result.sources, color) + "\n\n");
    }
    return { file, result };
  });
  if (json) process.stdout.write(JSON.stringify(all, null, 2) + "\n");
  return { errors, warnings, results };
}

// Output piped into a program that stops reading (`nnc predict … | head`): stop quietly.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

const program = new Command();
program
  .name("nnc")
  .description("The .nn neural-network compiler")
  .version(packageVersion())
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

program
  .command("check")
  .description("parse and type-check .nn files, inferring every shape")
  .argument("<files...>", ".nn files to check")
  .option("--json", "print diagnostics as JSON on standard output")
  .action((files: string[], opts: { json?: boolean }) => {
    const { errors, warnings } = checkFiles(files, !!opts.json);
    if (!opts.json) {
      const summary = `${files.length} file${files.length === 1 ? "" : "s"} checked: ${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`;
      process.stderr.write((errors ? (color ? pc.red(summary) : summary) : color ? pc.green(summary) : summary) + "\n");
    }
    process.exitCode = errors ? 1 : 0;
  });

program
  .command("summary")
  .description("print a table of layers, shapes, parameters and symbolic costs per model")
  .argument("<files...>", ".nn files")
  .option("-m, --model <name>", "only this model")
  .action((files: string[], opts: { model?: string }) => {
    const { errors, results } = checkFiles(files, false);
    if (errors) {
      process.exitCode = 1;
      return;
    }
    const tables: string[] = [];
    for (const { file, result } of results) {
      const models = result.models.filter((m) => !opts.model || m.name === opts.model);
      for (const m of models) tables.push(formatSummary(summarize(m), file));
    }
    if (opts.model && tables.length === 0) {
      process.stderr.write(`nnc: no model named '${opts.model}' in ${files.join(", ")}\n`);
      process.exitCode = 2;
      return;
    }
    process.stdout.write(tables.join("\n\n") + "\n");
  });

program
  .command("compile")
  .description("compile .nn files to TypeScript modules (<name>.nn.ts), or with --js to JavaScript (<name>.nn.js and <name>.nn.d.ts)")
  .argument("<files...>", ".nn files")
  .requiredOption("-o, --out <dir>", "output folder")
  .option("--specialize <dims>", "bake sizes into the code, e.g. batch=64,T=20")
  .option("--dts", "also write <name>.d.nn.ts: exact types for `import … from \"./<name>.nn\"`")
  .option("--inference", "leave out training (backward code, grads, lossAndGrads): smaller modules for deployment")
  .option("--js", "write JavaScript (<name>.nn.js) and its declarations (<name>.nn.d.ts) instead of TypeScript")
  .option("-w, --watch", "recompile when a .nn file (or one it imports) changes; keep running after errors")
  .action(async (files: string[], opts: { out: string; specialize?: string; dts?: boolean; inference?: boolean; js?: boolean; watch?: boolean }) => {
    // Loaded on use, here and in train: code generation (ts-morph, Prettier) takes longer to load than a check takes.
    const { compileFile, outputCollisions, parseSpecialize, writeCompiled } = await import("./compile.ts");
    const { specializeProblem } = await import("../compiler/specialize.ts");
    const usage = (message: string) => {
      process.stderr.write(`nnc: ${message}\n`);
      process.exitCode = 2;
    };
    let specialize: Record<string, number>;
    try {
      specialize = parseSpecialize(opts.specialize);
    } catch (e) {
      return usage((e as Error).message);
    }
    const flags = { specialize, dts: !!opts.dts, inference: !!opts.inference, js: !!opts.js };
    // Outputs go flat into --out: two inputs of one name would overwrite each other.
    const clashes = outputCollisions(files, opts.out, flags);
    if (clashes.length) return usage(`${clashes.join("\n     ")}\n     (outputs go flat into the -o folder: compile such files into separate folders, or rename one); nothing written`);
    if (opts.watch) return (await import("./watch.ts")).watchCompile(files, { ...flags, out: opts.out, color });
    const compiled = [];
    let errors = 0;
    for (const f of [...new Set(files)]) {
      const c = await compileFile(f, flags);
      errors += printDiagnostics(c.diagnostics, c.sources);
      compiled.push(c);
    }
    if (errors) {
      process.stderr.write(`${errors} error${errors === 1 ? "" : "s"}; nothing written\n`);
      process.exitCode = 1;
      return;
    }
    const unknown = specializeProblem(specialize, compiled.flatMap((c) => c.symbols));
    if (unknown) return usage(`--${unknown}; nothing written`);
    try {
      for (const c of compiled) for (const path of writeCompiled([c], opts.out, flags)) process.stdout.write(`wrote ${path}\n`);
    } catch (e) {
      process.stderr.write(`nnc: ${(e as Error).message}\n`);
      process.exitCode = 1;
    }
  });

/** A fraction strictly between 0 and 1. */
function fraction(name: string) {
  return (text: string) => {
    const v = Number(text);
    if (!(v > 0 && v < 1)) throw new InvalidArgumentError(`${name} must be a fraction between 0 and 1, such as 0.1; got '${text}'`);
    return v;
  };
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Runs a command that may fail with a UserError (printed, exit 1). */
async function userCommand(run: () => Promise<number>) {
  const { UserError } = await import("./user-error.ts");
  try {
    process.exitCode = await run();
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    process.stderr.write(`nnc: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}

const DATA_FILES = "a data file or folder (CSV, TSV, JSON Lines, .npy/.npz, safetensors, a folder of class folders of images, plain text; see README)";

program
  .command("train")
  .description("compile a model in memory and train it")
  .argument("<file>", ".nn file")
  .requiredOption("--data <name or path>", `training data: ${DATA_FILES}; or a built-in set: mnist (10,000 real digits: 8,000 train, 2,000 held out), a generated task (${Object.keys(tasks).join(", ")}) or ${Object.keys(hostedTasks).join(", ")}`)
  .option("-m, --model <name>", "which model of the file (default: the first with a loss)")
  .option("--epochs <n>", `passes over the training data (0: evaluate only; default: the task's recommendation, else ${DEFAULT_EPOCHS})`, count("--epochs"))
  .option("--batch <n>", `examples per step (default: the task's recommendation, else ${DEFAULT_BATCH})`, number("--batch", true))
  .option("--lr <x>", "learning rate (default: the task's recommendation, else the optimizer's)", number("--lr", false))
  .option("--optimizer <name>", "sgd, momentum, adam or adamw", "adam")
  .option("--lr-schedule <kind>", "cosine (decay to 0 over the run) or constant", "cosine")
  .option("--clip-norm <x>", "clip the global gradient norm (default: 5 for models with recurrent layers, else off; 0: off)", number("--clip-norm", false))
  .option("--seed <n>", "seed for initial weights, shuffling and --val-split", number("--seed", false), 0)
  .option("--save <file>", "save the trained weights (safetensors)")
  .option("--load <file>", "start from saved weights (safetensors); with --epochs 0, only evaluate them")
  .option("--allow-nonfinite", "let --load read weights holding NaN or infinity (refused by default; never saved)")
  .option("--threads <n>", "1, 2 (large matrix products and convolutions share a second core) or auto: 2 where the machine has 4 or more cores", threadCount, "auto")
  .option("--map <input=field,...>", "data files: feed an input or target from these fields, in order (repeatable)", collect)
  .option("--val <path>", "data files: validation data, read like the training data")
  .option("--val-split <fraction>", "data files: hold out this share of the training data for validation (seeded; stratified by class)", fraction("--val-split"))
  .option("--patience <n>", "data files: stop when the validation loss has not improved for n epochs, keeping the best weights", number("--patience", true))
  .option("--no-standardize", "data files: feed numeric inputs as they are (default: standardised per feature with the training data's mean and deviation, saved with the weights)")
  .option("--window <n>", "plain text: characters per window for a model whose T is symbolic (default 64)", number("--window", true))
  .option("--stream", "data files: read CSV, TSV, JSON Lines or .npy anew every epoch through a shuffle buffer instead of holding them (the default from 64 MiB)")
  .option("--resume <file>", "data files: go on with a run saved with --save (its <file>.ckpt: weights, optimizer state, position, settings); --epochs may raise the total")
  .action(async (file: string, opts: { data: string; model?: string; epochs?: number; batch?: number; lr?: number; optimizer: string; lrSchedule: string; clipNorm?: number; seed: number; save?: string; load?: string; allowNonfinite?: boolean; threads: 1 | 2 | "auto"; map?: string[]; val?: string; valSplit?: number; patience?: number; standardize?: boolean; window?: number; resume?: string; stream?: boolean }) => {
    const { runTrain } = await import("./train.ts");
    await userCommand(() => runTrain(file, opts, (d, s) => void printDiagnostics(d, s)));
  });

program
  .command("eval")
  .description("evaluate saved weights on a data file: the loss and metrics (accuracy and a confusion matrix, or MSE and MAE)")
  .argument("<file>", ".nn file")
  .requiredOption("--load <file>", "the weights (safetensors, as nnc train --save writes them)")
  .requiredOption("--data <path>", DATA_FILES)
  .option("-m, --model <name>", "which model of the file (default: the first with a loss)")
  .option("--map <input=field,...>", "feed an input or target from these fields, in order (repeatable)", collect)
  .option("--batch <n>", "examples per forward pass", number("--batch", true))
  .option("--window <n>", "plain text: characters per window for a model whose T is symbolic (default 64)", number("--window", true))
  .option("--allow-nonfinite", "load weights holding NaN or infinity")
  .action(async (file: string, opts: { load: string; data: string; model?: string; map?: string[]; batch?: number; window?: number; allowNonfinite?: boolean }) => {
    const { runEval } = await import("./predict.ts");
    await userCommand(() => runEval(file, opts, (d, s) => void printDiagnostics(d, s)));
  });

program
  .command("predict")
  .description("predict with saved weights: one row per example (class and probabilities, values, or tags)")
  .argument("<file>", ".nn file")
  .requiredOption("--load <file>", "the weights (safetensors, as nnc train --save writes them)")
  .requiredOption("--data <path>", `${DATA_FILES}, or one image`)
  .option("-o, --out <file>", "write the predictions here: .csv or .jsonl (default: CSV on standard output)")
  .option("-m, --model <name>", "which model of the file (default: the first)")
  .option("--map <input=field,...>", "feed an input from these fields, in order (repeatable)", collect)
  .option("--batch <n>", "examples per forward pass", number("--batch", true))
  .option("--window <n>", "plain text: characters per window for a model whose T is symbolic (default 64)", number("--window", true))
  .option("--steps <n>", "a model that declares generate, with a symbolic length: tokens to decode (default 32)", number("--steps", true))
  .option("--allow-nonfinite", "load weights holding NaN or infinity")
  .action(async (file: string, opts: { load: string; data: string; out?: string; model?: string; map?: string[]; batch?: number; window?: number; steps?: number; allowNonfinite?: boolean }) => {
    const { runPredict } = await import("./predict.ts");
    await userCommand(() => runPredict(file, opts, (d, s) => void printDiagnostics(d, s)));
  });

program
  .command("export")
  .description("export a model and its weights for inference elsewhere: --format onnx writes an ONNX file (opset 17)")
  .argument("<file>", ".nn file")
  .requiredOption("--format <format>", "onnx")
  .requiredOption("-o, --out <file>", "the file to write, e.g. model.onnx")
  .option("-m, --model <name>", "which model of the file (default: the first)")
  .option("--load <file>", "weights to export (safetensors, as nnc train --save writes); default: those of new M({ seed: 0 })")
  .option("--specialize <dims>", "fix sizes in the exported shapes, e.g. batch=1,T=20 (others stay symbolic)")
  .action(async (file: string, opts: { format: string; out: string; model?: string; load?: string; specialize?: string }) => {
    // Loaded on use: code generation and the protobuf writer.
    const { runExport, UsageError, ExportFailure } = await import("./export.ts");
    try {
      process.exitCode = runExport(file, opts, (d, s) => void printDiagnostics(d, s));
    } catch (e) {
      if (!(e instanceof UsageError) && !(e instanceof ExportFailure)) throw e;
      process.stderr.write(`nnc: ${e.message}\n`);
      process.exitCode = e instanceof UsageError ? 2 : 1;
    }
  });

program
  .command("fmt")
  .description("format .nn files in place (--check: list the files that would change, exit 1 if any)")
  .argument("<files...>", ".nn files")
  .option("--check", "change nothing; exit 1 when a file is not formatted")
  .action(async (files: string[], opts: { check?: boolean }) => {
    // Loaded on use: Prettier is not needed by the other commands.
    const { runFmt, fmtExitCode } = await import("./fmt.ts");
    const result = await runFmt(files, opts, { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
    process.exitCode = fmtExitCode(result, !!opts.check);
  });

program
  .command("lsp")
  .description("run the language server over standard input and output (for editors: see docs/editors.md)")
  .option("--stdio", "talk over standard input and output (the default and only transport; accepted because clients pass it)")
  // Clients add options of their own (`--clientProcessId=<pid>`): they change nothing here.
  .allowUnknownOption()
  .allowExcessArguments()
  .action(async () => {
    // Loaded on use: the protocol library and the language service are not needed by the other commands.
    const { startServer } = await import("../lsp/server.ts");
    startServer();
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // --help and --version exit 0; every other usage problem is status 2.
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else throw e;
}
