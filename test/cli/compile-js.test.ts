// `nnc compile --js` (with and without --inference): `<name>.nn.js`, an ES
// module that plain Node runs, and `<name>.nn.d.ts`, its exact types. The
// module imports `nnc/runtime`; here that resolves to a JavaScript bundle of
// this repository's runtime in a node_modules folder, as an installed
// package would, so the test does not depend on how the package ships it.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as esbuild from "esbuild";
import { Project, ts } from "ts-morph";
import { beforeAll, describe, expect, it } from "vitest";
import { compile, loadModule } from "../../compiler/index.ts";

function run(cmd: string, args: string[], cwd = process.cwd()): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd, env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
}
const nnc = (args: string[]) => run("node", [resolve("bin/nnc.js"), ...args]);

const dir = mkdtempSync(join(tmpdir(), "nnc-js-"));

/** An `nnc` package in `dir/node_modules` whose `nnc/runtime` is the runtime bundled to JavaScript. */
async function installRuntime() {
  const pkg = join(dir, "node_modules", "nnc");
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "nnc", type: "module", exports: { "./runtime": "./runtime.js" } }));
  await esbuild.build({ entryPoints: [resolve("runtime/index.ts")], bundle: true, format: "esm", platform: "node", outfile: join(pkg, "runtime.js"), logLevel: "silent" });
}

/** Runs LeNet5 from `module` in plain Node on a fixed batch of two; prints its logits' bits, its loss, and which members it has. */
const script = (module: string) => `import { LeNet5 } from ${JSON.stringify(module)};
const image = Float32Array.from({ length: 2 * 784 }, (_, i) => Math.sin(i));
const label = Int32Array.from([3, 7]);
const net = new LeNet5({ seed: 4 });
const { logits } = net.forward({ image }, { batch: 2 });
console.log(JSON.stringify({
  bits: Array.from(new Uint32Array(logits.buffer, logits.byteOffset, logits.length)),
  loss: net.loss({ image, label }, { batch: 2 }),
  lossAndGrads: typeof net.lossAndGrads,
  grads: typeof net.grads,
}));
`;

/** The same, in this process, on the full TypeScript module. */
function expected() {
  const { code } = compile(readFileSync("examples/lenet.nn", "utf8"), { filename: "examples/lenet.nn" });
  const net = new (loadModule(code!).LeNet5!)({ seed: 4 });
  const image = Float32Array.from({ length: 2 * 784 }, (_, i) => Math.sin(i));
  const logits = net.forward({ image }, { batch: 2 }).logits!;
  return { bits: Array.from(new Uint32Array(logits.buffer, logits.byteOffset, logits.length)), loss: net.loss!({ image, label: Int32Array.from([3, 7]) }, { batch: 2 }) };
}

function typeCheck(files: Record<string, string>): string[] {
  const project = new Project({
    compilerOptions: { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true, types: [], lib: ["lib.es2022.d.ts"] },
  });
  for (const [path, text] of Object.entries(files)) project.createSourceFile(path, text, { overwrite: true });
  return project.getPreEmitDiagnostics().map((d) => `${d.getLineNumber()}: TS${d.getCode()} ${ts.flattenDiagnosticMessageText(d.compilerObject.messageText, " ")}`);
}

