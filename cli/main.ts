// nnc's command line: check and summarise .nn files.
import { Command, CommanderError } from "commander";
import pc from "picocolors";
import { checkProgram } from "../compiler/check/program.ts";
import { sortDiagnostics } from "../compiler/diagnostics.ts";
import { formatSummary, summarize } from "../compiler/summary.ts";
import { fsHost } from "./fs-host.ts";
import { diagnosticToJson, formatDiagnostic } from "./report.ts";

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

const program = new Command();
program
  .name("nnc")
  .description("The .nn neural-network compiler")
  .version("0.1.0")
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

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // --help and --version exit 0; every other usage problem is status 2.
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else throw e;
}
