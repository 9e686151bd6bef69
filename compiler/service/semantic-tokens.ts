// Semantic tokens: what each piece of the text is, for highlighting that
// knows more than a grammar can (a layer from a block, a binding from a
// const, a symbolic size from an input). Identifiers are classified by the
// part they play (occurrences.ts) and what they resolve to; the rest comes
// from the lexer.
import { layers } from "../layers/registry.ts";
import { nnLexer } from "../../grammar/tokens.ts";
import type { Analysis } from "./analysis.ts";
import { occurrences, type Occurrence } from "./occurrences.ts";
import { declarationOf } from "./scope.ts";

/** The token types, in the order of the LSP legend (an index into this list is what the protocol sends). */
export const TOKEN_TYPES = ["keyword", "comment", "string", "number", "operator", "function", "class", "variable", "parameter", "property", "enumMember", "typeParameter", "type"] as const;
export const TOKEN_MODIFIERS = ["declaration", "readonly", "defaultLibrary"] as const;

export type TokenType = (typeof TOKEN_TYPES)[number];
export type TokenModifier = (typeof TOKEN_MODIFIERS)[number];

export interface SemanticToken {
  start: number;
  end: number;
  type: TokenType;
  modifiers: TokenModifier[];
}

/** Every enum value an option takes (`same`, `valid`, `tanh`…): identifiers that are values, not names. */
const enumValues = new Set(["same", "valid", ...[...layers.values()].flatMap((l) => l.options.flatMap((o) => (o.type.kind === "enum" ? [...o.type.values] : [])))]);

function classify(analysis: Analysis, occ: Occurrence): Pick<SemanticToken, "type" | "modifiers"> {
  const kindOf = (kind: string | undefined, declaration: boolean): Pick<SemanticToken, "type" | "modifiers"> => {
    const decl: TokenModifier[] = declaration ? ["declaration"] : [];
    switch (kind) {
      case "model":
      case "block":
        return { type: "class", modifiers: decl };
      case "const":
        return { type: "variable", modifiers: [...decl, "readonly"] };
      case "parameter":
        return { type: "parameter", modifiers: decl };
      default:
        return { type: "variable", modifiers: decl };
    }
  };
  switch (occ.role) {
    case "declaration":
      return kindOf(occ.declares, true);
    case "option":
      return { type: "property", modifiers: [] };
    case "alias":
      return { type: "property", modifiers: ["declaration"] };
    case "callee":
      if (layers.has(occ.name)) return { type: "function", modifiers: ["defaultLibrary"] };
      return { type: "class", modifiers: [] };
    case "import":
    case "reference": {
      const d = declarationOf(analysis, analysis.filename, occ.name, occ.span.start);
      if (d) return kindOf(d.kind, false);
      if (occ.inType) return { type: "typeParameter", modifiers: [] };
      if (enumValues.has(occ.name) || layers.has(occ.name)) return { type: "enumMember", modifiers: [] };
      return { type: "variable", modifiers: [] };
    }
  }
}

const lexical: Record<string, TokenType> = {
  NumberLiteral: "number",
  StringLiteral: "string",
  UnclosedString: "string",
  F32: "type",
  I32: "type",
  Arrow: "operator",
  Plus: "operator",
  Minus: "operator",
  Star: "operator",
  Slash: "operator",
  Equals: "operator",
};
const keywords = new Set(["Model", "Block", "Input", "Target", "Output", "Loss", "Const", "As", "Import", "From", "True", "False"]);

/** In source order, not overlapping, within the edited file (offsets into its text). */
export function semanticTokens(analysis: Analysis): SemanticToken[] {
  const out: SemanticToken[] = [];
  const ast = analysis.result.ast;
  const identifiers = new Map((ast ? occurrences(ast) : []).map((o) => [o.span.start, o]));
  const lexed = nnLexer.tokenize(analysis.result.sources.get(analysis.filename)?.text ?? analysis.source);
  for (const c of lexed.groups.comments ?? []) out.push({ start: c.startOffset, end: c.endOffset! + 1, type: "comment", modifiers: [] });
  for (const t of lexed.tokens) {
    const start = t.startOffset;
    const end = t.endOffset! + 1;
    const name = t.tokenType.name;
    if (name === "Identifier") {
      const occ = identifiers.get(start);
      // `generate` is a contextual keyword: an identifier to the lexer.
      if (occ) out.push({ start, end, ...classify(analysis, occ) });
      else if (t.image === "generate") out.push({ start, end, type: "keyword", modifiers: [] });
    } else if (keywords.has(name)) out.push({ start, end, type: "keyword", modifiers: [] });
    else if (lexical[name]) out.push({ start, end, type: lexical[name]!, modifiers: [] });
  }
  return out.sort((a, b) => a.start - b.start);
}
