// The VS Code extension: starts `nnc lsp` (the workspace's nnc, else the one
// on the PATH, or the command the `nnc.server.path` setting names) as the
// language server for .nn files, and adds "Show generated TypeScript". The
// grammar and language configuration are declared in package.json.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { commands, ViewColumn, window, workspace, type ExtensionContext } from "vscode";
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

/** The nnc command: the setting, the first workspace folder's node_modules/.bin/nnc, or `nnc` on the PATH. */
function serverCommand(): string {
  const configured = workspace.getConfiguration("nnc").get<string>("server.path");
  if (configured) return configured;
  const bin = process.platform === "win32" ? "nnc.cmd" : "nnc";
  for (const folder of workspace.workspaceFolders ?? []) {
    const local = join(folder.uri.fsPath, "node_modules", ".bin", bin);
    if (existsSync(local)) return local;
  }
  return bin;
}

async function start(): Promise<void> {
  const command = serverCommand();
  // With transport stdio the client adds `--stdio`: the server runs as `nnc lsp --stdio`.
  const server: ServerOptions = { command, args: ["lsp"], transport: TransportKind.stdio, options: { shell: process.platform === "win32" } };
  const options: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "nn" },
      { scheme: "untitled", language: "nn" },
    ],
    // Imported files changed outside the editor re-check the files that import them.
    synchronize: { fileEvents: workspace.createFileSystemWatcher("**/*.nn") },
    middleware: {
      provideInlayHints: (document, range, token, next) => (workspace.getConfiguration("nnc").get<boolean>("inlayHints.enabled", true) ? next(document, range, token) : []),
    },
  };
  client = new LanguageClient("nnc", "nnc language server", server, options);
  try {
    await client.start();
  } catch (e) {
    void window.showErrorMessage(`nnc: could not start \`${command} lsp\` (${e instanceof Error ? e.message : String(e)}). Install nnc in the workspace (npm install nnc) or set nnc.server.path.`);
  }
}

interface GeneratedTypeScript {
  code?: string;
  errors: string[];
}

async function showGeneratedTypeScript(): Promise<void> {
  const editor = window.activeTextEditor;
  if (!editor || editor.document.languageId !== "nn") return void window.showInformationMessage("nnc: open a .nn file first");
  if (!client) return void window.showErrorMessage("nnc: the language server is not running");
  const result = await client.sendRequest<GeneratedTypeScript>("nnc/generatedTypeScript", { uri: editor.document.uri.toString() });
  if (result.code === undefined) return void window.showErrorMessage(`nnc: no TypeScript while the file has errors: ${result.errors[0] ?? "unknown error"}`);
  const doc = await workspace.openTextDocument({ language: "typescript", content: result.code });
  await window.showTextDocument(doc, { viewColumn: ViewColumn.Beside, preview: true, preserveFocus: true });
}

export async function activate(context: ExtensionContext): Promise<void> {
  context.subscriptions.push(
    commands.registerCommand("nnc.showGeneratedTypeScript", showGeneratedTypeScript),
    commands.registerCommand("nnc.restartServer", async () => {
      await client?.stop();
      await start();
    }),
    { dispose: () => void client?.stop() },
  );
  await start();
}

export function deactivate(): Promise<void> | undefined {
  return client?.stop();
}
