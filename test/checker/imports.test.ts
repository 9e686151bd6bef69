// Imports (spec §3, §9): imported blocks and consts, relative paths, missing
// files (NN4001), cycles (NN4002), names a file does not export (NN4003),
// and diagnostics inside imported files naming those files.
import { describe, expect, it } from "vitest";
import { check, checkProgram, memoryHost } from "../../compiler/index.ts";
import { expectDiagnostic, outputs, params, runFiles, singleIn, summary } from "./helpers.ts";

const lib = `const D = 8
const HALF = D / 2
block Proj(n = HALF) {
  input x: f32[T, D]
  output y = x -> dense(n)
}
model Hidden {
  input a: f32[4]
  output a
}
`;

describe("imported blocks and consts", () => {
  it("are usable in the importing file; defaults see the block's own file", () => {
    const files = {
      "main.nn": `import { Proj, D } from "./lib.nn"
model M {
  input a: f32[S, D]
  output p = a -> Proj
  output q = a -> Proj(D * 2)
}`,
      "lib.nn": lib,
    };
    const r = runFiles(files);
    expect(summary(r.diagnostics)).toEqual([]);
    const m = r.models[0]!;
    expect(m.file).toBe("main.nn");
    expect(outputs(m)).toEqual({ p: "f32[S, 4]", q: "f32[S, 16]" });
    expect(params(m)).toEqual({
      "proj_1.dense_1.kernel": [8, 4],
      "proj_1.dense_1.bias": [4],
      "proj_2.dense_1.kernel": [8, 16],
      "proj_2.dense_1.bias": [16],
    });
    expect([...r.sources.keys()]).toEqual(["main.nn", "lib.nn"]);
  });

  it("work through `check(text, { filename, host })`", () => {
    const host = memoryHost({ "lib.nn": lib });
    const r = check(`import { Proj } from "./lib.nn"
model M {
  input a: f32[S, 8]
  output p = a -> Proj(2)
}`, { filename: "main.nn", host });
    expect(r.diagnostics).toEqual([]);
    expect(outputs(r.models[0]!)).toEqual({ p: "f32[S, 2]" });
    expect(r.ast?.imports.map((i) => i.path)).toEqual(["./lib.nn"]);
  });

  it("resolve relative to the importing file", () => {
    const r = runFiles({
      "app/main.nn": `import { Block } from "../shared/blocks.nn"
import { K } from "../shared/k.nn"
model M {
  input a: f32[K]
  output y = a -> Block
}`,
      "shared/blocks.nn": `import { K } from "./k.nn"
block Block() {
  input x: f32[K]
  output y = x -> dense(K)
}`,
      "shared/k.nn": "const K = 3\n",
    }, "app/main.nn");
    expect(r.diagnostics).toEqual([]);
    expect([...r.sources.keys()]).toEqual(["app/main.nn", "shared/blocks.nn", "shared/k.nn"]);
    expect(params(r.models[0]!)).toEqual({ "block_1.dense_1.kernel": [3, 3], "block_1.dense_1.bias": [3] });
  });

  it("an imported block may use blocks its own file imports", () => {
    const r = runFiles({
      "main.nn": `import { A } from "./a.nn"
model M {
  input x: f32[T, 4]
  output y = x -> A
}`,
      "a.nn": `import { B } from "./b.nn"
block A() {
  input x: f32[T, 4]
  output y = x -> B -> B
}`,
      "b.nn": `block B() {
  input x: f32[T, 4]
  output y = x -> relu
}`,
    });
    expect(r.diagnostics).toEqual([]);
    expect(r.models[0]!.nodes.map((n) => n.name)).toEqual(["a_1.b_1.relu_1", "a_1.b_2.relu_1"]);
  });

  it("a file imported along two paths is read once and is not a cycle", () => {
    const c = `block C() {
  input x: f32[T, 4]
  output y = x -> relu
}`;
    const r = runFiles({
      "main.nn": `import { A } from "./a.nn"
import { B } from "./b.nn"
model M {
  input x: f32[T, 4]
  output y = x -> A -> B
}`,
      "a.nn": `import { C } from "./c.nn"
block A() {
  input x: f32[T, 4]
  output y = x -> C
}`,
      "b.nn": `import { C } from "./c.nn"
block B() {
  input x: f32[T, 4]
  output y = x -> C
}`,
      "c.nn": c,
    });
    expect(r.diagnostics).toEqual([]);
    expect([...r.sources.keys()].sort()).toEqual(["a.nn", "b.nn", "c.nn", "main.nn"]);
  });
});

