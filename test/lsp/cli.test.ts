// `nnc lsp` takes the arguments LSP clients pass when they start a server.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { LspClient, repo } from "./client.ts";

it("starts with the arguments clients add (--stdio, --clientProcessId=…) and answers initialize", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nnc-lsp-cli-"));
  const client = await LspClient.start(dir, [process.execPath, join(repo, "bin/nnc.js"), "lsp", "--stdio", `--clientProcessId=${process.pid}`]);
  try {
    expect(client.initialized.serverInfo?.name).toBe("nnc");
  } finally {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
