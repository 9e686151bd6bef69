// The abstract syntax tree of a .nn file. Every node carries its source span.
// Nodes are plain data (no methods) so they can cross a worker boundary.
import type { Span } from "./source.ts";

export interface Identifier {
  name: string;
  span: Span;
}

export interface FileNode {
  kind: "File";
  span: Span;
  imports: ImportDecl[];
  consts: ConstDecl[];
  models: ModelDecl[];
  blocks: BlockDecl[];
  /** Comments with their spans, kept for the formatter. */
  comments: { text: string; span: Span }[];
}

export interface ImportDecl {
  kind: "Import";
  span: Span;
  names: Identifier[];
  path: string;
  pathSpan: Span;
}

export interface ConstDecl {
  kind: "Const";
  span: Span;
  name: Identifier;
  value: Expr;
}

export interface ModelDecl {
  kind: "Model";
  span: Span;
  name: Identifier;
  body: Statement[];
}

export interface BlockParam {
  name: Identifier;
  default?: Expr;
}

export interface BlockDecl {
  kind: "Block";
  span: Span;
  name: Identifier;
  params: BlockParam[];
  body: Statement[];
}

export type Statement = InputDecl | BindingDecl | OutputDecl | LossDecl | GenerateDecl | ConstDecl;

export interface TensorTypeNode {
  span: Span;
  dtype: "f32" | "i32";
  /** Absent for a scalar per example (`f32` without brackets). */
  dims: Expr[];
}

export interface InputDecl {
  kind: "Input";
  span: Span;
  /** `input` or `target`. */
  role: "input" | "target";
  name: Identifier;
  type: TensorTypeNode;
}

export interface BindingDecl {
  kind: "Binding";
  span: Span;
  name: Identifier;
  value: Expr;
}

export interface OutputDecl {
  kind: "Output";
  span: Span;
  name: Identifier;
  value?: Expr;
}

export interface LossDecl {
  kind: "Loss";
  span: Span;
  call: Expr;
}

/**
 * `generate prev from logits(start: 1, stop: 2)`: at decoding time, step t's
 * prediction (argmax of `logits` at t) becomes step t + 1 of the input `prev`.
 */
export interface GenerateDecl {
  kind: "Generate";
  span: Span;
  feed: Identifier;
  source: Identifier;
  args: Argument[];
}

export type Expr = NumberLit | BoolLit | NameRef | Call | Pipeline | Binary | Unary | Tuple | ErrorExpr;

export interface NumberLit {
  kind: "Number";
  span: Span;
  value: number;
  /** The literal was written without '.' or exponent. */
  isInteger: boolean;
}

export interface BoolLit {
  kind: "Bool";
  span: Span;
  value: boolean;
}

export interface NameRef {
  kind: "Name";
  span: Span;
  name: string;
}

export interface Argument {
  span: Span;
  /** Present for `key: value`. */
  key?: Identifier;
  value: Expr;
}

/** A layer or block call, or a bare layer name used as a pipeline stage. */
export interface Call {
  kind: "Call";
  span: Span;
  callee: Identifier;
  args: Argument[];
  /** `relu` as a stage, without parentheses. */
  bare: boolean;
  alias?: Identifier;
  /** `-> stage * n` in a pipeline (n a number or a const): the stage applied n times in sequence. */
  repeat?: Expr;
}

export interface Pipeline {
  kind: "Pipeline";
  span: Span;
  head: Expr;
  stages: Call[];
}

export interface Binary {
  kind: "Binary";
  span: Span;
  op: "+" | "-" | "*" | "/";
  left: Expr;
  right: Expr;
}

export interface Unary {
  kind: "Unary";
  span: Span;
  op: "-";
  operand: Expr;
}

export interface Tuple {
  kind: "Tuple";
  span: Span;
  items: Expr[];
}

/** Stands where the parser recovered from a syntax error; already reported. */
export interface ErrorExpr {
  kind: "Error";
  span: Span;
}
