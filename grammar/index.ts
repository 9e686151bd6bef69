// The front door of the grammar: text → tokens → CST → AST, with every
// lexical and syntax error collected as a diagnostic.
import type { CstNode, IRecognitionException, IToken } from "chevrotain";
import type { FileNode } from "./ast.ts";
import { SourceFile } from "./source.ts";
import { syntaxDiagnostics as Diagnostics, DiagnosticBag, type Diagnostic } from "./diagnostics.ts";
import { nnLexer, UnclosedBlockComment, UnclosedString } from "./tokens.ts";
import { getParser } from "./parser.ts";
import { AstBuilder } from "./ast-builder.ts";

/**
 * Deeper bracket nesting is refused before parsing, so the recursive parser
 * cannot overflow the stack. Each level of `f(g(…))` costs the parser about
 * nine rule invocations; before the JIT has warmed up, Node's default stack
 * overflows between 160 and 200 such levels, so the limit keeps a wide margin.
 */
export const MAX_NESTING = 100;

export interface ParseResult {
  ast: FileNode;
  source: SourceFile;
  diagnostics: Diagnostic[];
}

const closers: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

export function parse(text: string, fileName = "<input>"): ParseResult {
  const source = new SourceFile(fileName, text);
  const bag = new DiagnosticBag();
  const lexed = nnLexer.tokenize(source.text);

  for (const e of lexed.errors) {
    const snippet = source.text.slice(e.offset, e.offset + Math.min(e.length, 20));
    bag.add(Diagnostics.UnexpectedCharacter, { text: JSON.stringify(snippet) }, source.span(e.offset, e.offset + e.length));
  }
  const comments: FileNode["comments"] = [];
  let swallowedFrom: number | undefined;
  for (const c of lexed.groups.comments ?? []) {
    const span = source.span(c.startOffset, c.endOffset! + 1);
    if (c.tokenType === UnclosedBlockComment) {
      bag.add(Diagnostics.UnclosedComment, undefined, source.span(c.startOffset, c.startOffset + 2));
      swallowedFrom = c.startOffset;
    } else comments.push({ text: c.image, span });
  }
  const tokens: IToken[] = [];
  for (const t of lexed.tokens) {
    if (t.tokenType === UnclosedString) bag.add(Diagnostics.UnclosedString, undefined, source.span(t.startOffset, t.endOffset! + 1));
    else tokens.push(t);
  }

  const builder = new AstBuilder(source, bag);
  const brackets: BracketInfo = { blamedClosers: new Set(), unclosed: [], deepest: undefined, swallowedFrom };
  const bracketProblems = checkBrackets(tokens, source, bag, builder, brackets);
  const emptyAst: FileNode = { kind: "File", span: source.span(0, source.text.length), imports: [], consts: [], models: [], blocks: [], comments };
  if (bracketProblems === "too-deep") return { ast: emptyAst, source, diagnostics: bag.items };

  const parser = getParser();
  parser.input = tokens;
  let cst: CstNode;
  try {
    cst = parser.file();
  } catch (e) {
    // A smaller stack than Node's (a browser, a worker) can still overflow
    // below MAX_NESTING: a diagnostic at the deepest bracket, never a crash.
    if (!(e instanceof RangeError)) throw e;
    bag.add(Diagnostics.ExpressionTooComplex, undefined, brackets.deepest ? builder.tokenSpan(brackets.deepest) : source.span(0, 0));
    return { ast: emptyAst, source, diagnostics: bag.items };
  }
  for (const e of parser.errors) {
    // Unbalanced brackets were reported at their opening (or, for a stray
    // closer, at the closer); the parser's complaints about the end of input or
    // about the closer that exposed them would only repeat those reports.
    if (bracketProblems === "unbalanced" && (isAtEnd(e) || brackets.blamedClosers.has(e.token.startOffset) || expectsUnclosed(e, brackets))) continue;
    reportSyntaxError(e, source, bag, tokens);
  }
  let ast: FileNode;
  try {
    ast = builder.file(cst);
  } catch {
    // Recovery can leave shapes of CST we did not foresee; the errors that caused them are already reported.
    ast = emptyAst;
  }
  ast.comments = comments;
  return { ast, source, diagnostics: bag.items };
}

