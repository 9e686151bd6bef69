// The `.nn` language for Monaco: Monarch tokens (keywords, layer names,
// numbers, strings, comments), bracket matching and comment toggling.
import { layers } from "../../../compiler/layers/registry.ts";
import { KEYWORDS } from "../../../compiler/service/keywords.ts";
import { monaco } from "./monaco.ts";

export const NN = "nn";

export function registerNnLanguage(): void {
  monaco.languages.register({ id: NN, extensions: [".nn"], aliases: ["nn", ".nn"] });
  monaco.languages.setLanguageConfiguration(NN, {
    comments: { lineComment: "//", blockComment: ["/*", "*/"] },
    brackets: [
      ["{", "}"],
      ["[", "]"],
      ["(", ")"],
    ],
    autoClosingPairs: [
      { open: "{", close: "}" },
      { open: "[", close: "]" },
      { open: "(", close: ")" },
      { open: '"', close: '"', notIn: ["string", "comment"] },
      { open: "/*", close: " */", notIn: ["string"] },
    ],
    surroundingPairs: [
      { open: "(", close: ")" },
      { open: "[", close: "]" },
      { open: "{", close: "}" },
    ],
  });
  monaco.languages.setMonarchTokensProvider(NN, {
    keywords: [...KEYWORDS],
    layers: [...layers.keys()],
    tokenizer: {
      root: [
        [/\/\/.*$/, "comment"],
        [/\/\*/, "comment", "@comment"],
        [/"[^"\n]*"/, "string"],
        [/[A-Za-z_][A-Za-z0-9_]*/, { cases: { "@keywords": "keyword", "@layers": "type.identifier", "[A-Z][A-Z0-9_]*": "constant", "@default": "identifier" } }],
        [/(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/, "number"],
        [/->/, "operator"],
        [/[+\-*/=:]/, "operator"],
        [/[{}()[\]]/, "@brackets"],
        [/[,.]/, "delimiter"],
      ],
      comment: [
        [/\*\//, "comment", "@pop"],
        [/[^*]+/, "comment"],
        [/\*/, "comment"],
      ],
    },
  });
}
