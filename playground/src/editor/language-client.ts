// The page's side of the language worker: sends the text on every change
// (the worker keeps only the latest) and turns hover, completion and
// definition requests into promises.
import type { AnalysisMessage, LanguageRequest, LanguageResponse } from "../language/protocol.ts";
import LanguageWorker from "../workers/language.worker.ts?worker";

type Reply = Extract<LanguageResponse, { type: "reply" }>["result"];

export class LanguageClient {
  private readonly worker = new LanguageWorker();
  private nextId = 1;
  private version = 0;
  private sent: string | undefined;
  private readonly pending = new Map<number, (r: Reply) => void>();

  constructor(onAnalysis: (a: AnalysisMessage) => void, onFailure: (message: string) => void) {
    this.worker.onerror = (e) => onFailure(`the language worker failed: ${e.message || "it could not start"}`);
    this.worker.onmessage = ({ data }: MessageEvent<LanguageResponse>) => {
      if (data.type === "analysis") {
        // Results of text that has since changed are dropped: a newer one is on its way.
        if (data.version === this.version) onAnalysis(data);
        return;
      }
      this.pending.get(data.id)?.(data.result);
      this.pending.delete(data.id);
    };
  }

  update(source: string): void {
    this.sent = source;
    this.post({ type: "update", version: ++this.version, source });
  }

  /** Asks about `source` (the editor's current text: sent first when the worker has not seen it yet). */
  request(type: "hover" | "complete" | "definition", source: string, offset: number): Promise<Reply> {
    if (source !== this.sent) this.update(source);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.post({ type, id, offset });
    });
  }

  private post(m: LanguageRequest): void {
    this.worker.postMessage(m);
  }
}
