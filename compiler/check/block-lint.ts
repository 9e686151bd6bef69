// A block whose parameters have no defaults cannot be instantiated until a
// model calls it. If none does, this pass still finds what needs no shapes:
// undefined names, unknown layers and blocks, unknown options.
import type * as A from "../../grammar/ast.ts";
import { Diagnostics, type DiagnosticBag } from "../diagnostics.ts";
import { layers } from "../layers/registry.ts";
import { didYouMean } from "./suggest.ts";
import type { BlockRef } from "./units.ts";

export function lintBlock(ref: BlockRef, bag: DiagnosticBag): void {
  const { decl, unit } = ref;
  const defined = new Set<string>([...decl.params.map((p) => p.name.name), ...unit.consts.keys(), ...unit.failed]);
  for (const st of decl.body) if (st.kind !== "Loss" && st.kind !== "Generate") defined.add(st.kind === "Input" || st.kind === "Binding" || st.kind === "Const" || st.kind === "Output" ? st.name.name : "");

  const tensor = (e: A.Expr): void => {
    if (e.kind === "Name" && !defined.has(e.name)) {
      const hint = didYouMean(e.name, defined);
      bag.add(Diagnostics.UndefinedName, { name: e.name }, e.span, hint ? { hint } : {});
    } else walk(e);
  };
  const call = (c: A.Call, piped: boolean): void => {
    const name = c.callee.name;
    const layer = layers.get(name);
    const block = unit.blocks.get(name);
    if (!layer && !block && !unit.failed.has(name)) {
      const hint = didYouMean(name, [...layers.keys(), ...unit.blocks.keys()]);
      bag.add(Diagnostics.UnknownLayer, { name }, c.callee.span, hint ? { hint } : {});
    }
    const options = layer ? layer.options.map((o) => o.name) : block ? block.decl.params.map((p) => p.name.name) : undefined;
    c.args.forEach((arg, i) => {
      if (arg.key && options && !options.includes(arg.key.name)) {
        const hint = didYouMean(arg.key.name, options);
        bag.add(Diagnostics.UnknownOption, { layer: layer ? name : `block ${name}`, option: arg.key.name }, arg.key.span, hint ? { hint } : {});
      }
      // Without a piped input, the first positional argument is the call's input tensor.
      if (i === 0 && !arg.key && !piped) tensor(arg.value);
      else walk(arg.value);
    });
  };
  const walk = (e: A.Expr): void => {
    switch (e.kind) {
      case "Pipeline":
        tensor(e.head);
        e.stages.forEach((s) => call(s, true));
        break;
      case "Call":
        call(e, false);
        break;
      case "Binary":
        tensor(e.left);
        tensor(e.right);
        break;
      case "Unary":
        tensor(e.operand);
        break;
      case "Tuple":
        e.items.forEach(walk);
        break;
      default:
        break;
    }
  };
  for (const st of decl.body) {
    if (st.kind === "Loss" || (st.kind === "Input" && st.role === "target")) bag.add(Diagnostics.LossInBlock, undefined, st.span);
    if (st.kind === "Generate") bag.add(Diagnostics.GenerateInBlock, undefined, st.span);
    if (st.kind === "Binding" || st.kind === "Const") tensor(st.value);
    else if (st.kind === "Output") tensor(st.value ?? { kind: "Name", name: st.name.name, span: st.name.span });
    else if (st.kind === "Loss") walk(st.call);
  }
}
