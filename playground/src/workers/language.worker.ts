// The language worker: checks the editor's text off the main thread, so
// typing never waits for the checker, and answers hover, completion and
// definition requests against the latest check.
import { analyze, type Analysis } from "../language/analysis.ts";
import { complete } from "../language/completion.ts";
import { definition } from "../language/definition.ts";
import { markers } from "../language/diagnostics.ts";
import { modelGraph } from "../language/graph.ts";
import { hover } from "../language/hover.ts";
import { EDITED_FILE, examples } from "../language/examples.ts";
import type { LanguageRequest, LanguageResponse } from "../language/protocol.ts";
import { formatSummary, summarize } from "../../../compiler/summary.ts";

const scope = self as unknown as { onmessage: (e: MessageEvent<LanguageRequest>) => void; postMessage(m: LanguageResponse): void };
let latest: Analysis = analyze("", EDITED_FILE, examples);

scope.onmessage = ({ data: req }) => {
  switch (req.type) {
    case "update": {
      const started = performance.now();
      latest = analyze(req.source, EDITED_FILE, examples);
      const checkMs = performance.now() - started;
      const models = latest.result.models;
      scope.postMessage({
        type: "analysis",
        version: req.version,
        markers: markers(latest),
        graphs: models.map((m) => modelGraph(m, EDITED_FILE)),
        summaries: models.map((m) => formatSummary(summarize(m))),
        checkMs,
      });
      break;
    }
    case "hover":
      scope.postMessage({ type: "reply", id: req.id, result: hover(latest, req.offset) });
      break;
    case "complete":
      scope.postMessage({ type: "reply", id: req.id, result: complete(latest, req.offset) });
      break;
    case "definition": {
      const span = definition(latest, req.offset);
      scope.postMessage({ type: "reply", id: req.id, result: span && { start: span.start, end: span.end } });
      break;
    }
  }
};
