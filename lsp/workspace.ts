// The server's view of the files: open editors' text first, the disk for
// the rest. Each open document keeps its latest analysis until its text, or
// the text of a file its check read, changes; the files that import a file
// are found through those reads, so an edit to a block re-checks its users.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { resolveRelative, type CompilerHost } from "../compiler/host.ts";
import { analyze, type Analysis } from "../compiler/service/analysis.ts";
import { LineIndex } from "./line-index.ts";

/** Folders a workspace scan for `.nn` files skips: dependencies, outputs, version control. */
const SKIPPED = new Set(["node_modules", ".git", "dist", "out", "build", "coverage"]);
/** A bound on the scan, so opening a home folder cannot stall the server. */
const MAX_SCANNED = 5_000;

export class Workspace {
  private readonly docs = new Map<string, TextDocument>();
  private readonly uris = new Map<string, string>();
  /** Each open document's latest analysis, and every path its check read or tried to read. */
  private readonly analyses = new Map<string, { version: number; analysis: Analysis; reads: Set<string> }>();
  private scanned: string[] | undefined;
  /** The workspace folders, scanned for `.nn` files that may refer to a name. */
  private roots: string[] = [];

  setRoots(roots: string[]): void {
    this.roots = roots;
    this.scanned = undefined;
  }

  readonly host: CompilerHost = {
    readFile: (path) => {
      const open = this.docs.get(path);
      if (open) return open.getText();
      try {
        return readFileSync(path, "utf8");
      } catch {
        return undefined;
      }
    },
    resolve: resolveRelative,
  };

  /** The file path of a `file:` URI; other schemes (an unsaved editor) keep their URI as the name. */
  pathOf(uri: string): string {
    return uri.startsWith("file:") ? fileURLToPath(uri) : uri;
  }

  /** The URI the client knows a path by (an open document's own spelling first). */
  uriOf(path: string): string {
    return this.uris.get(path) ?? (path.startsWith("/") ? pathToFileURL(path).href : path);
  }

  /** An opened or changed document: its analysis and those of the open documents that read it are dropped. Returns the open documents to re-check. */
  update(doc: TextDocument): string[] {
    const path = this.pathOf(doc.uri);
    this.docs.set(path, doc);
    this.uris.set(path, doc.uri);
    return this.invalidate(path);
  }

  /** A closed document: its text now comes from the disk. Returns the open documents to re-check. */
  close(uri: string): string[] {
    const path = this.pathOf(uri);
    this.docs.delete(path);
    this.analyses.delete(path);
    return this.invalidate(path);
  }

  /** A file changed on disk (or was created or deleted). Returns the open documents to re-check. */
  changedOnDisk(path: string): string[] {
    this.scanned = undefined;
    return this.docs.has(path) ? [] : this.invalidate(path);
  }

  /** Drops the analyses that read `path`; returns the URIs of the open documents they belong to. */
  private invalidate(path: string): string[] {
    const stale: string[] = [];
    for (const [p, { reads }] of this.analyses) {
      if (p === path || reads.has(path)) {
        this.analyses.delete(p);
        stale.push(p);
      }
    }
    if (this.docs.has(path) && !stale.includes(path)) stale.push(path);
    return stale.filter((p) => this.docs.has(p)).map((p) => this.uriOf(p));
  }

  document(uri: string): TextDocument | undefined {
    return this.docs.get(this.pathOf(uri));
  }

  /** The current analysis of an open document (checked now if its text changed), or of a file on disk. */
  analysis(path: string): Analysis | undefined {
    const doc = this.docs.get(path);
    const cached = this.analyses.get(path);
    if (doc && cached && cached.version === doc.version) return cached.analysis;
    const raw = this.host.readFile(path);
    if (raw === undefined) return undefined;
    const analysis = analyze(raw.replace(/^\uFEFF/, ""), path, this.host);
    if (doc) this.analyses.set(path, { version: doc.version, analysis, reads: reads(analysis) });
    return analysis;
  }

  analysisOf(uri: string): Analysis | undefined {
    return this.analysis(this.pathOf(uri));
  }

  /** Line positions of a file as the editor has it (open) or as it is on disk. */
  lines(path: string): LineIndex | undefined {
    const raw = this.host.readFile(path);
    return raw === undefined ? undefined : new LineIndex(raw);
  }

  /** Open documents and the `.nn` files under the workspace folders: where references may be. */
  knownFiles(): string[] {
    if (!this.scanned) {
      const found: string[] = [];
      const walk = (dir: string, depth: number) => {
        if (depth > 16 || found.length >= MAX_SCANNED) return;
        let entries;
        try {
          entries = readdirSync(dir, { withFileTypes: true });
        } catch {
          return;
        }
        for (const e of entries) {
          if (e.isDirectory() && !SKIPPED.has(e.name) && !e.name.startsWith(".")) walk(join(dir, e.name), depth + 1);
          else if (e.isFile() && e.name.endsWith(".nn")) found.push(join(dir, e.name));
        }
      };
      for (const root of this.roots) walk(root, 0);
      this.scanned = found;
    }
    return [...new Set([...this.docs.keys(), ...this.scanned])];
  }

  /** Analyses of the known files whose text mentions `name` (only they can refer to it), and of `also`. */
  analysesMentioning(name: string, also: string[]): Analysis[] {
    const paths = new Set(also);
    for (const p of this.knownFiles()) if (this.host.readFile(p)?.includes(name)) paths.add(p);
    return [...paths].flatMap((p) => this.analysis(p) ?? []);
  }

  openUris(): string[] {
    return [...this.docs.keys()].map((p) => this.uriOf(p));
  }
}

/** The files a check read, and those its imports named but it could not find (creating one must re-check). */
function reads(analysis: Analysis): Set<string> {
  const out = new Set(analysis.result.sources.keys());
  for (const [file, ast] of analysis.result.asts) for (const imp of ast.imports) out.add(analysis.host.resolve(file, imp.path));
  return out;
}
