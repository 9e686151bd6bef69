// The Train tab's data: bundled data by default, or the user's file, chosen
// with the file input or dropped anywhere on the page. The worker reads and
// checks the file for the model; the panel shows its fields, how they map to
// the model's inputs and targets (editable, as `--map` text), the examples
// and classes found, or the data's error with its line and field.
import type { DataReport } from "../training/user-data.ts";
import { ACCEPTED } from "../training/user-data.ts";
import type { UserFile } from "../language/protocol.ts";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const element = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
};

export class DataPanel {
  private file: File | undefined;
  private readonly input = $<HTMLInputElement>("data-file");
  private readonly map = $<HTMLInputElement>("data-map");
  private readonly details = $("data-details");
  private readonly error = $("data-error");
  private readonly summary = $("data-summary");
  /** Set while the file checks out for the model. */
  private ready = false;
  /** The model source the file was last read for. */
  private checkedFor: string | undefined;

  constructor(
    /** Asks the worker to read the file for the model in `source`. */
    private readonly inspect: (file: UserFile, source: string) => void,
    private readonly source: () => string,
    /** Called when the choice changes between bundled data and a file. */
    private readonly changed: (usingFile: boolean) => void,
  ) {
    this.input.accept = ACCEPTED;
    this.input.addEventListener("change", () => this.input.files?.[0] && this.choose(this.input.files[0]));
    $("data-apply").addEventListener("click", () => this.check());
    this.map.addEventListener("keydown", (e) => e.key === "Enter" && this.check());
    $("data-auto").addEventListener("click", () => {
      this.map.value = "";
      this.check();
    });
    $("data-bundled").addEventListener("click", () => this.clear());
    this.listenForDrops();
  }

  /** A file dropped anywhere on the page (captured before the editor sees it) is the data. */
  private listenForDrops(): void {
    const overlay = $("drop-overlay");
    const hasFiles = (e: DragEvent) => [...(e.dataTransfer?.types ?? [])].includes("Files");
    addEventListener("dragover", (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      e.stopPropagation();
      overlay.hidden = false;
    }, true);
    addEventListener("dragleave", (e) => {
      if (e.relatedTarget === null) overlay.hidden = true;
    }, true);
    addEventListener("drop", (e) => {
      overlay.hidden = true;
      const file = e.dataTransfer?.files[0];
      if (!file) return;
      e.preventDefault();
      e.stopPropagation();
      document.querySelector<HTMLButtonElement>("#tabs button[data-tab='train']")?.click();
      // The input no longer shows the file in use; choosing the same file there again must still count.
      this.input.value = "";
      this.choose(file);
    }, true);
  }

  private choose(file: File): void {
    this.file = file;
    this.map.value = "";
    $("data-name").textContent = file.name;
    $("data-chosen").hidden = false;
    $("data-map-row").hidden = false;
    this.changed(true);
    this.check();
  }

  private clear(): void {
    this.file = undefined;
    this.input.value = "";
    this.ready = false;
    $("data-chosen").hidden = true;
    $("data-map-row").hidden = true;
    this.details.hidden = true;
    this.error.hidden = true;
    $("data-panel").dataset.state = "bundled";
    this.changed(false);
  }

  /** Reads the file again for the model and the mapping as they are now. */
  check(): void {
    if (!this.file) return;
    this.ready = false;
    $("data-panel").dataset.state = "reading";
    this.summary.textContent = `Reading ${this.file.name}…`;
    this.error.hidden = true;
    this.checkedFor = this.source();
    this.inspect(this.selected()!, this.checkedFor);
  }

  /** The mapping text from the table's fields, then the file read again with it. */
  private remap(): void {
    const feeds = [...document.querySelectorAll<HTMLInputElement>("#data-mapping input[data-feed]")];
    this.map.value = feeds.map((i) => `${i.dataset.feed}=${i.value.split(",").map((f) => f.trim()).filter((f) => f !== "").join(",")}`).join("; ");
    this.check();
  }

  /** The Train tab is shown: a model edited since the file was read may map it otherwise, so read it again. */
  shown(): void {
    if (this.file && this.checkedFor !== this.source()) this.check();
  }

  /** The file and mapping to train on, or undefined for bundled data. */
  selected(): UserFile | undefined {
    return this.file ? { file: this.file, map: this.map.value.trim() } : undefined;
  }

  isReady(): boolean {
    return this.ready;
  }

  showReport(r: DataReport): void {
    this.ready = true;
    $("data-panel").dataset.state = "ready";
    this.error.hidden = true;
    this.details.hidden = false;
    const dims = Object.entries(r.dims).map(([s, v]) => `, padded to ${s} = ${v}`).join("");
    this.summary.textContent = `${r.file}: ${r.format}, ${r.count.toLocaleString("en-US")} examples${dims}. Fields: ${r.fields.join(", ")}`;
    // Each input and target's fields are editable in place (suggesting the file's fields); an edit rewrites the mapping text.
    const fields = element("datalist");
    fields.id = "data-fields";
    fields.append(...r.fields.map((f) => new Option(f)));
    const rows = r.feeds.map((f) => {
      const tr = element("tr");
      tr.dataset.name = f.name;
      const cell = element("td", undefined, "fields");
      if (f.from.startsWith("lengths of ")) cell.textContent = f.from;
      else {
        const input = element("input");
        Object.assign(input, { value: f.from, spellcheck: false, title: `the fields that feed ${f.name}, in order, separated by commas` });
        input.setAttribute("list", "data-fields");
        input.dataset.feed = f.name;
        input.addEventListener("change", () => this.remap());
        cell.append(input);
      }
      tr.append(element("td", f.role), element("td", f.spec, "spec"), element("td", "←"), cell);
      return tr;
    });
    $("data-mapping").replaceChildren(fields, ...rows);
    if (document.activeElement !== this.map) this.map.value = r.map;
    const classes = Object.entries(r.classCounts).map(([target, counts]) => {
      const names = r.classes[target];
      const list = counts.map((n, i) => `${names?.[i] ?? i} (${n})`).join(", ");
      return `${target}: ${counts.filter((n) => n > 0).length} of ${counts.length} classes found: ${list}`;
    });
    const standardized = r.standardized.length ? [`Standardised (mean 0, std 1 per feature, statistics saved with the weights): ${r.standardized.join(", ")}`] : [];
    $("data-notes").replaceChildren(...[...classes, ...standardized].map((t) => element("li", t)));
  }

  showProgress(file: string, what: string): void {
    if (!this.ready && this.file?.name === file) this.summary.textContent = `Reading ${file}… ${what}`;
  }

  showError(file: string, message: string): void {
    this.ready = false;
    $("data-panel").dataset.state = "error";
    this.summary.textContent = `${file} cannot be used as it is:`;
    this.details.hidden = true;
    this.error.hidden = false;
    this.error.textContent = message;
  }
}
