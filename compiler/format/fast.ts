// The formatter's tree: the checker's AST re-shaped for Prettier. Every node
// has a `type` and plain `start`/`end` offsets; declarations are merged back
// into source order; each pipeline stage becomes a node that starts at its
// `->`, so a comment before an arrow stays before it; literals keep their
// source text. Parentheses are not recorded: the printer puts back exactly
// those the tree's shape needs.
import type { IToken } from "chevrotain";
import type * as A from "../../grammar/ast.ts";

export interface FComment {
  type: "Comment";
  /** The comment's text; `value` is the name Prettier's own messages use. */
  value: string;
  start: number;
  end: number;
  block: boolean;
  // Set by Prettier while attaching.
  leading?: boolean;
  trailing?: boolean;
  printed?: boolean;
  marker?: string;
  /** Printed on a line of its own (before a line item, or after the last one). */
  ownLine?: boolean;
}

interface Base {
  start: number;
  end: number;
  comments?: FComment[];
}

export interface FIdent extends Base {
  type: "Ident";
  name: string;
}
export interface FString extends Base {
  type: "String";
  raw: string;
}
export interface FFile extends Base {
  type: "File";
  decls: FDecl[];
}
export interface FImport extends Base {
  type: "Import";
  names: FIdent[];
  path: FString;
  /** Offsets just after `{` and of `}`: comments between them stay inside the braces. */
  open: number;
  close: number;
}
export interface FConst extends Base {
  type: "Const";
  name: FIdent;
  value: FExpr;
}
export interface FModel extends Base {
  type: "Model";
  name: FIdent;
  body: FStatement[];
  open: number;
}
export interface FParam extends Base {
  type: "Param";
  name: FIdent;
  default?: FExpr;
}
export interface FBlock extends Base {
  type: "Block";
  name: FIdent;
  params: FParam[];
  /** Offsets just after the `(` of the parameter list and of its `)`. */
  paramsOpen: number;
  paramsClose: number;
  body: FStatement[];
  open: number;
}
export interface FInput extends Base {
  type: "Input";
  role: "input" | "target";
  name: FIdent;
  tensorType: FTensorType;
}
export interface FTensorType extends Base {
  type: "TensorType";
  dtype: "f32" | "i32";
  /** Absent when the source had no brackets. */
  dims?: FExpr[];
  open: number;
}
export interface FBinding extends Base {
  type: "Binding";
  name: FIdent;
  value: FExpr;
}
export interface FOutput extends Base {
  type: "Output";
  name: FIdent;
  value?: FExpr;
}
export interface FLoss extends Base {
  type: "Loss";
  value: FExpr;
}
/** `generate prev from logits(…)`: `value` is the source as a call (its options as arguments). */
export interface FGenerate extends Base {
  type: "Generate";
  feed: FIdent;
  value: FExpr;
}
export interface FNumber extends Base {
  type: "Number";
  /** The literal as printed: the source digits, with a `-` when negative. */
  raw: string;
}
export interface FBool extends Base {
  type: "Bool";
  value: boolean;
}
export interface FName extends Base {
  type: "Name";
  name: string;
}
export interface FArg extends Base {
  type: "Arg";
  key?: FIdent;
  value: FExpr;
}
export interface FCall extends Base {
  type: "Call";
  callee: FIdent;
  args: FArg[];
  bare: boolean;
  alias?: FIdent;
  /** `-> stage * n`: the repeat count. */
  repeat?: FExpr;
  /** Offsets just after `(` and of `)` (calls with parentheses). */
  open: number;
  close: number;
}
export interface FStage extends Base {
  type: "Stage";
  call: FCall;
}
export interface FPipeline extends Base {
  type: "Pipeline";
  head: FExpr;
  stages: FStage[];
}
export interface FBinary extends Base {
  type: "Binary";
  op: "+" | "-" | "*" | "/";
  left: FExpr;
  right: FExpr;
}
export interface FUnary extends Base {
  type: "Unary";
  operand: FExpr;
}
export interface FTuple extends Base {
  type: "Tuple";
  items: FExpr[];
}

