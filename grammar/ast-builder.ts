// CST → AST. Tolerates the partial trees that error recovery leaves behind:
// a missing child becomes an ErrorExpr or is skipped (its syntax error has
// already been reported), never an exception.
import type { CstNode, IToken } from "chevrotain";
import type * as A from "./ast.ts";
import type { SourceFile, Span } from "./source.ts";
import { syntaxDiagnostics as Diagnostics, type DiagnosticBag } from "./diagnostics.ts";

type Children = Record<string, (CstNode | IToken)[] | undefined>;

/** Longest `a + b + …` chain accepted; deeper trees would overflow later recursive passes. */
export const MAX_OPERANDS = 2000;

/** A CST node's start offset, or `fallback` where recovery left it unknown. */
function cstStart(n: CstNode, fallback: number): number {
  const o = n.location?.startOffset;
  return o !== undefined && Number.isFinite(o) ? o : fallback;
}

/** A CST node's end offset (exclusive), or `fallback` where recovery left it unknown. */
function cstEnd(n: CstNode, fallback: number): number {
  const o = n.location?.endOffset;
  return o !== undefined && Number.isFinite(o) ? o + 1 : fallback;
}

export class AstBuilder {
  constructor(
    private readonly source: SourceFile,
    private readonly diagnostics: DiagnosticBag,
  ) {}

  private lastOffset = 0;

  private spanOf(start: number, end: number): Span {
    if (!Number.isFinite(start) || !Number.isFinite(end)) return this.source.span(this.lastOffset, this.lastOffset);
    this.lastOffset = end;
    return this.source.span(start, end);
  }

  tokenSpan(t: IToken): Span {
    return this.spanOf(t.startOffset, (t.endOffset ?? t.startOffset) + 1);
  }

  private nodeSpan(n: CstNode): Span {
    const loc = n.location;
    if (!loc || !Number.isFinite(loc.startOffset)) return this.spanOf(NaN, NaN);
    return this.spanOf(loc.startOffset, (Number.isFinite(loc.endOffset) ? loc.endOffset! : loc.startOffset) + 1);
  }

  private nodes(c: Children, key: string): CstNode[] {
    return (c[key] ?? []) as CstNode[];
  }
  private node(c: Children, key: string): CstNode | undefined {
    return c[key]?.[0] as CstNode | undefined;
  }
  private token(c: Children, key: string): IToken | undefined {
    const t = c[key]?.[0] as IToken | undefined;
    return t && !t.isInsertedInRecovery && t.image !== "" ? t : undefined;
  }
  private ident(c: Children, key: string): A.Identifier | undefined {
    const t = this.token(c, key);
    return t ? { name: t.image, span: this.tokenSpan(t) } : undefined;
  }

  file(cst: CstNode): A.FileNode {
    const file: A.FileNode = { kind: "File", span: this.source.span(0, this.source.text.length), imports: [], consts: [], models: [], blocks: [], comments: [] };
    for (const top of this.nodes(cst.children, "topLevel")) {
      const c = top.children;
      const imp = this.node(c, "importDecl");
      const con = this.node(c, "constDecl");
      const mod = this.node(c, "modelDecl");
      const blk = this.node(c, "blockDecl");
      if (imp) {
        const i = this.importDecl(imp);
        if (i) file.imports.push(i);
      } else if (con) {
        const k = this.constDecl(con);
        if (k) file.consts.push(k);
      } else if (mod) {
        const m = this.modelDecl(mod);
        if (m) file.models.push(m);
      } else if (blk) {
        const b = this.blockDecl(blk);
        if (b) file.blocks.push(b);
      }
    }
    return file;
  }

  private importDecl(n: CstNode): A.ImportDecl | undefined {
    const pathTok = this.token(n.children, "path");
    if (!pathTok) return undefined;
    const names = ((n.children.names ?? []) as IToken[]).filter((t) => !t.isInsertedInRecovery).map((t) => ({ name: t.image, span: this.tokenSpan(t) }));
    return { kind: "Import", span: this.nodeSpan(n), names, path: pathTok.image.slice(1, -1), pathSpan: this.tokenSpan(pathTok) };
  }

  private constDecl(n: CstNode): A.ConstDecl | undefined {
    const name = this.ident(n.children, "name");
    if (!name) return undefined;
    return { kind: "Const", span: this.nodeSpan(n), name, value: this.expression(this.node(n.children, "value"), n) };
  }

  private modelDecl(n: CstNode): A.ModelDecl | undefined {
    const name = this.ident(n.children, "name");
    if (!name) return undefined;
    return { kind: "Model", span: this.nodeSpan(n), name, body: this.body(this.node(n.children, "body")) };
  }

