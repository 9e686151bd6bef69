// `nnc lsp`: the language server, over standard input and output. It keeps
// the open documents, re-checks them as they change (and the open documents
// that import them), and answers from the shared language service.
import { createConnection, FileChangeType, TextDocumentSyncKind, TextDocuments, type InitializeResult } from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { packageVersion } from "../cli/package-file.ts";
import { semanticLegend } from "./convert.ts";
import { DiagnosticsPublisher } from "./diagnostics.ts";
import { registerFeatures } from "./features.ts";
import { Workspace } from "./workspace.ts";

export function startServer(input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): void {
  const connection = createConnection(input, output);
  // Standard output carries the protocol: anything else printed there would corrupt it.
  console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(" "));
  const documents = new TextDocuments(TextDocument);
  const ws = new Workspace();
  let canRefresh = { inlayHints: false, semanticTokens: false };
  const publisher = new DiagnosticsPublisher(connection, ws, () => {
    if (canRefresh.inlayHints) void connection.languages.inlayHint.refresh();
    if (canRefresh.semanticTokens) void connection.languages.semanticTokens.refresh();
  });
  registerFeatures(connection, ws);

  connection.onInitialize((params): InitializeResult => {
    const workspaceCaps = params.capabilities.workspace;
    canRefresh = { inlayHints: !!workspaceCaps?.inlayHint?.refreshSupport, semanticTokens: !!workspaceCaps?.semanticTokens?.refreshSupport };
    const roots = params.workspaceFolders ? params.workspaceFolders.map((f) => f.uri) : params.rootUri ? [params.rootUri] : [];
    ws.setRoots(roots.filter((u) => u.startsWith("file:")).map((u) => ws.pathOf(u)));
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ["(", ",", ">"] },
        signatureHelpProvider: { triggerCharacters: ["(", ","], retriggerCharacters: [":"] },
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        documentFormattingProvider: true,
        semanticTokensProvider: { legend: semanticLegend, full: true },
        inlayHintProvider: true,
      },
      serverInfo: { name: "nnc", version: packageVersion() },
    };
  });

  documents.onDidOpen(({ document }) => publisher.schedule(ws.update(document), document.uri));
  documents.onDidChangeContent(({ document }) => publisher.schedule(ws.update(document), document.uri));
  documents.onDidClose(({ document }) => {
    publisher.clear(document.uri);
    publisher.schedule(ws.close(document.uri));
  });
  // Files the client watches (VS Code: **/*.nn): an imported file saved by another program re-checks its importers.
  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const c of changes) if (c.type === FileChangeType.Changed || c.type === FileChangeType.Created || c.type === FileChangeType.Deleted) publisher.schedule(ws.changedOnDisk(ws.pathOf(c.uri)));
  });

  documents.listen(connection);
  connection.listen();
}
