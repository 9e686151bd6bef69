// The live training chart (uPlot): loss per step on the left axis, held-out
// accuracy (measured after each slice of steps) on the right. The mean loss
// of the first and last ten steps is kept on the element for the tests.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { SliceReport } from "../training/session.ts";

export class LossChart {
  private steps: number[] = [];
  private loss: number[] = [];
  private accuracy: (number | null)[] = [];
  private plot: uPlot | undefined;

  constructor(private readonly host: HTMLElement) {}

  reset(): void {
    this.steps = [];
    this.loss = [];
    this.accuracy = [];
    this.plot?.destroy();
    this.plot = new uPlot(
      {
        width: Math.max(this.host.clientWidth, 320),
        height: 220,
        scales: { x: { time: false }, acc: { range: [0, 1] } },
        series: [{ label: "step" }, { label: "loss", stroke: "#d9480f", width: 1.5 }, { label: "accuracy", stroke: "#1971c2", width: 2, scale: "acc", spanGaps: true, points: { show: true, size: 4 } }],
        axes: [{ label: "step" }, { label: "loss" }, { label: "held-out accuracy", scale: "acc", side: 1, grid: { show: false } }],
      },
      [[], [], []],
      this.host,
    );
    this.describe();
  }

  add(report: SliceReport): void {
    for (const p of report.steps) {
      this.steps.push(p.step);
      this.loss.push(p.loss);
      this.accuracy.push(null);
    }
    if (this.accuracy.length && report.accuracy !== undefined) this.accuracy[this.accuracy.length - 1] = report.accuracy;
    this.plot?.setData([this.steps, this.loss, this.accuracy]);
    this.describe();
  }

  private describe(): void {
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
    this.host.dataset.steps = String(this.steps.length);
    this.host.dataset.firstLoss = String(mean(this.loss.slice(0, 10)));
    this.host.dataset.lastLoss = String(mean(this.loss.slice(-10)));
  }
}
