// Publishing diagnostics: a changed document, and every open document whose
// check read it, are re-checked shortly after the last change. Checks run
// one document per turn of the event loop, so messages that arrive in
// between (more keystrokes, a hover) are read before the next check, and a
// document changed again meanwhile is checked once, at its latest text.
import type { Connection } from "vscode-languageserver/node";
import { problems } from "../compiler/service/diagnostics.ts";
import { diagnostic } from "./convert.ts";
import type { Workspace } from "./workspace.ts";

/** Keystrokes closer together than this are checked once. */
const SETTLE_MS = 30;

export class DiagnosticsPublisher {
  private readonly pending = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  /** An edit changed documents other than itself (the files that import it): their views must be asked for again. */
  private othersChanged = false;

  /** `refresh` asks the client to request inlay hints and semantic tokens again (where it supports that). */
  constructor(
    private readonly connection: Connection,
    private readonly ws: Workspace,
    private readonly refresh: () => void = () => {},
  ) {}

  /**
   * Checks these documents soon, `edited` (the document whose text changed,
   * if any) first. The others are files whose text did not change but
   * whose imports did: their shapes may have changed all the same.
   */
  schedule(uris: string[], edited?: string): void {
    if (edited && uris.includes(edited)) this.pending.add(edited);
    for (const u of uris) this.pending.add(u);
    if (uris.some((u) => u !== edited)) this.othersChanged = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drain();
    }, SETTLE_MS);
  }

  /** A closed document's diagnostics are cleared. */
  clear(uri: string): void {
    this.pending.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  private drain(): void {
    if (this.running) return;
    const next = this.pending.values().next();
    if (next.done) return;
    this.pending.delete(next.value);
    this.running = true;
    try {
      this.publish(next.value);
    } finally {
      this.running = false;
    }
    if (this.pending.size) setImmediate(() => this.drain());
    else if (this.othersChanged) {
      this.othersChanged = false;
      this.refresh();
    }
  }

  private publish(uri: string): void {
    const doc = this.ws.document(uri);
    if (!doc) return;
    let diagnostics;
    const started = performance.now();
    try {
      const analysis = this.ws.analysisOf(uri);
      const lines = this.ws.lines(this.ws.pathOf(uri));
      diagnostics = analysis && lines ? problems(analysis).map((p) => diagnostic(this.ws, lines, p)) : [];
    } catch (e) {
      // A checker bug must not leave the editor silent: it becomes the one diagnostic.
      const message = `internal error in the checker: ${e instanceof Error ? e.message : String(e)}`;
      diagnostics = [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 1 as const, source: "nnc", message }];
    }
    void this.connection.sendDiagnostics({ uri, version: doc.version, diagnostics });
    // In the editor's log (VS Code: the nnc output channel), for anyone wondering where the time goes.
    this.connection.console.log(`checked ${this.ws.pathOf(uri)} (version ${doc.version}) in ${(performance.now() - started).toFixed(0)} ms: ${diagnostics.length} diagnostic${diagnostics.length === 1 ? "" : "s"}`);
  }
}
