// The bundler plugin (build/plugin.ts) as a consumer uses it: esbuild, Vite
// (build and dev server) and Rollup compile `import … from "./x.nn"` while
// bundling, errors fail the build with nnc's file:line:col message and code
// frame. The generated modules import `nnc/runtime`, resolved here to its
// TypeScript sources through the `nnc-source` export condition; the packed
// package, its entries (`nnc/esbuild`, …) in plain Node and these bundlers on
// its compiled JavaScript are tested in test/package/.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as esbuild from "esbuild";
import { rollup } from "rollup";
import { build as viteBuild, createServer, defaultClientConditions, defaultServerConditions } from "vite";
import { afterAll, describe, expect, it } from "vitest";
import { compileNnModule, nnc } from "../../build/plugin.ts";

const app = resolve("examples/app");
// Bundles go inside the repository: the app finds the `mnist` package (and `nnc` itself) from there.
const dist = join(app, "dist", `test-${process.pid}`);
mkdirSync(dist, { recursive: true });
afterAll(() => rmSync(dist, { recursive: true, force: true }));

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(cmd, args, { env: { ...process.env, NO_COLOR: "1", ...env } }, (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
}

/** What the example app prints after one epoch on 2,000 digits. */
function expectAppOutput(stdout: string): void {
  expect(stdout).toContain("Digits: image -> logits, 9098 parameters");
  const accuracy = Number(/held-out accuracy ([\d.]+)%/.exec(stdout)?.[1]);
  expect(accuracy).toBeGreaterThan(80);
  const predicted = /predicted: ([\d ]+)/.exec(stdout)![1]!.trim().split(" ");
  const actual = /actual: +([\d ]+)/.exec(stdout)![1]!.trim().split(" ");
  expect(predicted).toHaveLength(8);
  expect(predicted.filter((p, i) => p === actual[i]).length).toBeGreaterThanOrEqual(6);
}

/** Inside this repository, `nnc/…` resolves to the TypeScript sources. */
const source = "nnc-source";
const viteResolve = { resolve: { conditions: [source, ...defaultClientConditions] }, ssr: { resolve: { conditions: [source, ...defaultServerConditions] } } };

const tmp = mkdtempSync(join(tmpdir(), "nnc-plugin-"));
function file(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}
const badLib = () => file("badlib.nn", "block Bad(n) {\n  input x: f32[n]\n  output y = x -> dense(n, bogus: 1)\n}\n");
const bad = () => file("bad.nn", "model M {\n  input x: f32[T, 4]\n  y = x -> dense(10, kernal: 3)\n  output y\n}\n");

describe("esbuild", () => {
  it("bundles the example app, whose model trains and classifies digits", async () => {
    const outfile = join(dist, "esbuild.js");
    const result = await esbuild.build({ entryPoints: [join(app, "src/main.ts")], outfile, bundle: true, platform: "node", format: "esm", logLevel: "silent", metafile: true, conditions: [source], plugins: [nnc.esbuild()] });
    expect(result.errors).toEqual([]);
    // The .nn file and the .nn file it imports are both inputs of the build (esbuild watches them).
    expect(Object.keys(result.metafile!.inputs).some((f) => f.endsWith("src/digits.nn"))).toBe(true);
    const bundle = readFileSync(outfile, "utf8");
    expect(bundle).toMatch(/Digits = class|class Digits/);
    expect(bundle).toMatch(/forward\(inputs, dims\)/); // JavaScript, not TypeScript
    const r = await run("node", [outfile]);
    expect(r.stderr).toBe("");
    expectAppOutput(r.stdout);
  });

  it("fails the build with file:line:col, the message and a code frame", async () => {
    const entry = file("entry.js", `import { M } from "./bad.nn";\nconsole.log(M);\n`);
    bad();
    const err = await esbuild.build({ entryPoints: [entry], bundle: true, write: false, platform: "node", format: "esm", logLevel: "silent", plugins: [nnc.esbuild()] }).catch((e: esbuild.BuildFailure) => e);
    expect(err).toBeInstanceOf(Error);
    const text = (err as esbuild.BuildFailure).errors.map((e) => e.text).join("\n");
    expect(text).toContain(`${join(tmp, "bad.nn")}:3:22: error NN2004: dense has no option 'kernal'`);
    expect(text).toMatch(/> 3 \|   y = x -> dense\(10, kernal: 3\)\n\s+\|\s+\^{6}/);
  });

  it("an error in an imported .nn file names that file; every file read is watched", () => {
    badLib();
    const root = file("uses-bad.nn", 'import { Bad } from "./badlib.nn"\nmodel M {\n  input x: f32[8]\n  output y = x -> Bad(8)\n}\n');
    const c = compileNnModule(root);
    expect(c.js).toBeUndefined();
    expect(c.errors.join("\n")).toContain(`${join(tmp, "badlib.nn")}:3:28: error NN2004`);
    expect(c.files).toEqual([root, join(tmp, "badlib.nn")]);
  });

  it("names files relative to the working folder when they are inside it", () => {
    const c = compileNnModule(join(app, "src/digits.nn"));
    expect(c.errors).toEqual([]);
    expect(c.js).toContain("Digits, compiled from examples/app/src/digits.nn");
    expect(c.js).toMatch(/^import \* as rt from "nnc\/runtime";$/m);
    expect(c.files).toEqual([join(app, "src/digits.nn"), join(app, "src/layers.nn")]);
    expect(compileNnModule(join(app, "src/digits.nn"), { runtimeModule: "/rt.js", specialize: { batch: 8 } }).js).toContain('from "/rt.js"');
  });

  it("inference: true leaves out training, as nnc compile --inference", () => {
    const full = compileNnModule(join(app, "src/digits.nn")).js!;
    const lean = compileNnModule(join(app, "src/digits.nn"), { inference: true }).js!;
    expect(full).toContain("lossAndGrads(");
    expect(lean).not.toMatch(/lossAndGrads|_backward\b/);
    expect(lean).toContain("forward(");
  });
});

describe("vite", () => {
  it("builds the example app (SSR build) and the bundle runs", async () => {
    const outDir = join(dist, "vite");
    await viteBuild({ root: app, configFile: false, logLevel: "silent", plugins: [nnc.vite()], ...viteResolve, ssr: { ...viteResolve.ssr, noExternal: true }, build: { ssr: "src/main.ts", outDir, emptyOutDir: true, minify: false } });
    const r = await run("node", [join(outDir, "main.js")]);
    expect(r.stderr).toBe("");
    expectAppOutput(r.stdout);
  });

  it("fails the build with the diagnostic", async () => {
    const entry = file("vite-entry.js", `import { M } from "./bad.nn";\nconsole.log(M);\n`);
    bad();
    const err = await viteBuild({ root: tmp, configFile: false, logLevel: "silent", plugins: [nnc.vite()], build: { ssr: entry, write: false } }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain(`${join(tmp, "bad.nn")}:3:22: error NN2004: dense has no option 'kernal'`);
  });

  it("dev server: serves .nn modules as JavaScript and reloads when the file or a .nn file it imports changes", async () => {
    const root = join(dist, "hmr");
    mkdirSync(root, { recursive: true });
    for (const f of ["digits.nn", "layers.nn"]) cpSync(join(app, "src", f), join(root, f));
    writeFileSync(join(root, "main.js"), 'import { Digits } from "./digits.nn";\nconsole.log(new Digits());\n');
    const server = await createServer({ root, configFile: false, logLevel: "silent", plugins: [nnc.vite()], ...viteResolve, server: { middlewareMode: true }, appType: "custom" });
    try {
      const sent: { type: string; triggeredBy?: string }[] = [];
      const hot = server.environments.client.hot;
      const send = hot.send.bind(hot);
      hot.send = ((payload: { type: string }, ...rest: unknown[]) => {
        sent.push(payload);
        return (send as (...a: unknown[]) => void)(payload, ...rest);
      }) as typeof hot.send;
      expect((await server.transformRequest("/main.js"))!.code).toContain("/digits.nn");
      const before = (await server.transformRequest("/digits.nn"))!.code;
      expect(before).toContain("class m0_Digits");
      expect(before).toContain("/@fs/"); // nnc/runtime resolved by Vite
      expect(before).toContain('"conv_pool_1.conv2d_1.kernel"]: [3, 3, 1, 8]');
      const until = async (pred: () => boolean) => {
        for (let i = 0; i < 100 && !pred(); i++) await new Promise((r) => setTimeout(r, 50));
        expect(pred()).toBe(true);
      };
      await new Promise((r) => setTimeout(r, 200));
      writeFileSync(join(root, "layers.nn"), readFileSync(join(root, "layers.nn"), "utf8").replace("size = 3", "size = 5"));
      await until(() => sent.some((p) => p.triggeredBy?.endsWith("layers.nn")));
      expect((await server.transformRequest("/digits.nn"))!.code).toContain('"conv_pool_1.conv2d_1.kernel"]: [5, 5, 1, 8]');
      writeFileSync(join(root, "digits.nn"), readFileSync(join(root, "digits.nn"), "utf8").replace("ConvPool(16)", "ConvPool(12)"));
      await until(() => sent.some((p) => p.triggeredBy?.endsWith("digits.nn")));
      expect((await server.transformRequest("/digits.nn"))!.code).toContain('"conv_pool_2.conv2d_1.kernel"]: [5, 5, 8, 12]');
      expect(sent.map((p) => p.type)).toEqual(["full-reload", "full-reload"]);
    } finally {
      await server.close();
    }
  });
});

describe("rollup", () => {
  it("compiles a .nn entry and watches the .nn files it imports", async () => {
    const bundle = await rollup({ input: join(app, "src/digits.nn"), plugins: [nnc.rollup()], external: ["nnc/runtime"] });
    const { output } = await bundle.generate({ format: "es" });
    expect(output[0].exports).toEqual(["Digits"]);
    expect(bundle.watchFiles).toContain(join(app, "src/layers.nn"));
  });

  it("fails the build with the diagnostic", async () => {
    const err = await rollup({ input: bad(), plugins: [nnc.rollup()], external: ["nnc/runtime"] }).catch((e: Error) => e);
    expect((err as Error).message).toContain(`${join(tmp, "bad.nn")}:3:22: error NN2004`);
  });
});
