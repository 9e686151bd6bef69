// `nnc compile --watch`: compile, then recompile whenever a .nn file changes,
// for projects without a bundler. Only the files that changed, and the files
// that import a changed file, are compiled again. Errors are reported and the
// previous output is kept; the watcher keeps running until interrupted.
import { resolve } from "node:path";
import { watch, type FSWatcher } from "chokidar";
import pc from "picocolors";
import { sortDiagnostics } from "../compiler/diagnostics.ts";
import { compileFile, writeCompiled, type CompileFlags } from "./compile.ts";
import { formatDiagnostic } from "./report.ts";

export interface WatchOptions extends CompileFlags {
  out: string;
  color: boolean;
  /** Called once the first build is done and the files are watched (tests wait for it). */
  onReady?(watcher: FSWatcher): void;
}

const time = () => new Date().toTimeString().slice(0, 8);

/** Compiles `files` and watches them and every .nn file they import; resolves when the watcher is closed. */
export async function watchCompile(files: string[], options: WatchOptions): Promise<void> {
  const paint = (f: (s: string) => string, s: string) => (options.color ? f(s) : s);
  /** Each root file's dependencies: absolute paths of every .nn file it read, itself included. */
  const deps = new Map<string, Set<string>>();
  const roots = [...new Set(files)];

  const build = async (file: string): Promise<void> => {
    const started = performance.now();
    const c = await compileFile(file, options);
    deps.set(file, new Set([resolve(file), ...[...c.sources.keys()].map((f) => resolve(f))]));
    let errors = 0;
    for (const d of sortDiagnostics(c.diagnostics)) {
      if (d.severity === "error") errors++;
      process.stderr.write(formatDiagnostic(d, c.sources, options.color) + "\n\n");
    }
    const ms = Math.round(performance.now() - started);
    if (errors || c.outputs === undefined) {
      const n = `${errors} error${errors === 1 ? "" : "s"}`;
      process.stderr.write(`[${time()}] ${file}: ${paint(pc.red, n)}; kept the previous output (${ms} ms)\n`);
      return;
    }
    let written: string[];
    try {
      written = writeCompiled([c], options.out, options);
    } catch (e) {
      process.stderr.write(`[${time()}] ${file}: ${paint(pc.red, (e as Error).message)}\n`);
      return;
    }
    process.stdout.write(`[${time()}] ${file} ${paint(pc.green, "→")} ${written.join(", ")} (${ms} ms)\n`);
  };

  for (const f of roots) await build(f);
  const watched = () => new Set([...deps.values()].flatMap((s) => [...s]));
  let current = watched();
  const watcher = watch([...current], { ignoreInitial: true, awaitWriteFinish: { stabilityThreshold: 20, pollInterval: 10 } });

  // Changes arriving close together (an editor's save, a checkout) make one rebuild.
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const flush = () => {
    timer = undefined;
    const changed = [...pending];
    pending.clear();
    const affected = roots.filter((r) => changed.some((c) => deps.get(r)?.has(c)));
    running = running.then(async () => {
      for (const r of affected) await build(r);
      const next = watched();
      const added = [...next].filter((f) => !current.has(f));
      const removed = [...current].filter((f) => !next.has(f));
      if (added.length) watcher.add(added);
      if (removed.length) watcher.unwatch(removed);
      current = next;
    });
  };
  const onChange = (path: string) => {
    pending.add(resolve(path));
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, 30);
  };
  watcher.on("change", onChange).on("add", onChange).on("unlink", onChange);
  watcher.on("error", (e) => process.stderr.write(`nnc: watch error: ${(e as Error).message}\n`));

  await new Promise<void>((ready) => watcher.once("ready", () => ready()));
  process.stdout.write(`[${time()}] watching ${current.size} file${current.size === 1 ? "" : "s"} for changes (Ctrl-C to stop)\n`);
  options.onReady?.(watcher);
  await new Promise<void>((done) => {
    const stop = () => void watcher.close().then(done);
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
