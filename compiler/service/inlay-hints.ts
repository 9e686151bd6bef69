// Inlay hints: each binding's and output's inferred type after its value
// (`h = x -> conv2d(6, kernel: 5)  : f32[24, 24, 6]`), and in a pipeline
// written over several lines, the type after each line's last stage. In a
// block, whose body has one type per instance, the instances' types (`|`
// between them when they differ).
import type * as A from "../../grammar/ast.ts";
import { typeToString } from "../types.ts";
import type { Analysis } from "./analysis.ts";
import { framesOf, nodeAt, typeOfStatement, type Frame } from "./frames.ts";
import type { Decl } from "./scope.ts";

export interface InlayHint {
  /** Where the hint stands: just after this offset. */
  offset: number;
  /** `: f32[24, 24, 6]` */
  label: string;
}

const joinTypes = (types: (string | undefined)[]) => {
  const distinct = [...new Set(types.filter((t): t is string => t !== undefined))];
  return distinct.length ? `: ${distinct.join(" | ")}` : undefined;
};

/** Hints for the stages of a multi-line pipeline that end a line, the last excepted (the statement's own hint stands there). */
function stageHints(frames: Frame[], value: A.Expr): InlayHint[] {
  if (value.kind !== "Pipeline") return [];
  const out: InlayHint[] = [];
  const stages = value.stages;
  for (let i = 0; i < stages.length - 1; i++) {
    const stage = stages[i]!;
    if (stages[i + 1]!.span.line === stage.span.endLine) continue;
    const label = joinTypes(frames.map((f) => nodeAt(f, stage.span)?.output).map((t) => t && typeToString(t)));
    if (label) out.push({ offset: stage.span.end, label });
  }
  return out;
}

/** The hints whose place lies in [from, to] (the editor asks for the visible lines). */
export function inlayHints(analysis: Analysis, from = 0, to = Infinity): InlayHint[] {
  const ast = analysis.result.ast;
  if (!ast) return [];
  const out: InlayHint[] = [];
  const decls: Decl[] = [...ast.models, ...ast.blocks].filter((d) => d.span.end >= from && d.span.start <= to);
  for (const decl of decls) {
    const frames = framesOf(analysis, decl);
    if (!frames.length) continue;
    for (const st of decl.body) {
      if (st.span.end < from || st.span.start > to) continue;
      if (st.kind !== "Binding" && !(st.kind === "Output" && st.value)) continue;
      const value = st.value!;
      out.push(...stageHints(frames, value));
      const label = joinTypes(frames.map((f) => typeOfStatement(f, decl, st)).map((t) => t && typeToString(t)));
      if (label) out.push({ offset: value.span.end, label });
    }
  }
  return out.filter((h) => h.offset >= from && h.offset <= to).sort((a, b) => a.offset - b.offset);
}
