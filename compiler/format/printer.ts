// The Prettier printer for .nn: one case per node type of fast.ts. Layout:
// two-space indentation, one statement per line, at most one blank line kept
// where the source had blank lines, pipelines on one line when they fit and
// one `-> stage` per line otherwise, a broken call with one argument per line
// and named values aligned. Parentheses are printed where the tree's shape
// needs them, so `(a + b) * c` and `x + (x -> f)` keep theirs.
import { builders } from "prettier/doc";
import type { AstPath, Doc, ParserOptions, Printer } from "prettier";
import { visitorKeys, type FBlock, type FComment, type FExpr, type FModel, type FNode } from "./fast.ts";
import type { FormatTree } from "./parser.ts";

const { group, indent, line, softline, hardline, join, ifBreak, literallineWithoutBreakParent, breakParent, lineSuffix } = builders;

type Print = (selector?: string | number | (string | number)[], args?: unknown) => Doc;
interface ArgOptions {
  /** Width of the longest key of the call's named arguments. */
  keyWidth: number;
  groupId: symbol;
}

function printNode(path: AstPath<FNode>, options: ParserOptions<FNode>, print: Print, args?: unknown): Doc {
  const node = path.node;
  switch (node.type) {
    case "File": {
      const dangling = printDangling(path, options, hardline);
      if (node.decls.length === 0) return dangling.length ? [dangling, hardline] : "";
      return [printList(path, options, print, "decls"), hardline];
    }
    case "Import": {
      const names = node.names.length ? [indent([line, join([",", line], path.map(() => print(), "names"))]), line] : printInBrackets(path, options);
      return group(["import {", names, "} from ", print("path")]);
    }
    case "Const":
      return ["const ", print("name"), " = ", print("value")];
    case "Model":
      return ["model ", print("name"), " ", printBody(path, options, print)];
    case "Block": {
      const params = node.params.length ? [indent([softline, join([",", line], path.map(() => print(), "params"))]), softline] : printInBrackets(path, options, "params");
      return ["block ", print("name"), group(["(", params, ")"]), " ", printBody(path, options, print)];
    }
    case "Param":
      return node.default ? [print("name"), " = ", print("default")] : print("name");
    case "Input":
      return [node.role, " ", print("name"), ": ", print("tensorType")];
    case "TensorType": {
      if (!node.dims) return node.dtype;
      const dims = node.dims.length ? [indent([softline, join([",", line], path.map((p) => printOperand(p, print, p.node.type === "Pipeline"), "dims"))]), softline] : printInBrackets(path, options);
      return [node.dtype, group(["[", dims, "]"])];
    }
    case "Binding":
      return [print("name"), " = ", print("value")];
    case "Output":
      return node.value ? ["output ", print("name"), " = ", print("value")] : ["output ", print("name")];
    case "Loss":
      return ["loss ", print("value")];
    case "Generate":
      return ["generate ", print("feed"), " from ", print("value")];
    case "Number": {
      // A comment can sit between a minus and its digits (`- /* c */ 1`).
      const dangling = danglingComments(path);
      if (!dangling.length) return node.raw;
      const negative = node.raw.startsWith("-");
      return [negative ? "-" : "", dangling.map((c) => [c.doc, c.block ? " " : hardline]), negative ? node.raw.slice(1) : node.raw];
    }
    case "Bool":
      return node.value ? "true" : "false";
    case "Name":
    case "Ident":
      return node.name;
    case "String":
      return node.raw;
    case "Call": {
      const repeat = node.repeat ? [" * ", print("repeat")] : "";
      if (node.bare) return node.alias ? [print("callee"), " as ", print("alias"), repeat] : [print("callee"), repeat];
      const groupId = Symbol("arguments");
      const keyWidth = Math.max(0, ...node.args.map((a) => (a.key ? a.key.name.length : 0)));
      const argDocs = node.args.map((_, i) => print(["args", i], { keyWidth, groupId } satisfies ArgOptions));
      const inner = argDocs.length ? [indent([softline, join([",", line], argDocs)]), softline] : printInBrackets(path, options);
      return [print("callee"), group(["(", inner, ")"], { id: groupId }), node.alias ? [" as ", print("alias")] : "", repeat];
    }
    case "Arg": {
      if (!node.key) return print("value");
      const { keyWidth, groupId } = (args ?? { keyWidth: 0, groupId: Symbol() }) as ArgOptions;
      const pad = " ".repeat(Math.max(0, keyWidth - node.key.name.length));
      return [print("key"), ":", pad ? ifBreak(pad, "", { groupId }) : "", " ", print("value")];
    }
    case "Stage":
      return ["-> ", print("call")];
    case "Pipeline":
      return group([path.call((p) => printOperand(p, print, p.node.type === "Pipeline"), "head"), indent(path.map((p) => [line, print()], "stages"))]);
    case "Binary": {
      const prec = precedence(node);
      const left = path.call((p) => printOperand(p, print, precedence(p.node) < prec), "left");
      const right = path.call((p) => printOperand(p, print, precedence(p.node) <= prec), "right");
      return group([left, " ", node.op, indent([line, right])]);
    }
    case "Unary":
      return ["-", path.call((p) => printOperand(p, print, precedence(p.node) < 4 || p.node.type === "Unary"), "operand")];
    case "Tuple":
      return group(["(", indent([softline, join([",", line], path.map(() => print(), "items"))]), softline, ")"]);
  }
}

