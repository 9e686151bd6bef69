// A Prettier 3 plugin for .nn files. Browser-safe: it imports only the
// compiler's parser and `prettier/doc`, so it works with `prettier/standalone`.
//
//   import * as prettier from "prettier";
//   import * as nn from "nnc/prettier";
//   await prettier.format(text, { parser: "nn", plugins: [nn] });
//
// or in a Prettier config: `{ "plugins": ["nnc/prettier"] }`.
import type { Parser, Plugin, SupportLanguage } from "prettier";
import { locEnd, locStart, parse } from "./parser.ts";
import { printer } from "./printer.ts";
import type { FNode } from "./fast.ts";

export const languages: SupportLanguage[] = [
  {
    name: "nn",
    parsers: ["nn"],
    extensions: [".nn"],
    vscodeLanguageIds: ["nn"],
  },
];

export const parsers: Record<string, Parser<FNode>> = {
  nn: {
    parse: (text) => parse(text),
    astFormat: "nn-ast",
    locStart,
    locEnd,
  },
};

export const printers = { "nn-ast": printer };

const plugin: Plugin<FNode> = { languages, parsers, printers };
export default plugin;
