// The VS Code extension in editors/vscode/: its TextMate grammar (tested
// with vscode-tmgrammar-test, and against the compiler's list of layers),
// its manifest, and that it packages into a .vsix with everything it runs.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { layers } from "../../compiler/layers/registry.ts";
import { extensionDir, packageExtension } from "../../scripts/package-vscode.ts";
import { zipEntries } from "./zip-entries.ts";

const manifest = JSON.parse(readFileSync(join(extensionDir, "package.json"), "utf8")) as {
  contributes: { languages: { id: string; extensions: string[]; configuration: string }[]; grammars: { language: string; path: string }[]; commands: { command: string }[] };
  dependencies: Record<string, string>;
};
const grammarPath = join(extensionDir, manifest.contributes.grammars[0]!.path);
const grammar = JSON.parse(readFileSync(grammarPath, "utf8")) as { repository: Record<string, { patterns: { name?: string; match?: string }[] }> };

describe("the TextMate grammar", () => {
  it("passes its syntax tests (vscode-tmgrammar-test)", async () => {
    const bin = createRequire(import.meta.url).resolve("vscode-tmgrammar-test/dist/unit.js");
    const run = await new Promise<{ code: number; out: string }>((done) =>
      execFile(process.execPath, [bin, "-g", grammarPath, join(extensionDir, "test/*.test.nn")], (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, out: stdout + stderr })),
    );
    expect(run.out).toContain("run successfuly");
    expect(run.code, run.out).toBe(0);
  });

  it("highlights every layer and loss the compiler knows, and nothing that merely starts like one", () => {
    const patterns = grammar.repository.expression!.patterns.filter((p) => p.name === "support.function.layer.nn" || p.name === "support.function.loss.nn");
    const whole = patterns.map((p) => new RegExp(`^(?:${p.match!})$`, "u"));
    for (const name of layers.keys()) expect(whole.some((r) => r.test(name)), name).toBe(true);
    for (const near of ["denser", "conv4d", "relu6", "lstm_1"]) expect(whole.some((r) => r.test(near)), near).toBe(false);
  });
});

describe("the extension's manifest", () => {
  it("declares the nn language for .nn files with its configuration and grammar, and commands its code registers", () => {
    const [language] = manifest.contributes.languages;
    expect(language).toMatchObject({ id: "nn", extensions: [".nn"] });
    expect(existsSync(join(extensionDir, language!.configuration))).toBe(true);
    expect(manifest.contributes.grammars[0]!.language).toBe("nn");
    const source = readFileSync(join(extensionDir, "src/extension.ts"), "utf8");
    for (const { command } of manifest.contributes.commands) expect(source, command).toContain(`registerCommand("${command}"`);
    // The client is bundled into the extension; the root package does not ship it.
    const rootPackage = JSON.parse(readFileSync("package.json", "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(Object.keys(rootPackage.dependencies)).not.toContain("vscode-languageclient");
    expect(rootPackage.devDependencies["vscode-languageclient"]).toBe(manifest.dependencies["vscode-languageclient"]);
  });
});

describe("packaging", () => {
  it("writes a .vsix holding the bundled client, the grammar, the configuration and the manifest", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nnc-vsix-"));
    try {
      const out = join(dir, "nnc-vscode.vsix");
      const size = await packageExtension(out);
      expect(zipEntries(out).sort()).toEqual(
        ["[Content_Types].xml", "extension.vsixmanifest", "extension/dist/extension.js", "extension/language-configuration.json", "extension/package.json", "extension/readme.md", "extension/syntaxes/nn.tmLanguage.json"].sort(),
      );
      expect(size).toBeLessThan(512 * 1024);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
