// A bundler plugin for .nn files (Vite, esbuild, Rollup, webpack and the
// rest of unplugin's bundlers): `import { LeNet5 } from "./lenet.nn"` compiles
// the file while bundling. Imported .nn files are compiled with it and watched;
// an error in any of them fails the build with nnc's `file:line:col` message
// and code frame. The emitted TypeScript is transpiled to JavaScript here,
// because some bundlers (Vite in dev) do not treat a loaded module as TypeScript.
import { isAbsolute, relative, resolve } from "node:path";
import { createUnplugin, type UnpluginFactory } from "unplugin";
import { checkProgram } from "../compiler/check/program.ts";
import { generate } from "../compiler/codegen/index.ts";
import { sortDiagnostics } from "../compiler/diagnostics.ts";
import { specializeProblem } from "../compiler/specialize.ts";
import { fsHost } from "../cli/fs-host.ts";
import { formatDiagnostic } from "../cli/report.ts";
import { toJavaScript } from "./transpile.ts";

export interface NncPluginOptions {
  /** Dims baked into the code, as `nnc compile --specialize`: `{ batch: 64 }`. */
  specialize?: Record<string, number>;
  /** Where the generated modules import the runtime from (default `nnc/runtime`). */
  runtimeModule?: string;
  /** Leave out training, as `nnc compile --inference`: no `lossAndGrads`, `grads` or backward code. */
  inference?: boolean;
}

export interface CompiledNnModule {
  /** The module as JavaScript (an ES module); absent when there were errors. */
  js?: string;
  /** Errors and warnings, formatted as `nnc check` prints them (file:line:col, message, code frame). */
  errors: string[];
  warnings: string[];
  /** Absolute paths of every .nn file read, the file itself first: watch them all. */
  files: string[];
}

/** Compiles one .nn file (and the .nn files it imports) to JavaScript. */
export function compileNnModule(file: string, options: NncPluginOptions = {}): CompiledNnModule {
  const cwd = process.cwd();
  // Diagnostics name files as the user sees them: relative to the working folder when inside it.
  const rel = relative(cwd, file);
  const shown = rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel.split("\\").join("/") : file;
  const checked = checkProgram(shown, fsHost);
  const files = [...checked.sources.keys()].map((f) => resolve(cwd, f));
  if (!files.includes(resolve(file))) files.unshift(resolve(file));
  // Values only: the option applies to every .nn file of the build, not all of which use every dim.
  const wrong = specializeProblem(options.specialize);
  if (wrong) return { errors: [`nnc plugin option ${wrong}`], warnings: [], files };
  const result = generate(checked, {
    ...(options.specialize ? { specialize: options.specialize } : {}),
    ...(options.runtimeModule ? { runtimeModule: options.runtimeModule } : {}),
    ...(options.inference ? { inference: true } : {}),
  });
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const d of sortDiagnostics(result.diagnostics)) (d.severity === "error" ? errors : warnings).push(formatDiagnostic(d, checked.sources));
  if (errors.length || result.code === undefined) return { errors, warnings, files };
  return { js: toJavaScript(result.code, `${file}.ts`), errors, warnings, files };
}

export const unpluginFactory: UnpluginFactory<NncPluginOptions | undefined, false> = (options = {}) => ({
  name: "nnc",
  enforce: "pre",
  load: {
    filter: { id: /\.nn$/ },
    handler(id) {
      const compiled = compileNnModule(id, options);
      // Rebuild (and hot-reload in Vite dev) when the file or any .nn file it imports changes.
      for (const f of compiled.files) if (f !== resolve(id)) this.addWatchFile(f);
      for (const w of compiled.warnings) this.warn(w);
      if (compiled.js === undefined) {
        const count = compiled.errors.length;
        this.error(`nnc: ${count} error${count === 1 ? "" : "s"} compiling ${id}\n\n${compiled.errors.join("\n\n")}`);
        // Bundlers whose `error` does not throw (esbuild) report it with this result.
        return { code: "" };
      }
      return { code: compiled.js };
    },
  },
  esbuild: { loader: "js" },
});

/** The plugin for every bundler unplugin supports: `nnc.vite()`, `nnc.esbuild()`, `nnc.rollup()`, `nnc.webpack()`, … */
export const nnc = /* #__PURE__ */ createUnplugin<NncPluginOptions | undefined, false>(unpluginFactory);
export default nnc;
