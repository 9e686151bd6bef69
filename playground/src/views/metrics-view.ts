// After training on the user's file: the metrics of the held-out examples
// (accuracy and a confusion matrix by class name, or MSE and MAE), as
// `nnc train` prints them, and "Download weights" for the .safetensors file.
import type { UserRunReport } from "../language/protocol.ts";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const num = (x: number) => (Math.abs(x) >= 1e5 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(3) : x.toFixed(4));

const cell = (tag: "td" | "th", text: string) => {
  const c = document.createElement(tag);
  c.textContent = text;
  return c;
};

export class MetricsView {
  private readonly host = $("data-result");
  private url: string | undefined;

  clear(): void {
    this.host.hidden = true;
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = undefined;
  }

  show(r: UserRunReport): void {
    this.clear();
    this.host.hidden = false;
    const m = r.metrics;
    const line = $("metrics-line");
    if (!m) line.textContent = "No training step ran: no metrics.";
    else {
      const parts = [`loss ${num(m.loss)}`];
      if (m.accuracy !== undefined) parts.push(`accuracy ${pct(m.accuracy)}`);
      if (m.mse !== undefined) parts.push(`MSE ${num(m.mse)}`, `MAE ${num(m.mae!)}`);
      line.textContent = `${r.label}: ${parts.join(" · ")} on ${m.count} examples${r.validationCount ? ` (held out; trained on ${r.trainCount})` : ""}`;
      Object.assign(line.dataset, { loss: String(m.loss), ...(m.accuracy !== undefined ? { accuracy: String(m.accuracy) } : {}), ...(m.mse !== undefined ? { mse: String(m.mse), mae: String(m.mae) } : {}) });
    }
    this.confusion(m?.confusion, r.classNames);
    const button = $<HTMLAnchorElement>("download-weights");
    button.hidden = !r.weights;
    $("weights-note").textContent = r.weights
      ? "a .safetensors file with the class names and standardisation statistics, for nnc predict --load"
      : "No weights to download: no training step ran, or the weights are not all finite (try a lower learning rate).";
    if (r.weights) {
      this.url = URL.createObjectURL(new Blob([r.weights.slice()], { type: "application/octet-stream" }));
      button.href = this.url;
      button.download = r.weightsName;
    }
  }

  /** Rows are true classes, columns predicted ones, with each class's recall; left out past 20 classes. */
  private confusion(confusion: number[][] | undefined, names: string[] | undefined): void {
    const table = $<HTMLTableElement>("confusion");
    table.replaceChildren();
    if (!confusion || confusion.length > 20) return;
    const label = (i: number) => names?.[i] ?? String(i);
    const head = document.createElement("tr");
    head.append(cell("th", "true \\ predicted"), ...confusion.map((_, i) => cell("th", label(i))), cell("th", "recall"));
    table.append(head);
    confusion.forEach((row, i) => {
      const total = row.reduce((a, b) => a + b, 0);
      if (total === 0 && !confusion.some((r) => r[i]! > 0)) return;
      const tr = document.createElement("tr");
      tr.append(cell("th", label(i)), ...row.map((v, j) => {
        const c = cell("td", String(v));
        if (i === j) c.className = "diagonal";
        return c;
      }), cell("td", total ? pct(row[i]! / total) : "-"));
      table.append(tr);
    });
  }
}
