// Tokens of the .nn language (spec §2). Order matters: keywords before
// Identifier (each keyword uses `longer_alt` so `inputs` stays an identifier),
// and `->` before `-`.
import { createToken, Lexer, type TokenType } from "chevrotain";

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED, line_breaks: true });
export const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\n\r]*/, group: "comments" });
export const BlockComment = createToken({ name: "BlockComment", pattern: /\/\*[\s\S]*?\*\//, group: "comments", line_breaks: true });
/** An unterminated block comment: lexed as one token so it can be reported at its opening. */
export const UnclosedBlockComment = createToken({ name: "UnclosedBlockComment", pattern: /\/\*[\s\S]*/, group: "comments", line_breaks: true });

/**
 * Identifiers (spec §2): Unicode letters and decimal digits (`größe`, `模型`),
 * which are also valid JavaScript identifier characters; ASCII is the base form.
 */
const identifierPattern = /[\p{L}_][\p{L}\p{Nd}_]*/uy;
export const Identifier = createToken({
  name: "Identifier",
  // A custom matcher: Chevrotain does not run `u`-flag regexps itself.
  pattern: {
    exec(text: string, offset: number): RegExpExecArray | null {
      identifierPattern.lastIndex = offset;
      return identifierPattern.exec(text);
    },
  },
  line_breaks: false,
});

function keyword(word: string): TokenType {
  return createToken({ name: word[0]!.toUpperCase() + word.slice(1), pattern: new RegExp(word), longer_alt: Identifier, label: `'${word}'` });
}

export const Model = keyword("model");
export const Block = keyword("block");
export const Input = keyword("input");
export const Target = keyword("target");
export const Output = keyword("output");
export const Loss = keyword("loss");
export const Const = keyword("const");
export const As = keyword("as");
export const Import = keyword("import");
export const From = keyword("from");
export const F32 = keyword("f32");
export const I32 = keyword("i32");
export const True = keyword("true");
export const False = keyword("false");

export const NumberLiteral = createToken({ name: "NumberLiteral", pattern: /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/, label: "number" });
export const StringLiteral = createToken({ name: "StringLiteral", pattern: /"[^"\n\r]*"/, label: "string" });
export const UnclosedString = createToken({ name: "UnclosedString", pattern: /"[^"\n\r]*/ });

export const Arrow = createToken({ name: "Arrow", pattern: /->/, label: "'->'" });
export const Plus = createToken({ name: "Plus", pattern: /\+/, label: "'+'" });
export const Minus = createToken({ name: "Minus", pattern: /-/, label: "'-'" });
export const Star = createToken({ name: "Star", pattern: /\*/, label: "'*'" });
export const Slash = createToken({ name: "Slash", pattern: /\//, label: "'/'" });
export const Equals = createToken({ name: "Equals", pattern: /=/, label: "'='" });
export const Colon = createToken({ name: "Colon", pattern: /:/, label: "':'" });
export const Comma = createToken({ name: "Comma", pattern: /,/, label: "','" });
export const Dot = createToken({ name: "Dot", pattern: /\./, label: "'.'" });
export const LParen = createToken({ name: "LParen", pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: "RParen", pattern: /\)/, label: "')'" });
export const LBracket = createToken({ name: "LBracket", pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: "RBracket", pattern: /]/, label: "']'" });
export const LBrace = createToken({ name: "LBrace", pattern: /{/, label: "'{'" });
export const RBrace = createToken({ name: "RBrace", pattern: /}/, label: "'}'" });

export const keywords = [Model, Block, Input, Target, Output, Loss, Const, As, Import, From, F32, I32, True, False];

export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnclosedBlockComment,
  ...keywords,
  Identifier,
  NumberLiteral,
  StringLiteral,
  UnclosedString,
  Arrow,
  Plus,
  Minus,
  Star,
  Slash,
  Equals,
  Colon,
  Comma,
  Dot,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
];

export const keywordNames = new Set(["model", "block", "input", "target", "output", "loss", "const", "as", "import", "from", "f32", "i32", "true", "false"]);

export const nnLexer = new Lexer(allTokens, { ensureOptimizations: false, positionTracking: "full" });