describe("nnc compile --js", () => {
  beforeAll(installRuntime);

  it("writes <name>.nn.js and <name>.nn.d.ts, which plain Node runs with the full module's results (--inference too)", async () => {
    const want = expected();
    for (const inference of [false, true]) {
      const out = join(dir, inference ? "lean" : "full");
      const r = await nnc(["compile", "examples/lenet.nn", "--js", ...(inference ? ["--inference"] : []), "-o", out]);
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe(`wrote ${join(out, "lenet.nn.js")}\nwrote ${join(out, "lenet.nn.d.ts")}\n`);
      expect(readdirSync(out).sort()).toEqual(["lenet.nn.d.ts", "lenet.nn.js"]);
      writeFileSync(join(dir, "main.mjs"), script(`./${inference ? "lean" : "full"}/lenet.nn.js`));
      const node = await run("node", ["main.mjs"], dir);
      expect(node.stderr).toBe("");
      const got = JSON.parse(node.stdout);
      expect(got.bits).toEqual(want.bits);
      expect(got.loss).toBe(want.loss);
      expect([got.lossAndGrads, got.grads]).toEqual(inference ? ["undefined", "undefined"] : ["function", "object"]);
    }
    expect(readFileSync(join(dir, "lean", "lenet.nn.js"), "utf8").length / readFileSync(join(dir, "full", "lenet.nn.js"), "utf8").length).toBeLessThan(0.7);
  });

  it("declares the module exactly; an inference module has no training members", () => {
    const use = `import { LeNet5 } from "./lenet.nn.js";
const net = new LeNet5();
const logits: Float32Array = net.forward({ image: new Float32Array(784) }, { batch: 1 }).logits;
const loss: number = net.loss({ image: new Float32Array(784), label: new Int32Array(1) }, { batch: 1 });
void [logits, loss];
// @ts-expect-error: image is f32
net.forward({ image: new Int32Array(784) }, { batch: 1 });
`;
    const training = `net.lossAndGrads({ image: new Float32Array(784), label: new Int32Array(1) }, { batch: 1 });\nnet.grads["head.kernel"];\n`;
    const at = (folder: string) => join(dir, folder, "lenet.nn.d.ts");
    expect(typeCheck({ [at("full")]: readFileSync(at("full"), "utf8"), [join(dir, "full", "use.mts")]: use + training })).toEqual([]);
    const lean = typeCheck({ [at("lean")]: readFileSync(at("lean"), "utf8"), [join(dir, "lean", "use.mts")]: use + training });
    expect(lean.map((p) => p.replace(/^\d+: /, ""))).toEqual([
      "TS2339 Property 'lossAndGrads' does not exist on type 'LeNet5'.",
      "TS2339 Property 'grads' does not exist on type 'LeNet5'.",
    ]);
  });

  it("with --dts also writes <name>.d.nn.ts; --specialize applies", async () => {
    const out = join(dir, "dts");
    const r = await nnc(["compile", "examples/tagger.nn", "--js", "--dts", "--inference", "--specialize", "batch=4", "-o", out]);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["tagger.d.nn.ts", "tagger.nn.d.ts", "tagger.nn.js"]);
    expect(readFileSync(join(out, "tagger.d.nn.ts"), "utf8")).toBe(readFileSync(join(out, "tagger.nn.d.ts"), "utf8"));
    expect(readFileSync(join(out, "tagger.nn.d.ts"), "utf8")).toContain("batch: 4");
    expect(readFileSync(join(out, "tagger.nn.js"), "utf8")).not.toMatch(/lossAndGrads|: Float32Array/);
  });

  it("reports errors and clashes as compile does, writing nothing", async () => {
    const bad = join(dir, "bad.nn");
    writeFileSync(bad, "model M {\n  input x: f32[4]\n  output y = x -> dense(2, kernal: 3)\n}\n");
    const out = join(dir, "none");
    const r = await nnc(["compile", bad, "--js", "-o", out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:3:28: error NN2004: dense has no option 'kernal'`);
    expect(r.stderr).toContain("1 error; nothing written");
    mkdirSync(join(dir, "a"), { recursive: true });
    writeFileSync(join(dir, "a", "bad.nn"), "model N {\n  input x: f32[4]\n  output y = x -> dense(2)\n}\n");
    const clash = await nnc(["compile", bad, join(dir, "a", "bad.nn"), "--js", "-o", out]);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain(`would both be written to ${join(out, "bad.nn.js")}`);
    expect(clash.stderr).toContain(`would both be written to ${join(out, "bad.nn.d.ts")}`);
    expect(existsSync(out)).toBe(false);
  });
});
