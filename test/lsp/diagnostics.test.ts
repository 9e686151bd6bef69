// `nnc lsp` over stdio, driven by a JSON-RPC client: diagnostics published
// on open and on every change, with related places; an edit to an imported
// file re-checks the open files that import it (and has the client refresh
// their inlay hints and semantic tokens); closing clears them.
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LspClient, uriOf } from "./client.ts";
import { LIB, MAIN, makeWorkspace, positionOf } from "./fixtures.ts";

const ws = makeWorkspace();
let client: LspClient;

beforeAll(async () => {
  client = await LspClient.start(ws.dir);
}, 60_000);

afterAll(async () => {
  await client?.stop();
  ws.remove();
});

describe("diagnostics", () => {
  it("are published when a file opens: none for a valid model", async () => {
    const text = readFileSync(ws.lenet, "utf8");
    await client.open(ws.lenet, text);
    expect(await client.diagnosticsOf(ws.lenet, 1)).toEqual([]);
  });

  it("follow each change: an error as it is typed, with its code, range and hint, and gone when fixed", async () => {
    const text = readFileSync(ws.lenet, "utf8");
    const at = positionOf(text, "kernel: 5)", 9);
    const broken = await client.type(ws.lenet, at.line, at.character, "0");
    const [d, ...rest] = await client.diagnosticsOf(ws.lenet, broken);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: "NN3005", severity: 1, source: "nnc", range: { start: { line: at.line } } });
    expect(d!.message).toContain("the window (50) is larger than the input");
    const fixed = await client.change(ws.lenet, text);
    expect(await client.diagnosticsOf(ws.lenet, fixed)).toEqual([]);
  });

  it("carry related information: where each symbol is declared", async () => {
    const path = `${ws.dir}/symbols.nn`;
    await client.open(path, "model M {\n  input a: f32[T, 4]\n  input b: f32[S, 4]\n  output y = a + b\n}\n");
    const [d] = await client.diagnosticsOf(path, 1);
    expect(d!.code).toBe("NN3001");
    const related = d!.relatedInformation!.map((r) => `${r.location.uri === uriOf(path) ? "here" : r.location.uri}:${r.location.range.start.line}: ${r.message}`);
    expect(related).toEqual(expect.arrayContaining(["here:1: symbol T is declared here", "here:2: symbol S is declared here"]));
  });

  it("of an importing file follow edits to the file it imports, before that file is saved", async () => {
    await client.open(ws.main, MAIN);
    expect(await client.diagnosticsOf(ws.main, 1)).toEqual([]);
    await client.open(ws.lib, LIB);
    const broken = LIB.replace("dense(hidden)", "dense(hidden, nope: 1)");
    // Opening lib.nn re-checks main.nn too (an empty list may come first).
    const reported = client.nextDiagnostics(ws.main, (p) => p.diagnostics.length > 0);
    await client.change(ws.lib, broken);
    const [d] = await reported;
    // main.nn's text did not change, but its shapes may have: the client is asked to request its views again.
    await expect.poll(() => client.refreshes).toEqual(expect.arrayContaining(["workspace/inlayHint/refresh", "workspace/semanticTokens/refresh"]));
    // Shown at the import, naming the place in lib.nn, which is linked as related information.
    expect(d!.range.start).toEqual({ line: 0, character: 32 });
    expect(d!.message).toBe("lib.nn:4:38: dense has no option 'nope'\nhint: its options are units, bias");
    expect(d!.relatedInformation?.[0]).toMatchObject({ location: { uri: uriOf(ws.lib), range: { start: { line: 3, character: 37 } } }, message: "the problem is here" });
    const cleared = client.nextDiagnostics(ws.main, (p) => p.diagnostics.length === 0);
    await client.change(ws.lib, LIB);
    expect(await cleared).toEqual([]);
  });

  it("of an importing file follow an imported file changed on disk, when the client reports the change", async () => {
    await client.close(ws.lib);
    const broken = client.nextDiagnostics(ws.main, (p) => p.diagnostics.length > 0);
    writeFileSync(ws.lib, LIB.replace("dense(hidden)", "dense(hidden, nope: 1)"));
    await client.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: uriOf(ws.lib), type: 2 }] });
    expect((await broken)[0]!.message).toMatch(/^lib\.nn:4:38: dense has no option .nope./);
    const fixed = client.nextDiagnostics(ws.main, (p) => p.diagnostics.length === 0);
    writeFileSync(ws.lib, LIB);
    await client.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: uriOf(ws.lib), type: 2 }] });
    expect(await fixed).toEqual([]);
  });

  it("are cleared when a file closes", async () => {
    const path = `${ws.dir}/closing.nn`;
    await client.open(path, "model M {\n  input x: f32[4]\n  output y = x -> dense(2, kernal: 1)\n}\n");
    expect((await client.diagnosticsOf(path, 1)).length).toBe(1);
    const cleared = client.nextDiagnostics(path);
    await client.close(path);
    expect(await cleared).toEqual([]);
  });
});