describe("a missing file (NN4001)", () => {
  it("is reported at the path string", () => {
    const files = {
      "main.nn": `import { Proj } from "./missing.nn"
model M {
  input a: f32[S, 4]
  output y = a -> Proj
}`,
    };
    expectDiagnostic(singleIn(files), files, { code: "NN4001", message: "cannot find file './missing.nn'", text: '"./missing.nn"', line: 1, column: 22, endColumn: 36 });
  });

  it("inside an imported file names that file, and its names stay silent", () => {
    const files = {
      "main.nn": `import { A } from "./a.nn"
model M {
  input x: f32[T, 4]
  output y = x -> A
}`,
      "a.nn": `import { Z, K } from "./z.nn"
block A() {
  input x: f32[T, 4]
  output y = x -> Z -> dense(K)
}`,
    };
    expectDiagnostic(singleIn(files), files, { code: "NN4001", message: "cannot find file './z.nn'", file: "a.nn", text: '"./z.nn"', line: 1, column: 22, endColumn: 30 });
  });

  it("a root file that does not exist", () => {
    const r = checkProgram("nofile.nn", memoryHost({}));
    expect(summary(r.diagnostics)).toEqual(["NN4001 1:1 cannot find file 'nofile.nn'"]);
    expect(r.diagnostics[0]!.span.file).toBe("nofile.nn");
    expect(r.models).toEqual([]);
  });
});

describe("import cycles (NN4002)", () => {
  it("are reported at the import that closes the cycle", () => {
    const files = {
      "main.nn": `import { A } from "./a.nn"
model M {
  input x: f32[4]
  output y = x -> A
}`,
      "a.nn": `import { B } from "./b.nn"
block A() {
  input x: f32[4]
  output y = x -> B
}`,
      "b.nn": `import { A } from "./a.nn"
block B() {
  input x: f32[4]
  output y = x -> relu
}`,
    };
    expectDiagnostic(singleIn(files), files, {
      code: "NN4002",
      message: "import cycle: a.nn → b.nn → a.nn",
      file: "b.nn",
      text: 'import { A } from "./a.nn"',
      line: 1,
      column: 1,
      endColumn: 27,
    });
  });

  it("a file that imports itself", () => {
    const files = {
      "main.nn": `import { A } from "./main.nn"
block A() {
  input x: f32[4]
  output x
}
model M {
  input a: f32[4]
  output a
}`,
    };
    expectDiagnostic(singleIn(files), files, { code: "NN4002", message: "import cycle: main.nn → main.nn", text: 'import { A } from "./main.nn"', line: 1, column: 1, endColumn: 30 });
  });
});

describe("names a file does not export (NN4003)", () => {
  it("an unknown name and a model are not importable", () => {
    const files = {
      "main.nn": `import { Proj, Nope, Hidden } from "./lib.nn"
model M {
  input a: f32[S, 8]
  output y = a -> Proj -> Nope
}`,
      "lib.nn": lib,
    };
    const ds = runFiles(files).diagnostics;
    expect(summary(ds)).toEqual([
      "NN4003 1:16 './lib.nn' has no block or const named 'Nope'",
      "NN4003 1:22 './lib.nn' has no block or const named 'Hidden'",
    ]);
    expectDiagnostic(ds[0]!, files, { code: "NN4003", message: "'./lib.nn' has no block or const named 'Nope'", text: "Nope", line: 1, column: 16, endColumn: 20 });
    expectDiagnostic(ds[1]!, files, {
      code: "NN4003",
      message: "'./lib.nn' has no block or const named 'Hidden'",
      text: "Hidden",
      line: 1,
      column: 22,
      endColumn: 28,
      hint: "'Hidden' is a model; only blocks and consts can be imported",
    });
  });

  it("a name whose import failed in the other file is reported there only", () => {
    const files = {
      "main.nn": `import { K } from "./a.nn"
model M {
  input a: f32[K]
  output a
}`,
      "a.nn": `import { K } from "./gone.nn"
`,
    };
    expect(summary(runFiles(files).diagnostics)).toEqual(["NN4001 1:19 cannot find file './gone.nn'"]);
    expect(runFiles(files).diagnostics[0]!.span.file).toBe("a.nn");
  });
});

