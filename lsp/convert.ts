// The service's answers (offsets into the compiler's text, spans with file
// paths) as LSP values (URIs, 0-based UTF-16 positions, enums).
import {
  CompletionItemKind,
  DiagnosticSeverity,
  InlayHintKind,
  MarkupKind,
  SymbolKind,
  type CompletionItem,
  type Diagnostic,
  type DocumentSymbol,
  type InlayHint,
  type Location,
} from "vscode-languageserver/node";
import type { Span } from "../grammar/source.ts";
import type { CompletionItem as ServiceCompletion } from "../compiler/service/completion.ts";
import type { Problem } from "../compiler/service/diagnostics.ts";
import type { InlayHint as ServiceInlayHint } from "../compiler/service/inlay-hints.ts";
import { TOKEN_MODIFIERS, TOKEN_TYPES, type SemanticToken } from "../compiler/service/semantic-tokens.ts";
import type { DocumentSymbol as ServiceSymbol } from "../compiler/service/symbols.ts";
import type { LineIndex } from "./line-index.ts";
import type { Workspace } from "./workspace.ts";

/** A span in any file, as a location (undefined when the file cannot be read). */
export function location(ws: Workspace, span: Span): Location | undefined {
  const lines = ws.lines(span.file);
  return lines && { uri: ws.uriOf(span.file), range: lines.range(span.start, span.end) };
}

export function diagnostic(ws: Workspace, lines: LineIndex, p: Problem): Diagnostic {
  const related = [...(p.origin ? [{ span: p.origin, message: "the problem is here" }] : []), ...p.related].flatMap((r) => {
    const at = location(ws, r.span);
    return at ? [{ location: at, message: r.message }] : [];
  });
  return {
    range: lines.range(p.span.start, p.span.end),
    severity: p.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: p.code,
    source: "nnc",
    message: p.hint ? `${p.message}\nhint: ${p.hint}` : p.message,
    ...(related.length ? { relatedInformation: related } : {}),
  };
}

const completionKinds: Record<ServiceCompletion["kind"], CompletionItemKind> = {
  layer: CompletionItemKind.Function,
  option: CompletionItemKind.Property,
  name: CompletionItemKind.Variable,
  block: CompletionItemKind.Class,
  keyword: CompletionItemKind.Keyword,
  const: CompletionItemKind.Constant,
};

export const completionItem = (i: ServiceCompletion, n: number): CompletionItem => ({
  label: i.label,
  kind: completionKinds[i.kind],
  detail: i.detail,
  ...(i.documentation ? { documentation: { kind: MarkupKind.Markdown, value: i.documentation } } : {}),
  insertText: i.insertText,
  // The service's order (a call's options first, then names) is the order to show.
  sortText: String(n).padStart(4, "0"),
});

const symbolKinds: Record<ServiceSymbol["kind"], SymbolKind> = {
  import: SymbolKind.Module,
  const: SymbolKind.Constant,
  block: SymbolKind.Function,
  model: SymbolKind.Class,
  input: SymbolKind.Field,
  target: SymbolKind.Field,
  binding: SymbolKind.Variable,
  output: SymbolKind.Property,
  loss: SymbolKind.Event,
  layer: SymbolKind.Method,
  instance: SymbolKind.Object,
};

export function documentSymbol(lines: LineIndex, s: ServiceSymbol): DocumentSymbol {
  return {
    name: s.name,
    ...(s.detail ? { detail: s.detail } : {}),
    kind: symbolKinds[s.kind],
    range: lines.range(s.span.start, s.span.end),
    selectionRange: lines.range(s.selection.start, s.selection.end),
    children: s.children.map((c) => documentSymbol(lines, c)),
  };
}

export const inlayHint = (lines: LineIndex, h: ServiceInlayHint): InlayHint => ({ position: lines.position(h.offset), label: h.label, kind: InlayHintKind.Type, paddingLeft: true });

export const semanticLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

/**
 * The protocol's relative encoding: five integers per token (line delta,
 * start delta, length, type, modifier bits). A token over several lines (a
 * block comment) is sent one line at a time, as clients without
 * multilineTokenSupport expect.
 */
export function encodeSemanticTokens(lines: LineIndex, text: string, tokens: SemanticToken[]): number[] {
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  const push = (start: number, end: number, type: number, bits: number) => {
    const p = lines.position(start);
    data.push(p.line - prevLine, p.line === prevLine ? p.character - prevChar : p.character, end - start, type, bits);
    prevLine = p.line;
    prevChar = p.character;
  };
  for (const t of tokens) {
    const type = TOKEN_TYPES.indexOf(t.type);
    const bits = t.modifiers.reduce((b, m) => b | (1 << TOKEN_MODIFIERS.indexOf(m)), 0);
    let start = t.start;
    for (let i = t.start; i < t.end; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      if (i > start) push(start, i, type, bits);
      start = i + 1;
    }
    if (t.end > start) push(start, t.end, type, bits);
  }
  return data;
}