/** The parser's "expected ')'" after a '(' already reported as never closed. */
function expectsUnclosed(e: IRecognitionException, info: BracketInfo): boolean {
  return info.unclosed.some((open) => e.message === `'${closers[open.image]}'` && e.token.startOffset > open.startOffset);
}

function isAtEnd(e: IRecognitionException): boolean {
  return e.token.tokenType?.name === "EOF" || !Number.isFinite(e.token.startOffset);
}

function reportSyntaxError(e: IRecognitionException, source: SourceFile, bag: DiagnosticBag, tokens: IToken[]): void {
  const t = e.token;
  let span;
  let found: string;
  if (t.tokenType?.name === "EOF" || !Number.isFinite(t.startOffset)) {
    const last = tokens[tokens.length - 1];
    const at = last ? last.endOffset! + 1 : source.text.length;
    span = source.span(at, at);
    found = "end of input";
  } else {
    span = source.span(t.startOffset, t.endOffset! + 1);
    found = `'${t.image.length > 30 ? t.image.slice(0, 30) + "…" : t.image}'`;
  }
  bag.add(Diagnostics.SyntaxError, { expected: e.message, found }, span);
}

interface BracketInfo {
  /** Offsets of closers that are unmatched or that exposed an unclosed inner bracket. */
  blamedClosers: Set<number>;
  /** Opening brackets reported as never closed. */
  unclosed: IToken[];
  /** The first opening bracket at the greatest depth. */
  deepest: IToken | undefined;
  /** Where an unclosed block comment starts: it swallows the rest of the file, closers included. */
  swallowedFrom: number | undefined;
}

/** Reports unclosed and unmatched brackets at the right token, and refuses nesting deeper than MAX_NESTING. */
function checkBrackets(tokens: IToken[], source: SourceFile, bag: DiagnosticBag, builder: AstBuilder, info: BracketInfo): "ok" | "unbalanced" | "too-deep" {
  const { blamedClosers } = info;
  let maxDepth = 0;
  const stack: IToken[] = [];
  let result: "ok" | "unbalanced" = "ok";
  for (const t of tokens) {
    const img = t.image;
    if (img === "(" || img === "[" || img === "{") {
      stack.push(t);
      if (stack.length > maxDepth) {
        maxDepth = stack.length;
        info.deepest = t;
      }
      if (stack.length > MAX_NESTING) {
        bag.add(Diagnostics.TooDeeplyNested, { limit: MAX_NESTING }, builder.tokenSpan(t));
        return "too-deep";
      }
    } else if (img === ")" || img === "]" || img === "}") {
      const top = stack[stack.length - 1];
      if (top && closers[top.image] === img) stack.pop();
      else if (stack.some((s) => closers[s.image] === img)) {
        // Closes an outer bracket: the inner ones in between were left open.
        while (stack.length && closers[stack[stack.length - 1]!.image] !== img) {
          const open = stack.pop()!;
          info.unclosed.push(open);
          bag.add(Diagnostics.UnclosedBracket, { open: open.image, close: closers[open.image]! }, builder.tokenSpan(open));
        }
        stack.pop();
        blamedClosers.add(t.startOffset);
        result = "unbalanced";
      } else {
        bag.add(Diagnostics.UnmatchedClose, { close: img }, source.span(t.startOffset, t.endOffset! + 1));
        blamedClosers.add(t.startOffset);
        result = "unbalanced";
      }
    }
  }
  for (const open of stack) {
    info.unclosed.push(open);
    // A declaration's `}` swallowed by an unclosed comment: the comment is reported instead.
    if (info.swallowedFrom === undefined || open.image !== "{") bag.add(Diagnostics.UnclosedBracket, { open: open.image, close: closers[open.image]! }, builder.tokenSpan(open));
    result = "unbalanced";
  }
  return result;
}

export { SourceFile };
