// The playground page: the editor on the left; graph, summary, generated
// code and training on the right. Checking runs in the language worker on
// every edit; code generation and training in the training worker.
import { monaco } from "./editor/monaco.ts";
import { NN, registerNnLanguage } from "./editor/nn-language.ts";
import { LanguageClient } from "./editor/language-client.ts";
import { registerProviders, setMarkers } from "./editor/providers.ts";
import { conf as tsConf, language as tsLanguage } from "monaco-editor/languages/definitions/typescript/typescript";
import { examples } from "./language/examples.ts";
import type { AnalysisMessage, TrainRequest, TrainResponse } from "./language/protocol.ts";
import type { ModelGraph } from "./language/graph.ts";
import { loadSource, saveSource } from "./state/persist.ts";
import { GraphView } from "./views/graph-view.ts";
import { TrainPanel } from "./views/train-panel.ts";
import TrainWorker from "./workers/train.worker.ts?worker";
import "./style.css";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const DEFAULT_EXAMPLE = "lenet.nn";

registerNnLanguage();
// Generated code is shown with TypeScript's colours but without its language service (and its worker).
monaco.languages.register({ id: "generated-ts" });
monaco.languages.setLanguageConfiguration("generated-ts", tsConf);
monaco.languages.setMonarchTokensProvider("generated-ts", tsLanguage);

const editor = monaco.editor.create($("editor"), {
  value: loadSource() ?? examples[DEFAULT_EXAMPLE]!,
  language: NN,
  automaticLayout: true,
  minimap: { enabled: false },
  fontSize: 14,
  scrollBeyondLastLine: false,
  fixedOverflowWidgets: true,
});
const model = editor.getModel()!;
editor.onDidChangeCursorPosition(({ position }) => ($("cursor").textContent = `Ln ${position.lineNumber}, Col ${position.column}`));

// ── checking: markers, error list, graph, summary ──
const graphView = new GraphView($("graph"), (start, end) => {
  editor.setSelection(monaco.Range.fromPositions(model.getPositionAt(start), model.getPositionAt(end)));
  editor.revealRangeInCenter(editor.getSelection()!);
  editor.focus();
});
let lastGood: { graphs: ModelGraph[]; summaries: string[] } | undefined;
let firstAnalysis = true;

function showAnalysis(a: AnalysisMessage): void {
  if (firstAnalysis) {
    firstAnalysis = false;
    // Time from navigation start to the first diagnostics on screen (the e2e test reports it).
    document.body.dataset.firstDiagnosticsMs = performance.now().toFixed(0);
  }
  setMarkers(model, a.markers);
  const errors = a.markers.filter((m) => m.severity === "error");
  $("errors").replaceChildren(
    ...a.markers.map((m) => {
      const li = document.createElement("li");
      li.className = m.severity;
      li.textContent = `${m.line}:${m.column} ${m.code} ${m.message.split("\n")[0]}`;
      li.addEventListener("click", () => {
        editor.setSelection(monaco.Range.fromPositions(model.getPositionAt(m.start), model.getPositionAt(m.end)));
        editor.focus();
      });
      return li;
    }),
  );
  $("status").textContent = `${errors.length} error${errors.length === 1 ? "" : "s"}, ${a.markers.length - errors.length} warning${a.markers.length - errors.length === 1 ? "" : "s"} · checked in ${a.checkMs.toFixed(1)} ms`;
  // A model with errors keeps its last good graph, greyed.
  const stale = errors.length > 0 || a.graphs.length === 0;
  if (!stale) lastGood = { graphs: a.graphs, summaries: a.summaries };
  $("panel-graph").classList.toggle("stale", stale && lastGood !== undefined);
  $("summary-panel-body").classList.toggle("stale", stale && lastGood !== undefined);
  if (lastGood) {
    renderGraphs(lastGood.graphs);
    $("summary").textContent = lastGood.summaries.join("\n\n");
  }
  if (!stale && activeTab === "code") requestCode();
}