/**
 * Binding strength: pipeline 0, `+ -` 1, `* /` 2, unary minus 3, primaries 4.
 * A negative literal counts as unary.
 */
function precedence(node: FExpr): number {
  switch (node.type) {
    case "Pipeline":
      return 0;
    case "Binary":
      return node.op === "+" || node.op === "-" ? 1 : 2;
    case "Unary":
      return 3;
    case "Number":
      return node.raw.startsWith("-") ? 3 : 4;
    default:
      return 4;
  }
}

/** An operand, in parentheses when needed. The node's comments go inside them. */
function printOperand(path: AstPath<FNode>, print: Print, parens: boolean): Doc {
  const doc = print();
  if (!parens) return doc;
  if (path.node.type === "Pipeline") return group(["(", indent([softline, doc]), softline, ")"]);
  return ["(", doc, ")"];
}

/** Declarations or statements, one per line, keeping one blank line where the source had any. */
function printList(path: AstPath<FNode>, options: ParserOptions<FNode>, print: Print, key: string): Doc {
  const text = options.originalText;
  const items = (path.node as unknown as Record<string, FNode[]>)[key]!;
  return mapChildren(path, key, (p, i) => {
    const doc = print();
    if (i === items.length - 1) return doc;
    // A blank line after the node, or after the comments that end its line.
    const end = Math.max(p.node.end, ...(p.node.comments ?? []).filter((c) => c.trailing && !c.ownLine).map((c) => c.end));
    return [doc, hardline, isNextLineEmpty(text, end) ? hardline : ""];
  });
}

/** `path.map` over a child list named at run time. */
function mapChildren(path: AstPath<FNode>, key: string, fn: (p: AstPath<FNode>, i: number) => Doc): Doc[] {
  return (path as unknown as { map(cb: (p: AstPath<FNode>, i: number) => Doc, key: string): Doc[] }).map(fn, key);
}

/** `path.each` over the node's comments. */
function eachComment(path: AstPath<FNode>, fn: (p: AstPath<FComment>) => void): void {
  (path as unknown as { each(cb: (p: AstPath<FComment>) => void, key: string): void }).each(fn, "comments");
}

function printBody(path: AstPath<FNode>, options: ParserOptions<FNode>, print: Print): Doc {
  const node = path.node as Extract<FNode, { body: unknown }>;
  if (node.body.length) {
    const open = danglingComments(path, "open").map((c) => [lineSuffix([" ", c.doc]), breakParent]);
    return ["{", open, indent([hardline, printList(path, options, print, "body")]), hardline, "}"];
  }
  const dangling = printDangling(path, options, hardline, "body");
  return dangling.length ? ["{", indent([hardline, dangling]), hardline, "}"] : "{}";
}

/** Comments inside an empty `()`, `[]` or `{}`, for the caller to wrap in its brackets. */
function printInBrackets(path: AstPath<FNode>, options: ParserOptions<FNode>, marker?: string): Doc {
  const dangling = printDangling(path, options, line, marker);
  return dangling.length ? [indent([softline, dangling]), softline] : "";
}

/** Prints the node's dangling comments (those with `marker`, if given), separated by `separator`. */
function printDangling(path: AstPath<FNode>, options: ParserOptions<FNode>, separator: Doc, marker?: string): Doc[] {
  const parts: Doc[] = [];
  for (const { doc, block } of danglingComments(path, marker)) {
    if (parts.length) parts.push(separator);
    parts.push(doc);
    if (!block) parts.push(breakParent);
  }
  return parts;
}