export type FDecl = FImport | FConst | FModel | FBlock;
export type FStatement = FInput | FBinding | FOutput | FLoss | FGenerate | FConst;
export type FExpr = FNumber | FBool | FName | FCall | FPipeline | FBinary | FUnary | FTuple;
export type FNode = FFile | FDecl | FParam | FStatement | FTensorType | FExpr | FArg | FStage | FIdent | FString;

/** The child properties of each node type, in source order (Prettier's visitor keys). */
export const visitorKeys: Record<FNode["type"], string[]> = {
  File: ["decls"],
  Import: ["names", "path"],
  Const: ["name", "value"],
  Model: ["name", "body"],
  Block: ["name", "params", "body"],
  Param: ["name", "default"],
  Input: ["name", "tensorType"],
  TensorType: ["dims"],
  Binding: ["name", "value"],
  Output: ["name", "value"],
  Loss: ["value"],
  Generate: ["feed", "value"],
  Number: [],
  Bool: [],
  Name: [],
  Ident: [],
  String: [],
  Call: ["callee", "args", "alias", "repeat"],
  Arg: ["key", "value"],
  Stage: ["call"],
  Pipeline: ["head", "stages"],
  Binary: ["left", "right"],
  Unary: ["operand"],
  Tuple: ["items"],
};

/** Converts a parsed file (with no syntax errors) into the formatter's tree. */
export class TreeBuilder {
  constructor(
    private readonly text: string,
    /** The file's tokens without comments and whitespace, in order. */
    private readonly tokens: IToken[],
  ) {}

  file(ast: A.FileNode): FFile {
    const decls: FDecl[] = [
      ...ast.imports.map((d) => this.import(d)),
      ...ast.consts.map((d) => this.const(d)),
      ...ast.models.map((d) => this.model(d)),
      ...ast.blocks.map((d) => this.block(d)),
    ].sort((a, b) => a.start - b.start);
    return { type: "File", start: 0, end: this.text.length, decls };
  }

