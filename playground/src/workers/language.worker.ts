// The language worker: checks the editor's text off the main thread, so
// typing never waits for the checker, and answers hover, completion and
// definition requests against the latest check.
import { analyze, type Analysis } from "../../../compiler/service/analysis.ts";
import { complete } from "../../../compiler/service/completion.ts";
import { definition } from "../../../compiler/service/definition.ts";
import { markers } from "../../../compiler/service/diagnostics.ts";
import { modelGraph } from "../language/graph.ts";
import { hover } from "../../../compiler/service/hover.ts";
import { EDITED_FILE, examples } from "../language/examples.ts";
import type { AnalysisMessage, LanguageRequest, LanguageResponse } from "../language/protocol.ts";
import { formatSummary, summarize } from "../../../compiler/summary.ts";

const scope = self as unknown as { onmessage: (e: MessageEvent<LanguageRequest>) => void; postMessage(m: LanguageResponse): void };
let latest: Analysis = analyze("", EDITED_FILE, examples);

function update(version: number, source: string): AnalysisMessage {
  const started = performance.now();
  try {
    latest = analyze(source, EDITED_FILE, examples);
    const checkMs = performance.now() - started;
    const models = latest.result.models;
    return { type: "analysis", version, markers: markers(latest), graphs: models.map((m) => modelGraph(m, EDITED_FILE)), summaries: models.map((m) => formatSummary(summarize(m))), checkMs };
  } catch (e) {
    // A checker bug must not leave the editor silent: it becomes the one marker.
    latest = analyze("", EDITED_FILE, examples);
    const message = `internal error in the checker: ${e instanceof Error ? e.message : String(e)}`;
    return { type: "analysis", version, markers: [{ start: 0, end: 0, severity: "error", code: "internal", message, line: 1, column: 1 }], graphs: [], summaries: [], checkMs: performance.now() - started };
  }
}

function answer(req: Exclude<LanguageRequest, { type: "update" }>): Extract<LanguageResponse, { type: "reply" }>["result"] {
  switch (req.type) {
    case "hover":
      return hover(latest, req.offset);
    case "complete":
      return complete(latest, req.offset);
    case "definition": {
      const span = definition(latest, req.offset);
      // The examples have no editor of their own: a definition in one of them is not shown.
      return span && span.file === EDITED_FILE ? { start: span.start, end: span.end } : undefined;
    }
  }
}

scope.onmessage = ({ data: req }) => {
  if (req.type === "update") return scope.postMessage(update(req.version, req.source));
  let result: Extract<LanguageResponse, { type: "reply" }>["result"];
  try {
    result = answer(req);
  } catch {
    // No hover or completion is better than a promise that never settles.
    result = undefined;
  }
  scope.postMessage({ type: "reply", id: req.id, result });
};