function danglingComments(path: AstPath<FNode>, marker?: string): { doc: Doc; block: boolean }[] {
  const out: { doc: Doc; block: boolean }[] = [];
  if (!path.node.comments) return out;
  eachComment(path, (p) => {
    const c = p.node;
    if (c.leading || c.trailing || (marker !== undefined && c.marker !== marker)) return;
    c.printed = true;
    out.push({ doc: printComment(p), block: c.block });
  });
  return out;
}

function printComment(path: AstPath<FComment>): Doc {
  const c = path.node;
  if (!c.block) return c.value.trimEnd();
  // Verbatim, inner lines included. The break inside does not force the enclosing
  // groups to break: where the comment sits would then change the layout.
  return join(literallineWithoutBreakParent, c.value.split("\n"));
}

/**
 * Whether a blank line follows the line that `offset` is on (after any
 * comments on the rest of that line), as Prettier's own helper decides.
 */
export function isNextLineEmpty(text: string, offset: number): boolean {
  let i = offset;
  for (;;) {
    while (text[i] === " " || text[i] === "\t") i++;
    if (text.startsWith("/*", i)) {
      const close = text.indexOf("*/", i + 2);
      if (close < 0 || text.slice(i, close).includes("\n")) return false;
      i = close + 2;
      continue;
    }
    break;
  }
  if (text.startsWith("//", i)) while (i < text.length && text[i] !== "\n" && text[i] !== "\r") i++;
  if (text[i] === "\r" && text[i + 1] === "\n") i += 2;
  else if (text[i] === "\n" || text[i] === "\r") i++;
  else return false;
  while (text[i] === " " || text[i] === "\t") i++;
  return text[i] === "\n" || text[i] === "\r";
}

/** A node's doc with its leading and trailing comments around it. */
function printWithComments(path: AstPath<FNode>, options: ParserOptions<FNode>, print: Print, args?: unknown): Doc {
  const doc = printNode(path, options, print, args);
  const comments = path.node.comments;
  if (!comments?.length) return doc;
  const text = options.originalText;
  const leading: Doc[] = [];
  const trailing: Doc[] = [];
  // Whether a comment was put off to the end of the line (or after it).
  let pending = false;
  eachComment(path, (p) => {
    const c = p.node;
    if (!c.leading && !c.trailing) return;
    c.printed = true;
    const printed = printComment(p);
    if (c.leading) {
      if (c.ownLine) leading.push(printed, hardline, isNextLineEmpty(text, c.end) ? hardline : "");
      else leading.push(printed, c.block ? " " : hardline);
    } else if (c.ownLine || pending) {
      // After a `//` comment or one on a line of its own, a comment needs a line of its own.
      trailing.push(lineSuffix([hardline, c.ownLine && isPreviousLineEmpty(text, c.start) ? hardline : "", printed]), breakParent);
      pending = true;
    } else if (c.block) trailing.push(" ", printed);
    else {
      trailing.push(lineSuffix([" ", printed]), breakParent);
      pending = true;
    }
  });
  return [leading, doc, trailing];
}

function isPreviousLineEmpty(text: string, offset: number): boolean {
  let i = offset - 1;
  while (text[i] === " " || text[i] === "\t") i--;
  if (text[i] !== "\n") return false;
  i--;
  while (text[i] === " " || text[i] === "\t" || text[i] === "\r") i--;
  return text[i] === "\n";
}

type Decorated = FComment & { enclosingNode?: FNode; precedingNode?: FNode; followingNode?: FNode; placement?: string };

/** Nodes that start a line of their own when their list is broken: statements, stages, arguments, items. */
function isLineItem(node: FNode, parent: FNode | undefined): boolean {
  switch (node.type) {
    case "Import":
    case "Const":
    case "Model":
    case "Block":
    case "Input":
    case "Binding":
    case "Output":
    case "Loss":
    case "Generate":
    case "Stage":
    case "Arg":
    case "Param":
      return true;
    default:
      return parent?.type === "Tuple" || parent?.type === "TensorType" || (parent?.type === "Import" && node.type === "Ident");
  }
}

