// `nnc lsp` over stdio, driven by a JSON-RPC client: each request an editor
// sends, answered for real files in a throwaway workspace (lib.nn declares
// a block and a const, main.nn imports them, lenet.nn is the example).
import { readFileSync } from "node:fs";
import type { CompletionItem, DocumentSymbol, Hover, InlayHint, Location, SignatureHelp, TextEdit, WorkspaceEdit } from "vscode-languageserver/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LspClient, uriOf } from "./client.ts";
import { LIB, MAIN, makeWorkspace, positionOf } from "./fixtures.ts";

const ws = makeWorkspace();
const LENET = readFileSync(ws.lenet, "utf8");
let client: LspClient;
const doc = (path: string) => ({ textDocument: { uri: uriOf(path) } });

beforeAll(async () => {
  client = await LspClient.start(ws.dir);
  await client.open(ws.lenet, LENET);
  // main.nn is open; lib.nn is read from the disk.
  await client.open(ws.main, MAIN);
}, 60_000);

afterAll(async () => {
  await client?.stop();
  ws.remove();
});

describe("initialize", () => {
  it("announces every feature", () => {
    const c = client.initialized.capabilities;
    expect(client.initialized.serverInfo?.name).toBe("nnc");
    for (const f of ["hoverProvider", "definitionProvider", "referencesProvider", "documentSymbolProvider", "documentFormattingProvider", "inlayHintProvider"] as const) expect(c[f], f).toBe(true);
    expect(c.completionProvider?.triggerCharacters).toContain(">");
    expect(c.signatureHelpProvider?.triggerCharacters).toContain("(");
    expect(c.renameProvider).toEqual({ prepareProvider: true });
    expect(c.semanticTokensProvider).toMatchObject({ full: true, legend: { tokenTypes: expect.arrayContaining(["function", "class", "typeParameter"]) } });
  });
});

describe("hover", () => {
  it("shows a binding's inferred shape", async () => {
    const h = await client.request<Hover>("textDocument/hover", { ...doc(ws.lenet), position: positionOf(LENET, "logits =", 2) });
    expect(h.contents).toEqual({ kind: "markdown", value: "**logits** — binding\n\n`f32[10]` per example (batched: `[batch, 10]`)" });
    expect(h.range).toEqual({ start: positionOf(LENET, "logits ="), end: positionOf(LENET, "logits =", 6) });
  });

  it("shows a layer's shape, parameters and cost", async () => {
    const h = await client.request<Hover>("textDocument/hover", { ...doc(ws.lenet), position: positionOf(LENET, "conv2d(16", 1) });
    expect((h.contents as { value: string }).value).toContain("`conv2d_2` → `f32[10, 10, 16]` per example (batched: `[batch, 10, 10, 16]`) · 2,416 parameters · 240,000 MACs per example");
  });

  it("answers null where there is nothing to say", async () => {
    expect(await client.request("textDocument/hover", { ...doc(ws.lenet), position: { line: 0, character: 0 } })).toBeNull();
  });
});

describe("completion", () => {
  it("offers layers after ->, and a call's options with types and defaults", async () => {
    const text = "model M {\n  input x: f32[8, 8, 1]\n  y = x -> \n  z = x -> conv2d(4, kernel: 3, )\n  output z\n}\n";
    const path = `${ws.dir}/typing.nn`;
    await client.open(path, text);
    const afterArrow = await client.request<CompletionItem[]>("textDocument/completion", { ...doc(path), position: positionOf(text, "y = x -> ", 9) });
    expect(afterArrow.map((i) => i.label)).toEqual(expect.arrayContaining(["conv2d", "dense", "relu"]));
    expect(afterArrow.find((i) => i.label === "dense")).toMatchObject({ kind: 3, detail: "layer" });
    const inCall = await client.request<CompletionItem[]>("textDocument/completion", { ...doc(path), position: positionOf(text, "3, )", 3) });
    expect(inCall.slice(0, 2).map((i) => [i.label, i.detail, i.insertText])).toEqual([
      ["stride", "int | (int, …) = 1", "stride: "],
      ["padding", "valid | same | int | (int, …) = valid", "padding: "],
    ]);
    expect(inCall.map((i) => i.label)).toContain("x");
    await client.close(path);
  });
});

