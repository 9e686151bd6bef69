// Monaco providers for .nn that delegate to the language worker: hover,
// completion, go to definition and formatting (the project's Prettier-based
// formatter, loaded on first use), and markers from each analysis.
import type { CompletionItem } from "../../../compiler/service/completion.ts";
import type { Hover } from "../../../compiler/service/hover.ts";
import type { Marker } from "../../../compiler/service/diagnostics.ts";
import type { LanguageClient } from "./language-client.ts";
import { monaco } from "./monaco.ts";
import { NN } from "./nn-language.ts";

type Model = import("monaco-editor").editor.ITextModel;

const range = (model: Model, start: number, end: number) => monaco.Range.fromPositions(model.getPositionAt(start), model.getPositionAt(end));

const kinds: Record<CompletionItem["kind"], number> = {
  layer: monaco.languages.CompletionItemKind.Function,
  option: monaco.languages.CompletionItemKind.Property,
  name: monaco.languages.CompletionItemKind.Variable,
  block: monaco.languages.CompletionItemKind.Class,
  keyword: monaco.languages.CompletionItemKind.Keyword,
  const: monaco.languages.CompletionItemKind.Constant,
};

export function registerProviders(client: LanguageClient): void {
  monaco.languages.registerHoverProvider(NN, {
    async provideHover(model, position) {
      const h = (await client.request("hover", model.getValue(), model.getOffsetAt(position))) as Hover | undefined;
      return h && { range: range(model, h.start, h.end), contents: h.contents.map((value) => ({ value })) };
    },
  });
  monaco.languages.registerCompletionItemProvider(NN, {
    triggerCharacters: ["(", ",", ">", " "],
    async provideCompletionItems(model, position) {
      const items = ((await client.request("complete", model.getValue(), model.getOffsetAt(position))) as CompletionItem[] | undefined) ?? [];
      const word = model.getWordUntilPosition(position);
      const replace = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn);
      return {
        suggestions: items.map((i, n) => ({
          label: { label: i.label, description: i.detail },
          kind: kinds[i.kind],
          insertText: i.insertText,
          ...(i.documentation ? { documentation: i.documentation } : {}),
          detail: i.detail,
          range: replace,
          sortText: String(n).padStart(4, "0"),
        })),
      };
    },
  });
  monaco.languages.registerDefinitionProvider(NN, {
    async provideDefinition(model, position) {
      const span = (await client.request("definition", model.getValue(), model.getOffsetAt(position))) as { start: number; end: number } | undefined;
      return span && { uri: model.uri, range: range(model, span.start, span.end) };
    },
  });
  monaco.languages.registerDocumentFormattingEditProvider(NN, {
    async provideDocumentFormattingEdits(model) {
      const { formatNn } = await import("../../../compiler/format/index.ts");
      const text = await formatNn(model.getValue());
      return [{ range: model.getFullModelRange(), text }];
    },
  });
}

export function setMarkers(model: Model, markers: Marker[]): void {
  monaco.editor.setModelMarkers(
    model,
    NN,
    markers.map((m) => {
      const r = range(model, m.start, Math.max(m.end, m.start + 1));
      return { ...r, startLineNumber: r.startLineNumber, severity: m.severity === "error" ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning, message: m.message, code: m.code, source: "nnc" };
    }),
  );
}