/**
 * Where each comment goes, decided here rather than by Prettier's defaults so
 * that formatting twice gives the same text:
 * - inside an empty `()`, `[]` or `{}`: stays there;
 * - on a line of its own before a statement, stage, argument or item: on a line
 *   of its own before it (after the last one of a list: on a line after it);
 * - a `//` comment anywhere else: at the end of the line of the node before it;
 * - a block comment right after a node: after it; else before the next node.
 */
function attachComment(comment: Decorated, text: string, _options: unknown, ast: FormatTree): boolean {
  let { enclosingNode: e, precedingNode: before, followingNode: after } = comment;
  // Inside `- -1` (printed `1`): the comment will stand before the number, so it is placed
  // as if it were before the outermost node that starts with the number.
  if (e?.type === "Number" && !e.raw.startsWith("-")) {
    let outer: FNode = e;
    for (let p = ast.parents.get(outer); p && p.type !== "File" && p.start === outer.start; p = ast.parents.get(outer)) outer = p;
    after = outer;
    e = ast.parents.get(outer);
    before = e ? childNodes(e).filter((c) => c.end <= comment.start).at(-1) : undefined;
  }
  // Inside a list's brackets, what follows the closing bracket is not "next".
  const close = e?.type === "Block" ? e.paramsClose : e?.type === "Call" || e?.type === "Import" ? e.close : undefined;
  if (after && close !== undefined && comment.start < close && after.start > close) after = undefined;
  const add = (node: FNode, how: "leading" | "trailing" | "dangling", marker?: string) => {
    comment.leading = how === "leading";
    comment.trailing = how === "trailing";
    if (marker) comment.marker = marker;
    comment.printed = false;
    (node.comments ??= []).push(comment);
    node.comments.sort((a, b) => a.start - b.start);
    return true;
  };
  /** After the `{` of a model or block; a second such comment goes on the next line. */
  const addHeader = (decl: FModel | FBlock) => {
    if (!decl.comments?.some((c) => c.marker === "open")) return add(decl, "dangling", "open");
    comment.ownLine = true;
    return add(decl.body[0]!, "leading");
  };
  const within = (open: number, close: number) => comment.start >= open && comment.end <= close;
  if (e?.type === "Block" && e.params.length === 0 && within(e.paramsOpen, e.paramsClose)) return add(e, "dangling", "params");
  if ((e?.type === "Block" || e?.type === "Model") && e.body.length === 0 && comment.start >= e.open) return add(e, "dangling", "body");
  if (e?.type === "Call" && !e.bare && e.args.length === 0 && within(e.open, e.close)) return add(e, "dangling");
  if (e?.type === "Import" && e.names.length === 0 && within(e.open, e.close)) return add(e, "dangling");

  const startsLine = startsLineAt(text, comment.start, ast.blockCommentStarts);
  // A `//` comment on the line of `model M {` or `block B(…) {`: stays after the `{`.
  if ((e?.type === "Model" || e?.type === "Block") && e.body.length > 0 && !comment.block && !startsLine) {
    if (comment.start < e.body[0]!.start && (comment.start >= e.open || before === e.name)) return addHeader(e);
  }
  // On a line of its own: a block comment also needs nothing after it on that line.
  const ownLine = startsLine && (!comment.block || hasNewlineAfter(text, comment.end));
  comment.ownLine = ownLine;
  if (ownLine && after && isLineItem(after, e)) return add(after, "leading");
  if (ownLine && !after && before && isLineItem(before, e)) return add(before, "trailing");
  comment.ownLine = false;
  let target: FNode | undefined;
  if (!comment.block) {
    // At the end of the line that the node before it ends: a node after which the line breaks.
    // With nothing before it in its node (`x = ( // c`): the node before it in the same statement or item.
    const previous = before ?? nodeBefore(ast.nodesByEnd, comment.start, lineItemOf(e, ast.parents));
    if (previous) {
      target = lineEnder(previous, ast.parents);
      const owner = ast.parents.get(target);
      if ((owner?.type === "Model" || owner?.type === "Block") && owner.name === target) return addHeader(owner);
    } else if (after) return add(after, "leading");
  } else {
    // Right after a node (closing parentheses aside, which may go): stays after it.
    if (before && !hasTokenBetween(ast.tokens, before.end, comment.start)) target = before;
    else if (after) return add(after, "leading");
    else target = before;
  }
  if (target) {
    // After a `//` comment that ends this line: on a line of its own, before what comes next.
    if (target.comments?.some((c) => c.trailing && !c.block && !c.ownLine)) {
      comment.ownLine = true;
      const next = nextLineItem(target, ast.parents);
      return next ? add(next, "leading") : add(target, "trailing");
    }
    return add(target, "trailing");
  }
  return add(e ?? ast, "dangling");
}

