// Loads a file and everything it imports through the host, evaluates
// file-level consts, and checks every model. Import cycles and missing files
// are diagnostics at the `import` that causes them.
import type * as A from "../../grammar/ast.ts";
import { parse, type ParseResult } from "../../grammar/index.ts";
import { Diagnostics, DiagnosticBag, type Diagnostic } from "../diagnostics.ts";
import type { CompilerHost } from "../host.ts";
import type { CheckedModel } from "../graph.ts";
import type { SourceFile } from "../../grammar/source.ts";
import { ModelEvaluator } from "./evaluator.ts";
import { evalConstExpr } from "./consts.ts";
import { lintBlock } from "./block-lint.ts";
import { fileDamage, dropRecoveryCascades } from "./recovery.ts";
import type { FileUnit } from "./units.ts";

export interface CheckResult {
  diagnostics: Diagnostic[];
  models: CheckedModel[];
  /** Every file read, by path (the root first): for code frames. */
  sources: Map<string, SourceFile>;
  /** The root file's syntax tree. */
  ast: A.FileNode | undefined;
  /** Every file's syntax tree, by path (the root's included): editors follow imports through them. */
  asts: Map<string, A.FileNode>;
}

class Program {
  readonly bag = new DiagnosticBag();
  readonly units = new Map<string, FileUnit>();
  readonly sources = new Map<string, SourceFile>();
  private readonly loading: string[] = [];

  constructor(private readonly host: CompilerHost) {}

  load(path: string, text?: string): FileUnit | undefined {
    const cached = this.units.get(path);
    if (cached) return cached;
    const source = text ?? this.host.readFile(path);
    if (source === undefined) return undefined;
    const parsed: ParseResult = parse(source, path);
    this.sources.set(path, parsed.source);
    for (const d of parsed.diagnostics) this.bag.push(d);
    const unit: FileUnit = { path, ast: parsed.ast, consts: new Map(), blocks: new Map(), models: new Map(), failed: new Set() };
    this.loading.push(path);
    try {
      this.bindTopLevel(unit);
    } finally {
      this.loading.pop();
    }
    this.units.set(path, unit);
    return unit;
  }

  /** True for the first declaration of its name in the file (in source order); reports the others. */
  private declareTop(unit: FileUnit, seen: Map<string, A.Identifier>, id: A.Identifier, kind: string): boolean {
    const first = seen.get(id.name);
    if (first && first !== id) {
      this.bag.add(Diagnostics.DuplicateDeclaration, { kind, name: id.name }, id.span, { related: [{ span: first.span, message: "first declared here" }] });
      return false;
    }
    return true;
  }

