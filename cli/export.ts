// `nnc export model.nn --format onnx -o model.onnx`: a model and its weights
// (seed 0, or --load) as an ONNX file for inference elsewhere. Loaded on use:
// code generation (for the seed-0 weights) and the protobuf writer are not
// needed by the other commands.
import { readFileSync } from "node:fs";
import { checkProgram } from "../compiler/check/program.ts";
import { generate } from "../compiler/codegen/index.ts";
import { loadModule } from "../compiler/codegen/load.ts";
import { exportOnnx, OnnxExportError } from "../compiler/export/onnx/index.ts";
import { specializeProblem } from "../compiler/specialize.ts";
import { loadParams } from "../runtime/safetensors.ts";
import type { Diagnostic } from "../compiler/diagnostics.ts";
import type { SourceFile } from "../grammar/source.ts";
import { fsHost } from "./fs-host.ts";
import { parseSpecialize } from "./specialize-flag.ts";
import { writeFileAtomic } from "./write-file-atomic.ts";

export interface ExportCommandOptions {
  format: string;
  out: string;
  model?: string;
  load?: string;
  specialize?: string;
}

/** A mistake in how the command was called: exit status 2. */
export class UsageError extends Error {}
/** A problem with the inputs (a missing model, unreadable weights): exit status 1. */
export class ExportFailure extends Error {}

export const exportFormats = ["onnx"] as const;

/** Returns the exit status; prints diagnostics through `report`. */
export function runExport(file: string, opts: ExportCommandOptions, report: (diagnostics: Diagnostic[], sources: Map<string, SourceFile>) => void): number {
  if (!(exportFormats as readonly string[]).includes(opts.format)) throw new UsageError(`--format must be ${exportFormats.join(" or ")}, got '${opts.format}'`);
  let specialize: Record<string, number>;
  try {
    specialize = parseSpecialize(opts.specialize);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const checked = checkProgram(file, fsHost);
  const errors = checked.diagnostics.filter((d) => d.severity === "error");
  if (errors.length) {
    report(checked.diagnostics, checked.sources);
    return 1;
  }
  const model = opts.model ? checked.models.find((m) => m.name === opts.model) : checked.models[0];
  // An unknown --model is a usage error, as for nnc summary.
  if (!model) throw opts.model ? new UsageError(`${file} has no model named '${opts.model}' (its models: ${checked.models.map((m) => m.name).join(", ") || "none"})`) : new ExportFailure(`${file} has no model`);
  const wrong = specializeProblem(specialize, model.symbols.keys());
  if (wrong) throw new UsageError(`--${wrong}`);

  // The weights of `new M({ seed: 0 })`, from the model's own generated code (inference only).
  const generated = generate(checked, { inference: true });
  if (!generated.code) {
    report(generated.diagnostics, checked.sources);
    return 1;
  }
  const M = loadModule(generated.code)[model.name]!;
  const instance = new M({ seed: 0 });
  if (opts.load) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(opts.load));
    } catch (e) {
      throw new ExportFailure(`cannot read --load ${opts.load}: ${(e as Error).message}`);
    }
    try {
      loadParams(instance.params, M.params, bytes);
    } catch (e) {
      throw new ExportFailure(`--load ${opts.load}: ${(e as Error).message}`);
    }
  }
  let onnx: Uint8Array;
  try {
    onnx = exportOnnx(model, instance.params, { specialize });
  } catch (e) {
    if (!(e instanceof OnnxExportError)) throw e;
    report(e.diagnostics, checked.sources);
    return 1;
  }
  writeFileAtomic(opts.out, onnx);
  process.stdout.write(`wrote ${opts.out} (${model.name}, ONNX opset 17, ${onnx.length.toLocaleString("en-US")} bytes)\n`);
  return 0;
}