  private blockDecl(n: CstNode): A.BlockDecl | undefined {
    const name = this.ident(n.children, "name");
    if (!name) return undefined;
    const params: A.BlockParam[] = [];
    for (const p of this.nodes(n.children, "params")) {
      const pname = this.ident(p.children, "name");
      if (!pname) continue;
      const def = this.node(p.children, "default");
      params.push(def ? { name: pname, default: this.expression(def, p) } : { name: pname });
    }
    return { kind: "Block", span: this.nodeSpan(n), name, params, body: this.body(this.node(n.children, "body")) };
  }

  private body(n: CstNode | undefined): A.Statement[] {
    if (!n) return [];
    const out: A.Statement[] = [];
    for (const st of this.nodes(n.children, "statement")) {
      const s = this.statement(st);
      if (s) out.push(s);
    }
    return out;
  }

  private statement(st: CstNode): A.Statement | undefined {
    const c = st.children;
    const input = this.node(c, "inputDecl");
    if (input) {
      const role = this.token(input.children, "role");
      const name = this.ident(input.children, "name");
      const type = this.node(input.children, "tensorType");
      if (!role || !name || !type) return undefined;
      const tt = this.tensorType(type);
      if (!tt) return undefined;
      return { kind: "Input", span: this.nodeSpan(input), role: role.image === "target" ? "target" : "input", name, type: tt };
    }
    const output = this.node(c, "outputDecl");
    if (output) {
      const name = this.ident(output.children, "name");
      if (!name) return undefined;
      const value = this.node(output.children, "value");
      const decl: A.OutputDecl = { kind: "Output", span: this.nodeSpan(output), name };
      if (value) decl.value = this.expression(value, output);
      return decl;
    }
    const loss = this.node(c, "lossDecl");
    if (loss) return { kind: "Loss", span: this.nodeSpan(loss), call: this.expression(this.node(loss.children, "value"), loss) };
    const gen = this.node(c, "generateDecl");
    if (gen) {
      const feed = this.ident(gen.children, "feed");
      const source = this.ident(gen.children, "source");
      if (!feed || !source) return undefined;
      return { kind: "Generate", span: this.nodeSpan(gen), feed, source, args: this.args(this.node(gen.children, "argumentList")) };
    }
    const con = this.node(c, "constDecl");
    if (con) return this.constDecl(con);
    const binding = this.node(c, "binding");
    if (binding) {
      const name = this.ident(binding.children, "name");
      if (!name) return undefined;
      return { kind: "Binding", span: this.nodeSpan(binding), name, value: this.expression(this.node(binding.children, "value"), binding) };
    }
    return undefined;
  }

  private tensorType(n: CstNode): A.TensorTypeNode | undefined {
    const dt = this.node(n.children, "dtype");
    if (!dt) return undefined;
    const isI32 = (dt.children.I32?.length ?? 0) > 0;
    const isF32 = (dt.children.F32?.length ?? 0) > 0;
    if (!isI32 && !isF32) return undefined;
    return { span: this.nodeSpan(n), dtype: isI32 ? "i32" : "f32", dims: this.nodes(n.children, "dims").map((d) => this.additive(d)) };
  }

  /** `parent` gives the span for a child that recovery left out. */
  private expression(n: CstNode | undefined, parent?: CstNode): A.Expr {
    if (!n) return { kind: "Error", span: parent ? this.nodeSpan(parent) : this.spanOf(NaN, NaN) };
    const headNode = this.node(n.children, "head");
    const head = headNode ? this.additive(headNode) : ({ kind: "Error", span: this.nodeSpan(n) } as A.Expr);
    const stageNodes = this.nodes(n.children, "stages");
    const calls = stageNodes.map((s) => this.call(s));
    // `-> stage * n`: each count belongs to the last stage that starts before it.
    for (const r of this.nodes(n.children, "repeats")) {
      const at = r.location?.startOffset ?? NaN;
      let owner = -1;
      stageNodes.forEach((st, i) => {
        if ((st.location?.startOffset ?? Infinity) < at) owner = i;
      });
      const call = calls[owner];
      const num = this.token(r.children, "number");
      const name = this.token(r.children, "name");
      if (call && num) call.repeat = { kind: "Number", span: this.tokenSpan(num), value: Number(num.image), isInteger: /^\d+$/.test(num.image) };
      else if (call && name) call.repeat = { kind: "Name", span: this.tokenSpan(name), name: name.image };
    }
    const stages = calls.filter((s): s is A.Call => s !== undefined);
    if (stages.length === 0) return head;
    return { kind: "Pipeline", span: this.nodeSpan(n), head, stages };
  }

