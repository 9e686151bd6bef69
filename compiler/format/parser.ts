// The Prettier parser for .nn: the compiler's own parser, then the formatter's
// tree (fast.ts). A file with a syntax error is refused with a SyntaxError that
// carries the place (Prettier's `loc` convention), so it is never rewritten.
import { parse as parseNn } from "../../grammar/index.ts";
import { nnLexer } from "../../grammar/tokens.ts";
import { TreeBuilder, visitorKeys, type FComment, type FFile, type FNode } from "./fast.ts";

export interface NnSyntaxError extends SyntaxError {
  loc: { start: { line: number; column: number }; end: { line: number; column: number } };
  /** The diagnostic's code, e.g. NN1001. */
  code: string;
  /** The message without the place. */
  reason: string;
}

export interface FormatTree extends FFile {
  comments: FComment[];
  /** The tokens (comments excluded), for placing comments. */
  tokens: { start: number; image: string }[];
  /** Each node's parent. */
  parents: WeakMap<FNode, FNode>;
  /** Every node, by end offset; among equal ends, the innermost last. */
  nodesByEnd: FNode[];
  /** Block comments' start offsets by their end offsets. */
  blockCommentStarts: Map<number, number>;
}

export function parse(text: string): FormatTree {
  const { ast, diagnostics } = parseNn(text, "<input>.nn");
  const errors = diagnostics.filter((d) => d.severity === "error").sort((a, b) => a.span.start - b.span.start);
  const first = errors[0];
  if (first) {
    const { line, column, endLine, endColumn } = first.span;
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? "s" : ""})` : "";
    const error = new SyntaxError(`${first.message}${more} (${line}:${column})`) as NnSyntaxError;
    error.loc = { start: { line, column }, end: { line: endLine, column: endColumn } };
    error.code = first.code;
    error.reason = first.message + more;
    throw error;
  }
  const tokens = nnLexer.tokenize(text).tokens;
  const tree = new TreeBuilder(text, tokens).file(ast) as FormatTree;
  tree.tokens = tokens.map((t) => ({ start: t.startOffset, image: t.image }));
  tree.parents = new WeakMap();
  tree.nodesByEnd = [];
  const visit = (node: FNode) => {
    tree.nodesByEnd.push(node);
    for (const key of visitorKeys[node.type]) {
      const value = (node as unknown as Record<string, FNode | FNode[] | undefined>)[key];
      for (const child of Array.isArray(value) ? value : value ? [value] : []) {
        tree.parents.set(child, node);
        visit(child);
      }
    }
  };
  visit(tree);
  tree.nodesByEnd.sort((a, b) => a.end - b.end || b.end - b.start - (a.end - a.start));
  tree.comments = ast.comments.map((c) => ({ type: "Comment", value: c.text, start: c.span.start, end: c.span.end, block: c.text.startsWith("/*") }));
  tree.blockCommentStarts = new Map(tree.comments.filter((c) => c.block).map((c) => [c.end, c.start]));
  return tree;
}

export function locStart(node: FNode | FComment): number {
  return node.start;
}

export function locEnd(node: FNode | FComment): number {
  return node.end;
}