describe("signature help", () => {
  it("shows the call's options, the one being written active", async () => {
    const help = await client.request<SignatureHelp>("textDocument/signatureHelp", { ...doc(ws.lenet), position: positionOf(LENET, "conv2d(16, ", 11) });
    expect(help.signatures[0]!.label).toMatch(/^conv2d\(filters: int, kernel: int \| \(int, …\), stride:/);
    const [start, end] = help.signatures[0]!.parameters![help.activeParameter!]!.label as [number, number];
    expect(help.signatures[0]!.label.slice(start, end)).toBe("kernel: int | (int, …)");
  });
});

describe("navigation across files", () => {
  it("goes to an imported block's declaration in the file on disk", async () => {
    const loc = await client.request<Location>("textDocument/definition", { ...doc(ws.main), position: positionOf(MAIN, "Residual(WIDTH)", 1) });
    expect(loc).toEqual({ uri: uriOf(ws.lib), range: { start: { line: 1, character: 6 }, end: { line: 1, character: 14 } } });
  });

  it("finds the references to a block in every file of the workspace", async () => {
    const refs = await client.request<Location[]>("textDocument/references", { ...doc(ws.main), position: positionOf(MAIN, "Residual(WIDTH)", 1), context: { includeDeclaration: true } });
    expect(refs.map((r) => `${r.uri.slice(r.uri.lastIndexOf("/") + 1)}:${r.range.start.line}:${r.range.start.character}`)).toEqual(["lib.nn:1:6", "main.nn:0:9", "main.nn:3:11", "main.nn:4:18"]);
    const withoutDeclaration = await client.request<Location[]>("textDocument/references", { ...doc(ws.main), position: positionOf(MAIN, "Residual(WIDTH)", 1), context: { includeDeclaration: false } });
    expect(withoutDeclaration).toHaveLength(3);
  });

  it("renames a block in its file and in the files that import it", async () => {
    const position = positionOf(MAIN, "Residual(WIDTH)", 1);
    const prepared = await client.request<{ range: unknown; placeholder: string }>("textDocument/prepareRename", { ...doc(ws.main), position });
    expect(prepared.placeholder).toBe("Residual");
    const edit = await client.request<WorkspaceEdit>("textDocument/rename", { ...doc(ws.main), position, newName: "Skip" });
    expect(Object.keys(edit.changes!).sort()).toEqual([uriOf(ws.lib), uriOf(ws.main)]);
    expect(edit.changes![uriOf(ws.main)]).toHaveLength(3);
    expect(edit.changes![uriOf(ws.lib)]).toEqual([{ range: { start: { line: 1, character: 6 }, end: { line: 1, character: 14 } }, newText: "Skip" }]);
  });

  it("refuses a rename to a name that is taken, with the reason", async () => {
    await expect(client.request("textDocument/rename", { ...doc(ws.main), position: positionOf(MAIN, "h = x"), newName: "x" })).rejects.toThrow(/'x' is already declared/);
    expect(await client.request("textDocument/prepareRename", { ...doc(ws.lenet), position: positionOf(LENET, "dense(120)", 1) })).toBeNull();
  });
});

describe("document views", () => {
  it("lists models, blocks and layers as document symbols", async () => {
    const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", doc(ws.lenet));
    expect(symbols.map((s) => s.name)).toEqual(["LeNet5"]);
    const logits = symbols[0]!.children!.find((c) => c.name === "logits")!;
    expect(logits.detail).toBe("f32[10]");
    expect(logits.children!.map((c) => c.name)).toEqual(["conv2d_1", "relu_1", "maxpool2d_1", "conv2d_2", "relu_2", "maxpool2d_2", "flatten_1", "dense_1", "relu_3", "dense_2", "relu_4", "head"]);
  });

  it("shows each line's inferred shape as inlay hints in the range asked for", async () => {
    const hints = await client.request<InlayHint[]>("textDocument/inlayHint", { ...doc(ws.lenet), range: { start: { line: 0, character: 0 }, end: { line: 10, character: 0 } } });
    expect(hints.map((h) => `${h.position.line}: ${h.label}`)).toEqual(["6: : f32[28, 28, 6]", "7: : f32[14, 14, 6]", "8: : f32[10, 10, 16]", "9: : f32[5, 5, 16]"]);
    expect(hints[0]).toMatchObject({ kind: 1, paddingLeft: true, position: { character: LENET.split("\n")[6]!.length } });
  });

  it("sends semantic tokens that tell layers, options, enum values and bindings apart", async () => {
    const { data } = await client.request<{ data: number[] }>("textDocument/semanticTokens/full", doc(ws.lenet));
    const types = client.initialized.capabilities.semanticTokensProvider!.legend.tokenTypes;
    const lines = LENET.split("\n");
    const tokens: string[] = [];
    for (let i = 0, line = 0, char = 0; i < data.length; i += 5) {
      line += data[i]!;
      char = data[i]! ? data[i + 1]! : char + data[i + 1]!;
      tokens.push(`${lines[line]!.slice(char, char + data[i + 2]!)}:${types[data[i + 3]!]}`);
    }
    expect(tokens.slice(0, 3)).toEqual(["// lenet.nn — LeNet-5 on 28x28 grey digits:comment", "model:keyword", "LeNet5:class"]);
    expect(tokens).toEqual(expect.arrayContaining(["conv2d:function", "kernel:property", "same:enumMember", "logits:variable", "f32:type", "->:operator"]));
  });

  it("formats through the Prettier plugin", async () => {
    const path = `${ws.dir}/messy.nn`;
    await client.open(path, "model M {\n  input x: f32[4]\n  output y = x ->   dense(  2 )\n}\n");
    const edits = await client.request<TextEdit[]>("textDocument/formatting", { ...doc(path), options: { tabSize: 2, insertSpaces: true } });
    expect(edits).toHaveLength(1);
    expect(edits[0]!.newText).toBe("model M {\n  input x: f32[4]\n  output y = x -> dense(2)\n}\n");
    await client.close(path);
  });
});

describe("nnc/generatedTypeScript", () => {
  it("answers with the module nnc compile would write, or the errors that stop it", async () => {
    const ok = await client.request<{ code?: string; errors: string[] }>("nnc/generatedTypeScript", { uri: uriOf(ws.lenet) });
    expect(ok.errors).toEqual([]);
    expect(ok.code).toMatch(/class m0_LeNet5 \{/);
    const path = `${ws.dir}/broken.nn`;
    await client.open(path, "model M {\n  input x: f32[4]\n  output y = x -> dense(2, kernal: 1)\n}\n");
    const failed = await client.request<{ code?: string; errors: string[] }>("nnc/generatedTypeScript", { uri: uriOf(path) });
    expect(failed.code).toBeUndefined();
    expect(failed.errors).toEqual([`${path}:3:28: dense has no option 'kernal'`]);
  }, 60_000);
});
