// The requests an editor sends about a document, each answered by the
// shared language service (compiler/service/) from the document's latest
// analysis, and converted to the protocol's shapes.
import { ErrorCodes, MarkupKind, ResponseError, type Connection, type Location, type TextEdit, type WorkspaceEdit } from "vscode-languageserver/node";
import type { Analysis } from "../compiler/service/analysis.ts";
import { complete } from "../compiler/service/completion.ts";
import { definition } from "../compiler/service/definition.ts";
import { hover } from "../compiler/service/hover.ts";
import { inlayHints } from "../compiler/service/inlay-hints.ts";
import { references, symbolAt } from "../compiler/service/references.ts";
import { rename } from "../compiler/service/rename.ts";
import { semanticTokens } from "../compiler/service/semantic-tokens.ts";
import { signatureHelp } from "../compiler/service/signature-help.ts";
import { documentSymbols } from "../compiler/service/symbols.ts";
import { completionItem, documentSymbol, encodeSemanticTokens, inlayHint, location } from "./convert.ts";
import { GENERATED_TYPESCRIPT, generatedTypeScript, type GeneratedTypeScriptParams } from "./generated-code.ts";
import type { LineIndex } from "./line-index.ts";
import type { Workspace } from "./workspace.ts";

interface Opened {
  analysis: Analysis;
  lines: LineIndex;
}

/**
 * Wraps a handler: the document's analysis and line index, or null when it
 * is not open; an exception from the service is logged and answered with
 * null, since no answer is better than a request that never settles.
 */
function withDocument<P extends { textDocument: { uri: string } }, R>(connection: Connection, ws: Workspace, answer: (doc: Opened, params: P) => R | Promise<R>) {
  return async (params: P): Promise<R | null> => {
    const analysis = ws.analysisOf(params.textDocument.uri);
    const lines = ws.lines(ws.pathOf(params.textDocument.uri));
    if (!analysis || !lines) return null;
    try {
      return await answer({ analysis, lines }, params);
    } catch (e) {
      if (e instanceof ResponseError) throw e;
      connection.console.error(`nnc lsp: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return null;
    }
  };
}

/** References and rename look in the declaring file and in every known file that mentions the name. */
function analysesFor(ws: Workspace, analysis: Analysis, name: string, declaredIn: string): Analysis[] {
  const others = ws.analysesMentioning(name, [declaredIn]).filter((a) => a.filename !== analysis.filename);
  return [analysis, ...others];
}

export function registerFeatures(connection: Connection, ws: Workspace): void {
  connection.onHover(
    withDocument(connection, ws, ({ analysis, lines }, p) => {
      const h = hover(analysis, lines.offset(p.position));
      return h ? { contents: { kind: MarkupKind.Markdown, value: h.contents.join("\n\n") }, range: lines.range(h.start, h.end) } : null;
    }),
  );

  connection.onCompletion(withDocument(connection, ws, ({ analysis, lines }, p) => complete(analysis, lines.offset(p.position)).map(completionItem)));

  connection.onSignatureHelp(
    withDocument(connection, ws, ({ analysis, lines }, p) => {
      const help = signatureHelp(analysis, lines.offset(p.position));
      if (!help) return null;
      const signature = { label: help.label, documentation: help.documentation, parameters: help.parameters.map((q) => ({ label: q.label, ...(q.documentation ? { documentation: q.documentation } : {}) })) };
      return { signatures: [signature], activeSignature: 0, activeParameter: help.active < 0 ? null : help.active };
    }),
  );

  connection.onDefinition(
    withDocument(connection, ws, ({ analysis, lines }, p) => {
      const span = definition(analysis, lines.offset(p.position));
      return (span && location(ws, span)) ?? null;
    }),
  );

  connection.onReferences(
    withDocument(connection, ws, ({ analysis, lines }, p): Location[] => {
      const at = symbolAt(analysis, lines.offset(p.position));
      if (!at) return [];
      const refs = references(analysesFor(ws, analysis, at.target.name, at.target.file), at.target);
      return refs.filter((r) => p.context.includeDeclaration || !r.isDeclaration).flatMap((r) => location(ws, r.span) ?? []);
    }),
  );

  connection.onPrepareRename(
    withDocument(connection, ws, ({ analysis, lines }, p) => {
      const at = symbolAt(analysis, lines.offset(p.position));
      return at ? { range: lines.range(at.span.start, at.span.end), placeholder: at.target.name } : null;
    }),
  );

  connection.onRenameRequest(
    withDocument(connection, ws, ({ analysis, lines }, p): WorkspaceEdit => {
      const at = symbolAt(analysis, lines.offset(p.position));
      if (!at) throw new ResponseError(ErrorCodes.InvalidRequest, "nothing to rename here: a binding, input, const, parameter, block or model can be renamed");
      const result = rename(analysesFor(ws, analysis, at.target.name, at.target.file), at.target, p.newName);
      if ("error" in result) throw new ResponseError(ErrorCodes.InvalidRequest, result.error);
      const changes: Record<string, TextEdit[]> = {};
      for (const e of result.edits) {
        const loc = location(ws, e.span);
        if (loc) (changes[loc.uri] ??= []).push({ range: loc.range, newText: e.newText });
      }
      return { changes };
    }),
  );

  connection.onDocumentSymbol(withDocument(connection, ws, ({ analysis, lines }) => documentSymbols(analysis).map((s) => documentSymbol(lines, s))));

  connection.onDocumentFormatting(
    withDocument(connection, ws, async ({ analysis, lines }, p) => {
      const { formatNn } = await import("../compiler/format/index.ts");
      const doc = ws.document(p.textDocument.uri)!;
      const text = doc.getText();
      let formatted: string;
      try {
        formatted = await formatNn(text);
      } catch {
        // Text that does not parse is left as it is; its diagnostics say why.
        return [];
      }
      if (formatted === text) return [];
      return [{ range: { start: { line: 0, character: 0 }, end: lines.position(analysis.source.length) }, newText: formatted }];
    }),
  );

  connection.languages.semanticTokens.on(withDocument(connection, ws, ({ analysis, lines }) => ({ data: encodeSemanticTokens(lines, analysis.source, semanticTokens(analysis)) })));

  connection.languages.inlayHint.on(
    withDocument(connection, ws, ({ analysis, lines }, p) => inlayHints(analysis, lines.offset(p.range.start), lines.offset(p.range.end)).map((h) => inlayHint(lines, h))),
  );

  connection.onRequest(GENERATED_TYPESCRIPT, (p: GeneratedTypeScriptParams) => generatedTypeScript(ws, p));
}
