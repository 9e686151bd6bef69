// `specialize` is checked where users give it: compile()'s option and the
// bundler plugin's (`nnc compile --specialize` in test/cli/cli.test.ts). Code
// generation would otherwise inline a string, -1 or 0.5 into the loops.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile } from "../../compiler/index.ts";
import { specializeProblem } from "../../compiler/specialize.ts";
import { compileNnModule } from "../../build/plugin.ts";

const SOURCE = "model M {\n  input x: f32[T, 4]\n  target y: f32[T, 2]\n  p = x -> dense(2)\n  output p\n  loss mse(p, y)\n}\n";

describe("specialize", () => {
  it("compile() throws a RangeError for a size that is not a positive integer", () => {
    for (const [value, shown] of [["64", "'64'"], [-1, "-1"], [0, "0"], [0.5, "0.5"], [2 ** 53, "9007199254740992"], [NaN, "null"]] as const) {
      expect(() => compile(SOURCE, { specialize: { batch: value as number } }), String(value)).toThrow(new RangeError(`compile: specialize: 'batch' must be a positive integer, got ${shown}`));
    }
    expect(() => compile(SOURCE, { specialize: 64 as unknown as Record<string, number> })).toThrow(/specialize must be an object of dim sizes such as \{ batch: 64 \}, got 64/);
  });

  it("compile() throws for a name that is neither batch nor a dim of the model, listing the dims", () => {
    expect(() => compile(SOURCE, { specialize: { batch: 8, Q: 3 } })).toThrow(new RangeError("compile: specialize: 'Q' is not a dim of the models compiled; their dims are batch, T"));
    expect(() => compile("model N {\n  input x: f32[4]\n  output y = x -> dense(2)\n}\n", { specialize: { T: 3 } })).toThrow(/'T' is not a dim of the models compiled; their only dim is batch/);
    const ok = compile(SOURCE, { specialize: { batch: 8, T: 5 } });
    expect(ok.code).toBeDefined();
    expect(ok.code).not.toBe(compile(SOURCE).code); // the sizes were baked in
  });

  it("a file with errors reports its diagnostics rather than a specialize name", () => {
    const r = compile("model M {\n  input x: f32[T]\n  output y = x -> dens(2)\n}\n", { specialize: { Q: 2 } });
    expect(r.code).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toContain("NN2003");
  });

  it("the bundler plugin reports a bad value as a build error", () => {
    const path = join(mkdtempSync(join(tmpdir(), "nnc-spec-")), "m.nn");
    writeFileSync(path, SOURCE);
    const r = compileNnModule(path, { specialize: { batch: "x" as unknown as number } });
    expect(r.js).toBeUndefined();
    expect(r.errors).toEqual(["nnc plugin option specialize: 'batch' must be a positive integer, got 'x'"]);
    expect(compileNnModule(path, { specialize: { batch: 4 } }).js).toContain("class m0_M");
  });

  it("specializeProblem accepts what it should", () => {
    expect(specializeProblem(undefined)).toBeUndefined();
    expect(specializeProblem({ batch: 1, T: Number.MAX_SAFE_INTEGER }, ["T"])).toBeUndefined();
    expect(specializeProblem({ A: 1, B: 2 }, ["T"])).toBe("specialize: 'A', 'B' are not dims of the models compiled; their dims are batch, T");
  });
});
