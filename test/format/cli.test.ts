// `nnc fmt` and `nnc fmt --check` as a user runs them, on temporary files.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { examples, formatNn } from "./helpers.ts";

function nnc(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("node", [join(process.cwd(), "bin/nnc.js"), ...args], { env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), "nnc-fmt-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const messy = "model M{input x:f32[4]\n\n\n  output y=x->relu}";
const tidy = "model M {\n  input x: f32[4]\n\n  output y = x -> relu\n}\n";
const broken = "model M {\n  input x: f32[4\n  output x\n}\n";

describe("nnc fmt", () => {
  it("rewrites the files that change, lists them, and leaves formatted ones alone", async () => {
    const a = file("a.nn", messy);
    const b = file("b.nn", tidy);
    const r = await nnc(["fmt", a, b]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${a}\n`);
    expect(readFileSync(a, "utf8")).toBe(tidy);
    expect(readFileSync(b, "utf8")).toBe(tidy);
  });

  it("formats every example to its formatted form", async () => {
    const paths = examples.map((e) => file(e.name, e.text));
    const r = await nnc(["fmt", ...paths]);
    expect(r.code).toBe(0);
    for (const [i, e] of examples.entries()) expect(readFileSync(paths[i]!, "utf8")).toBe(await formatNn(e.text));
    expect((await nnc(["fmt", "--check", ...paths])).code).toBe(0);
  });

  it("leaves a file with a syntax error untouched and reports file:line:col", async () => {
    const bad = file("bad.nn", broken);
    const good = file("good.nn", messy);
    const r = await nnc(["fmt", bad, good]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:2:15: error NN1005: `);
    expect(readFileSync(bad, "utf8")).toBe(broken);
    // The other files are still formatted.
    expect(readFileSync(good, "utf8")).toBe(tidy);
  });

  it("reports a missing file", async () => {
    const r = await nnc(["fmt", join(dir, "missing.nn")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("cannot read");
  });

  it("is a usage error without files", async () => {
    expect((await nnc(["fmt"])).code).toBe(2);
  });
});

describe("nnc fmt --check", () => {
  it("lists the files that would change, exits 1, and changes nothing", async () => {
    const a = file("check-a.nn", messy);
    const b = file("check-b.nn", tidy);
    const r = await nnc(["fmt", "--check", a, b]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`${a}\n`);
    expect(readFileSync(a, "utf8")).toBe(messy);
  });

  it("exits 0 when every file is formatted", async () => {
    const b = file("check-c.nn", tidy);
    const r = await nnc(["fmt", "--check", b]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
  });

  it("exits 1 with the place of a syntax error", async () => {
    const bad = file("check-bad.nn", broken);
    const r = await nnc(["fmt", "--check", bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:2:15: error NN1005: `);
    expect(readFileSync(bad, "utf8")).toBe(broken);
  });
});