describe("duplicate imported names (NN2023)", () => {
  it("the same name from two files, or imported and declared", () => {
    const files = {
      "main.nn": `import { P } from "./lib.nn"
import { P } from "./lib2.nn"
const P = 3
model M {
  input a: f32[S, 4]
  output a
}`,
      "lib.nn": "const P = 1\n",
      "lib2.nn": "const P = 2\n",
    };
    const ds = runFiles(files).diagnostics;
    expect(summary(ds)).toEqual(["NN2023 2:10 import 'P' is already declared in this file", "NN2023 3:7 const 'P' is already declared in this file"]);
    expectDiagnostic(ds[0]!, files, {
      code: "NN2023",
      message: "import 'P' is already declared in this file",
      text: "P",
      line: 2,
      column: 10,
      endColumn: 11,
      related: [{ message: "first declared here", text: "P", line: 1, column: 10, endColumn: 11 }],
    });
  });
});

describe("diagnostics inside imported files name those files", () => {
  it("a const error in the imported file", () => {
    const files = {
      "main.nn": `import { Q } from "./lib.nn"
model M {
  input a: f32[S, 4]
  output a
}`,
      "lib.nn": "const Q = 1 / 0\n",
    };
    expectDiagnostic(singleIn(files), files, { code: "NN3012", message: "division by zero in a constant expression", file: "lib.nn", text: "1 / 0", line: 1, column: 11, endColumn: 16 });
  });

  it("a shape error in an imported block, with the call site in the importing file", () => {
    const files = {
      "main.nn": `import { Bad } from "./lib/bad.nn"
model M {
  input a: f32[S, 4]
  output p = a -> Bad
}`,
      "lib/bad.nn": `block Bad() {
  input x: f32[T, 4]
  output y = x -> dense(3) -> conv2d(2, kernel: 1)
}`,
    };
    expectDiagnostic(singleIn(files), files, {
      code: "NN3002",
      message: "conv2d expects [H, W, C], got f32[S, 3]",
      file: "lib/bad.nn",
      text: "dense(3)",
      line: 3,
      column: 19,
      endColumn: 27,
      related: [{ message: "in bad_1, an instance of block Bad", file: "main.nn", text: "Bad", line: 4, column: 19, endColumn: 22 }],
    });
  });

  it("an input mismatch of an imported block points at its declaration there", () => {
    const files = {
      "main.nn": `import { Proj } from "./lib.nn"
model M {
  input a: f32[S, 4]
  output p = a -> Proj
}`,
      "lib.nn": lib,
    };
    expectDiagnostic(singleIn(files), files, {
      code: "NN3002",
      message: "block Proj expects f32[S, 8] for input 'x', got f32[S, 4]",
      text: "a",
      line: 4,
      column: 14,
      endColumn: 15,
      related: [
        { message: "'x' is declared here", file: "lib.nn", text: "input x: f32[T, D]", line: 4, column: 3, endColumn: 21 },
        { message: "in proj_1, an instance of block Proj", text: "Proj", line: 4, column: 19, endColumn: 23 },
      ],
    });
  });

  it("a syntax error in an imported file", () => {
    const files = {
      "main.nn": `import { A } from "./a.nn"
model M {
  input x: f32[T, 4]
  output y = x -> A
}`,
      "a.nn": `block A() {
  input x: f32[T, 4]
  output y = x -> relu(
}`,
    };
    const ds = runFiles(files).diagnostics;
    expect(ds.length).toBeGreaterThan(0);
    expect(ds.every((d) => d.span.file === "a.nn")).toBe(true);
    expect(ds.every((d) => d.code.startsWith("NN1"))).toBe(true);
  });
});