const modelSelect = $<HTMLSelectElement>("model-select");
modelSelect.addEventListener("change", () => lastGood && renderGraphs(lastGood.graphs));
function renderGraphs(graphs: ModelGraph[]): void {
  const chosen = modelSelect.value;
  modelSelect.replaceChildren(...graphs.map((g) => new Option(g.model, g.model)));
  modelSelect.hidden = graphs.length < 2;
  if (graphs.some((g) => g.model === chosen)) modelSelect.value = chosen;
  const graph = graphs.find((g) => g.model === modelSelect.value) ?? graphs[0];
  if (graph) graphView.show(graph);
}

const client = new LanguageClient(showAnalysis, (message) => ($("status").textContent = message));
registerProviders(client);
let pending: ReturnType<typeof setTimeout> | undefined;
model.onDidChangeContent(() => {
  // Every edit is checked (in the worker); a short pause batches a burst of keystrokes.
  clearTimeout(pending);
  pending = setTimeout(() => {
    client.update(model.getValue());
    saveSource(model.getValue());
  }, 120);
});
client.update(model.getValue());
// Leaving within the pause still keeps the last keystrokes.
addEventListener("pagehide", () => saveSource(model.getValue()));

// ── examples, format, share ──
const exampleSelect = $<HTMLSelectElement>("examples");
exampleSelect.append(new Option("Examples…", ""), ...Object.keys(examples).sort().map((name) => new Option(name, name)));
exampleSelect.addEventListener("change", () => {
  const text = examples[exampleSelect.value];
  if (text !== undefined) editor.executeEdits("examples", [{ range: model.getFullModelRange(), text }]);
  editor.setPosition({ lineNumber: 1, column: 1 });
  exampleSelect.value = "";
});
$("format").addEventListener("click", () => editor.getAction("editor.action.formatDocument")?.run());
$("share").addEventListener("click", async () => {
  saveSource(model.getValue());
  await navigator.clipboard?.writeText(location.href).catch(() => undefined);
  $("status").textContent = "Link copied: it holds the whole source.";
});

// ── tabs, generated code, training ──
let activeTab = "graph";
for (const tab of document.querySelectorAll<HTMLButtonElement>("#tabs button")) {
  tab.addEventListener("click", () => {
    activeTab = tab.dataset.tab!;
    for (const t of document.querySelectorAll<HTMLButtonElement>("#tabs button")) t.classList.toggle("active", t === tab);
    for (const p of document.querySelectorAll<HTMLElement>(".panel")) p.hidden = p.id !== `panel-${activeTab}`;
    if (activeTab === "code") requestCode();
    if (activeTab === "train") trainPanel.shown();
  });
}

let trainWorker: Worker | undefined;
function postTrain(m: TrainRequest): void {
  if (!trainWorker) {
    trainWorker = new TrainWorker();
    trainWorker.onmessage = ({ data }: MessageEvent<TrainResponse>) => (data.type === "compiled" || data.type === "compile-failed" ? showCode(data) : trainPanel.handle(data));
    trainWorker.onerror = (e) => {
      const message = `the training worker failed: ${e.message || "it could not start"}`;
      trainPanel.handle({ type: "failed", message });
      $("code-status").textContent = message;
    };
  }
  trainWorker.postMessage(m);
}
const trainPanel = new TrainPanel(postTrain, () => model.getValue());

let codeEditor: ReturnType<typeof monaco.editor.create> | undefined;
function requestCode(): void {
  $("code-status").textContent = "Generating…";
  postTrain({ type: "compile", source: model.getValue() });
}
function showCode(m: Extract<TrainResponse, { type: "compiled" | "compile-failed" }>): void {
  if (m.type === "compile-failed") {
    $("code-status").textContent = m.message;
    return;
  }
  $("code-status").textContent = `${m.code.split("\n").length} lines of generated TypeScript`;
  codeEditor ??= monaco.editor.create($("code"), { language: "generated-ts", readOnly: true, automaticLayout: true, minimap: { enabled: false }, fontSize: 13 });
  codeEditor.setValue(m.code);
}