  /** Index of the first token starting at or after `offset`. */
  private tokenIndexAt(offset: number): number {
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokens[mid]!.startOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** End offset of the first token `image` at or after `offset`. */
  private after(image: string, offset: number): number {
    for (let i = this.tokenIndexAt(offset); i < this.tokens.length; i++) {
      const t = this.tokens[i]!;
      if (t.image === image) return t.endOffset! + 1;
    }
    return offset;
  }

  /** Start offset of the last token `image` before `offset`. */
  private before(image: string, offset: number): number {
    for (let i = this.tokenIndexAt(offset) - 1; i >= 0; i--) {
      const t = this.tokens[i]!;
      if (t.image === image) return t.startOffset;
    }
    return offset;
  }

  private ident(id: A.Identifier): FIdent {
    return { type: "Ident", start: id.span.start, end: id.span.end, name: id.name };
  }

  private import(d: A.ImportDecl): FImport {
    return {
      type: "Import",
      start: d.span.start,
      end: d.span.end,
      names: d.names.map((n) => this.ident(n)),
      path: { type: "String", start: d.pathSpan.start, end: d.pathSpan.end, raw: this.text.slice(d.pathSpan.start, d.pathSpan.end) },
      open: this.after("{", d.span.start),
      close: this.before("}", d.pathSpan.start),
    };
  }

  private const(d: A.ConstDecl): FConst {
    return { type: "Const", start: d.span.start, end: d.span.end, name: this.ident(d.name), value: this.expr(d.value) };
  }

  private model(d: A.ModelDecl): FModel {
    return { type: "Model", start: d.span.start, end: d.span.end, name: this.ident(d.name), body: d.body.map((s) => this.statement(s)), open: this.after("{", d.name.span.end) };
  }

  private block(d: A.BlockDecl): FBlock {
    const params: FParam[] = d.params.map((p) => {
      const name = this.ident(p.name);
      if (!p.default) return { type: "Param", start: name.start, end: name.end, name };
      const value = this.expr(p.default);
      return { type: "Param", start: name.start, end: value.end, name, default: value };
    });
    const paramsOpen = this.after("(", d.name.span.end);
    const paramsClose = this.after(")", params.length ? params[params.length - 1]!.end : paramsOpen) - 1;
    return { type: "Block", start: d.span.start, end: d.span.end, name: this.ident(d.name), params, paramsOpen, paramsClose, body: d.body.map((s) => this.statement(s)), open: this.after("{", paramsClose) };
  }

  private statement(s: A.Statement): FStatement {
    const at = { start: s.span.start, end: s.span.end };
    switch (s.kind) {
      case "Input": {
        const dtypeEnd = s.type.span.start + 3;
        const bracket = this.tokens[this.tokenIndexAt(dtypeEnd)];
        const hasBrackets = bracket !== undefined && bracket.image === "[" && bracket.startOffset < s.type.span.end;
        const tensorType: FTensorType = { type: "TensorType", start: s.type.span.start, end: s.type.span.end, dtype: s.type.dtype, open: hasBrackets ? bracket.endOffset! + 1 : dtypeEnd };
        if (hasBrackets) tensorType.dims = s.type.dims.map((d) => this.expr(d));
        return { type: "Input", ...at, role: s.role, name: this.ident(s.name), tensorType };
      }
      case "Binding":
        return { type: "Binding", ...at, name: this.ident(s.name), value: this.expr(s.value) };
      case "Output": {
        const out: FOutput = { type: "Output", ...at, name: this.ident(s.name) };
        if (s.value) out.value = this.expr(s.value);
        return out;
      }
      case "Loss":
        return { type: "Loss", ...at, value: this.expr(s.call) };
      case "Generate": {
        const source: A.Call = { kind: "Call", span: { ...s.source.span, end: s.span.end }, callee: s.source, args: s.args, bare: s.args.length === 0 };
        return { type: "Generate", ...at, feed: this.ident(s.feed), value: this.expr(source) };
      }
      case "Const":
        return this.const(s);
    }
  }

  expr(e: A.Expr): FExpr {
    const at = { start: e.span.start, end: e.span.end };
    switch (e.kind) {
      case "Number": {
        // The literal is the span's last token but closing parentheses (`-(1)`);
        // a folded unary minus makes it negative.
        let i = this.tokenIndexAt(e.span.end) - 1;
        while (i > 0 && this.tokens[i]!.image === ")") i--;
        const lit = this.tokens[i]!;
        const negative = e.value < 0 || Object.is(e.value, -0);
        return { type: "Number", ...at, raw: (negative ? "-" : "") + lit.image };
      }
      case "Bool":
        return { type: "Bool", ...at, value: e.value };
      case "Name":
        return { type: "Name", ...at, name: e.name };
      case "Call":
        return this.call(e);
      case "Pipeline": {
        const stages: FStage[] = e.stages.map((c) => {
          const call = this.call(c);
          return { type: "Stage", start: this.before("->", c.span.start), end: call.end, call };
        });
        return { type: "Pipeline", ...at, head: this.expr(e.head), stages };
      }
      case "Binary":
        return { type: "Binary", ...at, op: e.op, left: this.expr(e.left), right: this.expr(e.right) };
      case "Unary":
        return { type: "Unary", ...at, operand: this.expr(e.operand) };
      case "Tuple":
        return { type: "Tuple", ...at, items: e.items.map((i) => this.expr(i)) };
      case "Error":
        throw new Error("the formatter was given a tree with a syntax error");
    }
  }

  private call(c: A.Call): FCall {
    const callee = this.ident(c.callee);
    const args: FArg[] = c.args.map((a) => {
      const value = this.expr(a.value);
      if (!a.key) return { type: "Arg", start: a.span.start, end: a.span.end, value };
      return { type: "Arg", start: a.span.start, end: a.span.end, key: this.ident(a.key), value };
    });
    const open = c.bare ? callee.end : this.after("(", callee.end);
    const close = c.bare ? callee.end : c.alias ? this.before(")", c.alias.span.start) : c.span.end - 1;
    const call: FCall = { type: "Call", start: c.span.start, end: c.span.end, callee, args, bare: c.bare, open, close };
    if (c.alias) call.alias = this.ident(c.alias);
    if (c.repeat) call.repeat = this.expr(c.repeat);
    return call;
  }
}
