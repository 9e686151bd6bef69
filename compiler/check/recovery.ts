// Diagnostics after a syntax error. The parser recovers and goes on, so one
// run reports every syntax error in a file; but what it recovers is a guess
// (a statement cut short, tokens skipped, the rest of a file swallowed by an
// unclosed comment), and checking that guess reports errors that are not in
// the code: "model M has no output" when the `output` line was swallowed,
// "'y' is not defined" when its definition was skipped. The rule:
//
// - Within a top-level declaration that holds a syntax error, the parse is
//   exact up to the statement that holds the first one. Semantic diagnostics
//   from that statement to the end of the declaration are left out, and so
//   are those about the declaration as a whole (no output, unused values and
//   inputs, a block's output count, `generate` reading a value that is not an
//   output), wherever they point. So is a diagnostic whose notes point into
//   that region (a call of a block whose declaration is damaged).
// - Semantic diagnostics before that statement, and in every other
//   declaration, are reported as usual.
// - An unclosed `{` of a model or block counts where its body stops parsing,
//   not at the `{`: the statements before that are exact.
// - A name that is not defined, or not a known layer or block, or not found
//   in an imported file, is not reported anywhere when the name is a `const`
//   in a damaged region (a model missing its `}` takes the `const` after it
//   into its body) or appears in the text an unclosed `/*` swallowed (which
//   may hold the declaration the use refers to).
//
// Like TypeScript's, the syntax errors come first when diagnostics are listed
// (sortDiagnostics); fixing them brings back whatever was left out.
import type * as A from "../../grammar/ast.ts";
import { Diagnostics, type Diagnostic } from "../diagnostics.ts";
import type { Span } from "../../grammar/source.ts";

/** Lexing and syntax diagnostics: the NN1xxx range. */
export function isSyntaxDiagnostic(d: Diagnostic): boolean {
  return d.code.startsWith("NN1");
}

/** Diagnostics that a name's declaration lost to recovery causes at its uses. */
export const missingNameCodes: readonly string[] = [Diagnostics.UndefinedName, Diagnostics.UnknownLayer, Diagnostics.NotExported].map((e) => e.code);
const missingName = new Set(missingNameCodes);

/** Diagnostics about a declaration as a whole, which a swallowed statement can cause wherever they point. */
export const wholeDeclarationCodes: readonly string[] = [Diagnostics.NoOutput, Diagnostics.BlockOutputCount, Diagnostics.UnusedValue, Diagnostics.InputUnused, Diagnostics.GenerateNotOutput].map((e) => e.code);
const wholeDeclaration = new Set(wholeDeclarationCodes);

interface Damaged {
  file: string;
  /** The declaration's start. */
  start: number;
  /** The start of the statement holding the first syntax error (the declaration's start when none does). */
  cutoff: number;
  /** The declaration's end: its `}`, or the next declaration where it has none. */
  end: number;
}

/** What recovery may have guessed in one file: its damaged regions, and the names declared in them or swallowed by an unclosed comment. */
export interface Damage {
  regions: Damaged[];
  lostNames: Set<string>;
}

const identifier = /[\p{L}_][\p{L}\p{Nd}_]*/gu;

type Declaration = A.ConstDecl | A.ModelDecl | A.BlockDecl;

/** The parts of one file that recovery may have guessed. */
export function fileDamage(file: string, ast: A.FileNode, text: string, syntax: readonly Diagnostic[]): Damage {
  const errors = syntax.filter((d) => d.span.file === file && isSyntaxDiagnostic(d));
  const lostNames = new Set<string>();
  if (!errors.length) return { regions: [], lostNames };
  for (const d of errors) if (d.code === Diagnostics.UnclosedComment.code) for (const m of text.slice(d.span.start).matchAll(identifier)) lostNames.add(m[0]);
  const decls: Declaration[] = [...ast.consts, ...ast.models, ...ast.blocks].sort((a, b) => a.span.start - b.span.start);
  const out: Damaged[] = [];
  decls.forEach((decl, i) => {
    const body = decl.kind === "Model" || decl.kind === "Block" ? decl.body : [];
    const closed = (decl.kind === "Model" || decl.kind === "Block") && text.slice(decl.span.start, decl.span.end).trimEnd().endsWith("}");
    const end = closed ? decl.span.end : (decls[i + 1]?.span.start ?? Infinity);
    const bodyStart = body[0]?.span.start ?? decl.span.end;
    const at = errors
      .filter((d) => d.span.start >= decl.span.start && d.span.start < end)
      // The declaration's own unclosed `{`: the damage is where its body stopped.
      .map((d) => (d.code === Diagnostics.UnclosedBracket.code && text[d.span.start] === "{" && d.span.start < bodyStart ? decl.span.end : d.span.start));
    if (!at.length) return;
    const first = Math.min(...at);
    const holder = body.filter((s) => s.span.start <= first).pop();
    const cutoff = holder ? holder.span.start : decl.span.start;
    out.push({ file, start: decl.span.start, cutoff, end });
    // A `const` here may be a top-level one that an unclosed declaration took into its body.
    for (const st of body) if (st.span.start >= cutoff && st.kind === "Const") lostNames.add(st.name.name);
  });
  return { regions: out, lostNames };
}

/**
 * Leaves out the semantic diagnostics that recovery from a syntax error may
 * have caused (see the rule above); `nameAt` gives the text of a span (the
 * name a missing-name diagnostic points at).
 */
export function dropRecoveryCascades(diagnostics: Diagnostic[], damage: readonly Damage[], nameAt: (span: Span) => string): Diagnostic[] {
  const damaged = damage.flatMap((d) => d.regions);
  const lost = new Set(damage.flatMap((d) => [...d.lostNames]));
  if (!damaged.length && !lost.size) return diagnostics;
  const within = (s: Span, from: (r: Damaged) => number) => damaged.some((r) => r.file === s.file && s.start >= from(r) && s.start < r.end);
  return diagnostics.filter((d) => {
    if (isSyntaxDiagnostic(d)) return true;
    if (missingName.has(d.code) && lost.has(nameAt(d.span))) return false;
    if (within(d.span, (r) => r.cutoff)) return false;
    if (wholeDeclaration.has(d.code) && within(d.span, (r) => r.start)) return false;
    return !d.related.some((r) => within(r.span, (x) => x.cutoff));
  });
}
