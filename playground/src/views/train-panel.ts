// The Train tab: the data (bundled, or the user's file), settings, Train
// and Stop, a status line, the live chart, and afterwards a digit pad whose
// drawing the trained model classifies (MNIST) or the metrics and the
// weights to download (the user's file).
import type { TrainRequest, TrainResponse } from "../language/protocol.ts";
import { DataPanel } from "./data-panel.ts";
import { DigitPad } from "./digit-pad.ts";
import { LossChart } from "./loss-chart.ts";
import { MetricsView } from "./metrics-view.ts";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export class TrainPanel {
  private readonly chart = new LossChart($("chart"));
  private readonly status = $("train-status");
  private readonly trainButton = $<HTMLButtonElement>("train-button");
  private readonly stopButton = $<HTMLButtonElement>("stop-button");
  private readonly bars = $("prediction");
  private header = "";
  /** The last held-out accuracy reported (bundled data: every slice; a file: every epoch). */
  private accuracy: number | undefined;
  private readonly metrics = new MetricsView();
  private readonly data: DataPanel;

  constructor(
    private readonly post: (m: TrainRequest) => void,
    private readonly source: () => string,
  ) {
    this.trainButton.addEventListener("click", () => this.start());
    this.stopButton.addEventListener("click", () => this.post({ type: "stop" }));
    const pad = new DigitPad($<HTMLCanvasElement>("digit"), (pixels) => this.post({ type: "predict", pixels }));
    $("clear-digit").addEventListener("click", () => {
      pad.clear();
      this.bars.replaceChildren();
    });
    // A second kernel thread pays where a core is free for it (docs/kernels.md): the page and the training worker hold two.
    $<HTMLSelectElement>("threads").value = crossOriginIsolated && navigator.hardwareConcurrency >= 4 ? "2" : "1";
    this.data = new DataPanel(
      (file, source) => this.post({ type: "inspect", source, ...file }),
      this.source,
      (usingFile) => {
        // Whole epochs over a file; a number of steps over bundled data.
        $("steps-setting").hidden = usingFile;
        $("epochs-setting").hidden = !usingFile;
        $("split-setting").hidden = !usingFile;
        this.metrics.clear();
      },
    );
    this.setState("idle", "Press Train to compile the model in a worker and train it on bundled data, or choose your own file.");
  }

  /** The tab is shown again (the model may have been edited meanwhile). */
  shown(): void {
    this.data.shown();
  }

  private number(id: string): number {
    return Number(($(id) as HTMLInputElement).value);
  }

  private start(): void {
    this.chart.reset();
    $("draw").hidden = true;
    this.metrics.clear();
    this.setState("compiling", "Generating code and loading data…");
    const threads = this.number("threads") === 2 ? 2 : 1;
    const file = this.data.selected();
    const data = file ? { ...file, epochs: this.number("epochs"), valSplit: this.number("val-split") } : undefined;
    this.post({ type: "train", source: this.source(), steps: this.number("steps"), batch: this.number("batch"), lr: this.number("lr"), threads, ...(data ? { data } : {}) });
  }

  private setState(state: "idle" | "compiling" | "training" | "done" | "failed", text: string): void {
    this.status.dataset.state = state;
    this.status.textContent = text;
    const busy = state === "compiling" || state === "training";
    this.trainButton.disabled = busy;
    this.stopButton.disabled = !busy;
  }

  handle(m: TrainResponse): void {
    switch (m.type) {
      case "started":
        this.accuracy = undefined;
        this.header = `${m.model} (${m.params.toLocaleString("en-US")} parameters) on ${m.data}`;
        this.status.dataset.kernels = `${m.kernels.set}${m.kernels.fma ? " FMA" : ""}`;
        this.status.dataset.threads = String(m.kernels.threads);
        $("train-kernels").textContent = `Kernels: ${m.kernels.set === "wasm" ? `WebAssembly SIMD${m.kernels.fma ? " (relaxed, FMA)" : ""}` : "JavaScript"}${m.kernels.threads === 2 ? ", 2 threads" : ""}`;
        this.setState("training", `Training ${this.header}`);
        $("draw").dataset.available = String(m.canDraw);
        break;
      case "progress": {
        this.chart.add(m.report);
        const last = m.report.steps[m.report.steps.length - 1];
        if (m.report.accuracy !== undefined) this.accuracy = m.report.accuracy;
        const accuracy = this.accuracy !== undefined ? ` · held-out accuracy ${(this.accuracy * 100).toFixed(1)}%` : "";
        this.setState("training", `Training ${this.header} — step ${m.step}/${m.total} · loss ${last ? last.loss.toFixed(3) : "–"}${accuracy} · ${m.report.stepsPerSecond.toFixed(1)} steps/s`);
        break;
      }
      case "finished":
        this.setState("done", `${this.status.textContent ?? ""} — ${m.reason}.`);
        if (m.helper) {
          Object.assign(this.status.dataset, { helperSplit: m.helper.split, helperWoken: m.helper.woken, helperChunks: m.helper.chunks });
          $("train-kernels").textContent += ` (the second thread shared ${m.helper.split} products, computing ${m.helper.chunks} chunks)`;
        }
        $("draw").hidden = $("draw").dataset.available !== "true";
        if (m.result) this.metrics.show(m.result);
        break;
      case "data":
        this.data.showReport(m.report);
        break;
      case "data-progress":
        this.data.showProgress(m.file, m.what);
        break;
      case "data-failed":
        this.data.showError(m.file, m.message);
        break;
      case "failed":
        this.setState("failed", m.message);
        break;
      case "prediction":
        this.showPrediction(m.probabilities);
        break;
      default:
        break;
    }
  }

  private showPrediction(p: number[]): void {
    const best = p.indexOf(Math.max(...p));
    this.bars.replaceChildren(
      ...p.map((v, digit) => {
        const row = document.createElement("div");
        row.className = digit === best ? "bar best" : "bar";
        row.innerHTML = `<span>${digit}</span><span class="fill" style="width:${(v * 100).toFixed(1)}%"></span><span>${(v * 100).toFixed(0)}%</span>`;
        return row;
      }),
    );
    this.bars.dataset.prediction = String(best);
  }
}
