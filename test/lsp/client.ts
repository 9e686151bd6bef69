// A JSON-RPC client for the protocol tests: starts `nnc lsp` (from the
// sources, through bin/nnc.js) or any command as a child process, and
// speaks LSP to it over its standard input and output, as an editor does.
import { spawn, type ChildProcess } from "node:child_process";
import { pathToFileURL } from "node:url";
import { createProtocolConnection, type Diagnostic, type InitializeResult, type ProtocolConnection, type PublishDiagnosticsParams } from "vscode-languageserver/node";

export const repo = new URL("../..", import.meta.url).pathname;
export const uriOf = (path: string) => pathToFileURL(path).href;

export class LspClient {
  private readonly published = new Map<string, PublishDiagnosticsParams[]>();
  private readonly waiters: { uri: string; test: (p: PublishDiagnosticsParams) => boolean; done: (p: PublishDiagnosticsParams) => void }[] = [];
  private readonly versions = new Map<string, number>();
  /** What the server wrote to standard error, for failure messages. */
  stderr = "";
  /** The server's window/logMessage notifications. */
  readonly logs: string[] = [];
  /** The refresh requests the server sent (workspace/inlayHint/refresh, workspace/semanticTokens/refresh). */
  readonly refreshes: string[] = [];
  initialized!: InitializeResult;

  private constructor(
    private readonly child: ChildProcess,
    readonly connection: ProtocolConnection,
  ) {
    child.stderr!.on("data", (d: Buffer) => (this.stderr += d.toString()));
    connection.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
      this.published.set(p.uri, [...(this.published.get(p.uri) ?? []), p]);
      for (const w of [...this.waiters]) {
        if (w.uri === p.uri && w.test(p)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.done(p);
        }
      }
    });
    connection.onNotification("window/logMessage", (p: { message: string }) => void this.logs.push(p.message));
    for (const method of ["workspace/inlayHint/refresh", "workspace/semanticTokens/refresh"]) connection.onRequest(method, () => void this.refreshes.push(method));
    connection.onRequest("workspace/configuration", () => []);
    connection.onRequest("client/registerCapability", () => null);
    connection.listen();
  }

  /** Starts a server (by default `node bin/nnc.js lsp --stdio`) and initializes it with `root` as the workspace folder. */
  static async start(root: string, command: string[] = [process.execPath, `${repo}bin/nnc.js`, "lsp", "--stdio"]): Promise<LspClient> {
    const child = spawn(command[0]!, command.slice(1), { stdio: ["pipe", "pipe", "pipe"] });
    const client = new LspClient(child, createProtocolConnection(child.stdout!, child.stdin!));
    // A server that exits instead of answering fails the start at once, with what it printed.
    const exited = new Promise<never>((_, fail) => child.once("exit", (code) => fail(new Error(`${command.join(" ")} exited with ${code} before answering initialize:\n${client.stderr}`))));
    const initialize = client.connection.sendRequest("initialize", {
      processId: process.pid,
      rootUri: uriOf(root),
      workspaceFolders: [{ uri: uriOf(root), name: "test" }],
      capabilities: {
        textDocument: { publishDiagnostics: { relatedInformation: true }, rename: { prepareSupport: true } },
        workspace: { inlayHint: { refreshSupport: true }, semanticTokens: { refreshSupport: true } },
      },
    }) as Promise<InitializeResult>;
    client.initialized = await Promise.race([initialize, exited]);
    exited.catch(() => {}); // once initialized, an exit is stop()'s business
    await client.connection.sendNotification("initialized", {});
    return client;
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  open(path: string, text: string): Promise<void> {
    this.versions.set(uriOf(path), 1);
    return this.connection.sendNotification("textDocument/didOpen", { textDocument: { uri: uriOf(path), languageId: "nn", version: 1, text } });
  }

  /** Replaces the whole text; returns the new version. */
  async change(path: string, text: string): Promise<number> {
    const version = (this.versions.get(uriOf(path)) ?? 0) + 1;
    this.versions.set(uriOf(path), version);
    await this.connection.sendNotification("textDocument/didChange", { textDocument: { uri: uriOf(path), version }, contentChanges: [{ text }] });
    return version;
  }

  /** Inserts text at a position (an incremental change, as editors send keystrokes); returns the new version. */
  async type(path: string, line: number, character: number, text: string): Promise<number> {
    const version = (this.versions.get(uriOf(path)) ?? 0) + 1;
    this.versions.set(uriOf(path), version);
    const at = { line, character };
    await this.connection.sendNotification("textDocument/didChange", { textDocument: { uri: uriOf(path), version }, contentChanges: [{ range: { start: at, end: at }, text }] });
    return version;
  }

  close(path: string): Promise<void> {
    return this.connection.sendNotification("textDocument/didClose", { textDocument: { uri: uriOf(path) } });
  }

  /** The latest diagnostics published for `path` that pass `test`, or the next ones that do. */
  diagnostics(path: string, test: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 20_000): Promise<Diagnostic[]> {
    const seen = (this.published.get(uriOf(path)) ?? []).filter(test).pop();
    return seen ? Promise.resolve(seen.diagnostics) : this.nextDiagnostics(path, test, timeoutMs);
  }

  /** The next diagnostics published for `path` that pass `test` (by default: any). */
  nextDiagnostics(path: string, test: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 20_000): Promise<Diagnostic[]> {
    const uri = uriOf(path);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${path} within ${timeoutMs} ms; server log:\n${this.stderr}`)), timeoutMs);
      this.waiters.push({ uri, test, done: (p) => (clearTimeout(timer), resolve(p.diagnostics)) });
    });
  }

  /** Diagnostics for exactly this version of the document. */
  diagnosticsOf(path: string, version: number): Promise<Diagnostic[]> {
    return this.diagnostics(path, (p) => p.version === version);
  }

  async stop(): Promise<void> {
    await this.connection.sendRequest("shutdown");
    await this.connection.sendNotification("exit");
    await new Promise<void>((done) => (this.child.exitCode !== null ? done() : this.child.once("exit", () => done())));
    this.connection.dispose();
  }
}