  private bindTopLevel(unit: FileUnit): void {
    const ast = unit.ast;
    const loaded: [A.ImportDecl, FileUnit][] = [];
    for (const imp of ast.imports) {
      const target = this.host.resolve(unit.path, imp.path);
      if (this.loading.includes(target)) {
        const cycle = [...this.loading.slice(this.loading.indexOf(target)), target].join(" → ");
        this.bag.add(Diagnostics.ImportCycle, { cycle }, imp.span);
        for (const name of imp.names) unit.failed.add(name.name);
        continue;
      }
      const other = this.load(target);
      if (!other) {
        this.bag.add(Diagnostics.FileNotFound, { path: imp.path }, imp.pathSpan);
        for (const name of imp.names) unit.failed.add(name.name);
        continue;
      }
      loaded.push([imp, other]);
    }
    // Which declaration of a name comes first is decided by position, whatever its kind
    // (an import that failed declares nothing).
    const seen = new Map<string, A.Identifier>();
    const declared = [...loaded.flatMap(([i]) => i.names), ...ast.blocks.map((b) => b.name), ...ast.models.map((m) => m.name), ...ast.consts.map((c) => c.name)];
    for (const id of declared.sort((a, b) => a.span.start - b.span.start)) if (!seen.has(id.name)) seen.set(id.name, id);
    for (const [imp, other] of loaded) {
      for (const name of imp.names) {
        if (!this.declareTop(unit, seen, name, "import")) continue;
        const block = other.blocks.get(name.name);
        const c = other.consts.get(name.name);
        if (block) unit.blocks.set(name.name, block);
        else if (c) unit.consts.set(name.name, c);
        // A name whose declaration failed over there was reported there.
        else if (other.failed.has(name.name)) unit.failed.add(name.name);
        else {
          const hint = other.models.has(name.name) ? `'${name.name}' is a model; only blocks and consts can be imported` : undefined;
          this.bag.add(Diagnostics.NotExported, { name: name.name, path: imp.path }, name.span, hint ? { hint } : {});
          unit.failed.add(name.name);
        }
      }
    }
    for (const b of ast.blocks) if (this.declareTop(unit, seen, b.name, "block")) unit.blocks.set(b.name.name, { decl: b, unit });
    for (const m of ast.models) if (this.declareTop(unit, seen, m.name, "model")) unit.models.set(m.name.name, m);
    for (const c of ast.consts) {
      if (!this.declareTop(unit, seen, c.name, "const")) continue;
      const v = evalConstExpr(c.value, unit, this.bag);
      if (v) unit.consts.set(c.name.name, { kind: "const", value: v, declared: c.name.span });
      else unit.failed.add(c.name.name);
    }
    for (const b of ast.blocks) {
      const outputs = b.body.filter((s) => s.kind === "Output");
      if (outputs.length !== 1) this.bag.add(Diagnostics.BlockOutputCount, { name: b.name.name, got: outputs.length }, b.name.span);
    }
  }
}

/** Checks a root file (given as text, or read through the host) and all it imports. */
export function checkProgram(path: string, host: CompilerHost, text?: string): CheckResult {
  const program = new Program(host);
  let models: CheckedModel[] = [];
  let unit: FileUnit | undefined;
  try {
    unit = program.load(path, text);
    if (!unit) {
      return { diagnostics: [fileNotFound(path)], models: [], sources: program.sources, ast: undefined, asts: new Map() };
    }
    // Blocks no model uses are still checked: fully when their parameters all have defaults.
    // A block a model calls counts as used even where its instance was refused for its size (NN3026).
    const used = new Set<string>();
    models = [...unit.models.values()].map((decl) => {
      const evaluator = new ModelEvaluator(program.bag, decl, unit!);
      const model = evaluator.checkModel(decl);
      for (const b of [...model.instances.map((i) => i.block), ...evaluator.blocksReached]) used.add(b);
      return model;
    });
    for (const b of unit.ast.blocks) {
      const ref = unit.blocks.get(b.name.name);
      if (!ref || ref.decl !== b || used.has(b.name.name)) continue;
      if (!new ModelEvaluator(program.bag, b, unit).checkBlockAlone(ref)) lintBlock(ref, program.bag);
    }
  } catch (e) {
    // Pathological input (e.g. an expression nested beyond the stack): a diagnostic, never a crash.
    if (!(e instanceof RangeError)) throw e;
    const source = program.sources.get(path);
    const span = source ? source.span(0, 0) : fileNotFound(path).span;
    program.bag.add(Diagnostics.ExpressionTooComplex, undefined, span);
    models = [];
  }
  // Semantic errors that only follow from the parser's recovery are left out (recovery.ts).
  const items = program.bag.items;
  const damage = [...program.units.values()].map((u) => fileDamage(u.path, u.ast, program.sources.get(u.path)?.text ?? "", items));
  const nameAt = (s: { file: string; start: number; end: number }) => program.sources.get(s.file)?.text.slice(s.start, s.end) ?? "";
  const asts = new Map([...program.units.values()].map((u) => [u.path, u.ast]));
  return { diagnostics: dropRecoveryCascades(items, damage, nameAt), models, sources: program.sources, ast: unit?.ast, asts };
}

function fileNotFound(path: string): Diagnostic {
  const span = { file: path, start: 0, end: 0, line: 1, column: 1, endLine: 1, endColumn: 1 };
  return { code: Diagnostics.FileNotFound.code, severity: "error", message: Diagnostics.FileNotFound.message({ path }), span, related: [] };
}
