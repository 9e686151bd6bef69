// A checked file's top-level names: its consts, the blocks it defines or
// imports, and its models.
import type * as A from "../../grammar/ast.ts";
import type { Span } from "../../grammar/source.ts";
import type { ConstValue } from "../types.ts";

export interface BlockRef {
  decl: A.BlockDecl;
  /** The file that defines the block: its body sees that file's consts. */
  unit: FileUnit;
}

export interface FileUnit {
  path: string;
  ast: A.FileNode;
  consts: Map<string, { kind: "const"; value: ConstValue; declared: Span }>;
  blocks: Map<string, BlockRef>;
  models: Map<string, A.ModelDecl>;
  /** Top-level names whose declaration failed (an import not found, a const in error): already reported, so their uses stay silent. */
  failed: Set<string>;
}