/** Whether only spaces and block comments come before `offset` on its line. */
function startsLineAt(text: string, offset: number, blockCommentStarts: Map<number, number>): boolean {
  let i = offset;
  for (;;) {
    while (i > 0 && (text[i - 1] === " " || text[i - 1] === "\t")) i--;
    if (i === 0 || text[i - 1] === "\n" || text[i - 1] === "\r") return true;
    const start = blockCommentStarts.get(i);
    if (start === undefined) return false;
    i = start;
  }
}

function hasNewlineAfter(text: string, offset: number): boolean {
  let i = offset;
  while (text[i] === " " || text[i] === "\t") i++;
  return i >= text.length || text[i] === "\n" || text[i] === "\r";
}

/** The line item printed after `node` in the same list (the first stage after a pipeline's head, the first statement after a name). */
function nextLineItem(node: FNode, parents: WeakMap<FNode, FNode>): FNode | undefined {
  const parent = parents.get(node);
  if (!parent) return undefined;
  if (parent.type === "Pipeline" && parent.head === node) return parent.stages[0];
  if ((parent.type === "Model" || parent.type === "Block") && parent.name === node) return parent.body[0];
  for (const key of visitorKeys[parent.type]) {
    const value = (parent as unknown as Record<string, unknown>)[key];
    if (Array.isArray(value) && value.includes(node)) return value[value.indexOf(node) + 1];
  }
  return undefined;
}

/** The node itself or the nearest ancestor after which the printed line ends (when a comment forces it). */
function lineEnder(node: FNode, parents: WeakMap<FNode, FNode>): FNode {
  let n = node;
  for (;;) {
    const parent = parents.get(n);
    if (!parent) return n;
    // The last stage is followed by whatever follows its pipeline.
    if (isLineItem(n, parent) && !(parent.type === "Pipeline" && parent.stages.at(-1) === n)) return n;
    if (parent.type === "Pipeline" && parent.head === n) return n;
    if ((parent.type === "Model" || parent.type === "Block") && parent.name === n && parent.body.length > 0) return n;
    n = parent;
  }
}

/** The nearest line item enclosing `node` (or the node itself). */
function lineItemOf(node: FNode | undefined, parents: WeakMap<FNode, FNode>): FNode | undefined {
  for (let n = node; n; n = parents.get(n)) if (isLineItem(n, parents.get(n))) return n;
  return undefined;
}

function childNodes(node: FNode): FNode[] {
  return visitorKeys[node.type].flatMap((key) => {
    const value = (node as unknown as Record<string, FNode | FNode[] | undefined>)[key];
    return Array.isArray(value) ? value : value ? [value] : [];
  });
}

/** The innermost node among those inside `scope` that end last at or before `offset`. */
function nodeBefore(nodesByEnd: FNode[], offset: number, scope: FNode | undefined): FNode | undefined {
  if (!scope) return undefined;
  let lo = 0;
  let hi = nodesByEnd.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (nodesByEnd[mid]!.end <= offset) lo = mid + 1;
    else hi = mid;
  }
  const node = nodesByEnd[lo - 1];
  return node && node !== scope && node.start >= scope.start ? node : undefined;
}

/** Whether a token other than `)` starts in [from, to). */
function hasTokenBetween(tokens: { start: number; image: string }[], from: number, to: number): boolean {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.start < from) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < tokens.length && tokens[i]!.start < to; i++) if (tokens[i]!.image !== ")") return true;
  return false;
}

export const printer: Printer<FNode> = {
  print: printWithComments as Printer<FNode>["print"],
  willPrintOwnComments: () => true,
  printComment: printComment as unknown as Printer<FNode>["printComment"],
  isBlockComment: (c) => (c as unknown as FComment).block,
  canAttachComment: (node) => typeof (node as FNode).type === "string" && (node as { type: string }).type !== "Comment",
  getVisitorKeys: (node) => visitorKeys[(node as FNode).type] ?? [],
  handleComments: {
    ownLine: attachComment as never,
    endOfLine: attachComment as never,
    remaining: attachComment as never,
  },
};