  private binaryChain(n: CstNode, operand: (c: CstNode) => A.Expr): A.Expr {
    const operands = this.nodes(n.children, "operands");
    const ops = (n.children.ops ?? []) as IToken[];
    if (operands.length === 0) return { kind: "Error", span: this.nodeSpan(n) };
    if (operands.length > MAX_OPERANDS) {
      this.diagnostics.add(Diagnostics.ExpressionTooComplex, undefined, this.nodeSpan(n));
      return { kind: "Error", span: this.nodeSpan(n) };
    }
    let left = operand(operands[0]!);
    // Bounds from the CST, not the operands' spans: a parenthesised operand's
    // node is its inner expression, whose span leaves out the parentheses.
    const start = cstStart(operands[0]!, left.span.start);
    for (let i = 1; i < operands.length; i++) {
      const right = operand(operands[i]!);
      const op = (ops[i - 1]?.image ?? "+") as A.Binary["op"];
      left = { kind: "Binary", span: this.spanOf(start, cstEnd(operands[i]!, right.span.end)), op, left, right };
    }
    return left;
  }

  private additive(n: CstNode): A.Expr {
    return this.binaryChain(n, (m) => this.binaryChain(m, (u) => this.unary(u)));
  }

  private unary(n: CstNode): A.Expr {
    const minus = ((n.children.minus ?? []) as IToken[]).filter((t) => !t.isInsertedInRecovery);
    const p = this.node(n.children, "primary");
    let e: A.Expr = p ? this.primary(p) : { kind: "Error", span: this.nodeSpan(n) };
    if (minus.length > MAX_OPERANDS) {
      this.diagnostics.add(Diagnostics.ExpressionTooComplex, undefined, this.nodeSpan(n));
      return { kind: "Error", span: this.nodeSpan(n) };
    }
    // `-(x)`: the span runs to the closing parenthesis, which x's own span leaves out.
    const end = p ? cstEnd(p, e.span.end) : e.span.end;
    for (let i = minus.length - 1; i >= 0; i--) {
      const t = minus[i]!;
      // Fold `-<number>` into a negative literal: axes like `-1` are common.
      if (e.kind === "Number") e = { ...e, value: -e.value, span: this.spanOf(t.startOffset, end) };
      else e = { kind: "Unary", span: this.spanOf(t.startOffset, end), op: "-", operand: e };
    }
    return e;
  }

  private primary(n: CstNode): A.Expr {
    const c = n.children;
    const num = this.token(c, "number");
    if (num) {
      const value = Number(num.image);
      if (!Number.isFinite(value)) this.diagnostics.add(Diagnostics.InvalidNumber, { text: num.image }, this.tokenSpan(num));
      return { kind: "Number", span: this.tokenSpan(num), value: Number.isFinite(value) ? value : 0, isInteger: /^\d+$/.test(num.image) };
    }
    const bool = this.token(c, "bool");
    if (bool) return { kind: "Bool", span: this.tokenSpan(bool), value: bool.image === "true" };
    const call = this.node(c, "call");
    if (call) {
      const k = this.call(call);
      if (!k) return { kind: "Error", span: this.nodeSpan(call) };
      // A plain identifier is a name reference; the checker decides what it names.
      if (k.bare && !k.alias) return { kind: "Name", span: k.span, name: k.callee.name };
      return k;
    }
    const paren = this.node(c, "parenthesized");
    if (paren) {
      const items = this.nodes(paren.children, "items").map((i) => this.expression(i, paren));
      const commas = paren.children.Comma?.length ?? 0;
      if (items.length === 1 && commas === 0) return items[0]!;
      return { kind: "Tuple", span: this.nodeSpan(paren), items };
    }
    return { kind: "Error", span: this.nodeSpan(n) };
  }

  private call(n: CstNode): A.Call | undefined {
    const callee = this.ident(n.children, "callee");
    if (!callee) return undefined;
    const list = this.node(n.children, "argumentList");
    const call: A.Call = { kind: "Call", span: this.nodeSpan(n), callee, args: this.args(list), bare: !list };
    const alias = this.ident(n.children, "alias");
    if (alias) call.alias = alias;
    return call;
  }

  private args(list: CstNode | undefined): A.Argument[] {
    if (!list) return [];
    return this.nodes(list.children, "args").map((a) => {
      const key = this.ident(a.children, "key");
      const value = this.expression(this.node(a.children, "value"), a);
      return key ? { span: this.nodeSpan(a), key, value } : { span: this.nodeSpan(a), value };
    });
  }
}
