// The .nn grammar (spec §2–§4) as a Chevrotain CST parser. Grammar only: the
// CST becomes an AST in ast-builder.ts. Error recovery is on, so one parse
// reports every syntax error.
import { CstParser, type IParserErrorMessageProvider, type TokenType, type IToken } from "chevrotain";
import * as T from "./tokens.ts";

const ruleDescriptions: Record<string, string> = {
  topLevel: "a declaration (model, block, const or import)",
  statement: "a statement (input, target, output, loss, generate, const or a binding)",
  primary: "an expression",
  unary: "an expression",
  expression: "an expression",
  stage: "a layer or block name",
  dtype: "a dtype (f32 or i32)",
  argument: "an argument",
};

function tokenLabel(t: TokenType): string {
  if (t.LABEL) return t.LABEL;
  if (t.name === "Identifier") return "a name";
  return t.name;
}

/** Produces only the "expected …" part; the builder adds what was found and where. */
const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected }) => tokenLabel(expected),
  buildNotAllInputParsedMessage: () => ruleDescriptions.topLevel!,
  buildNoViableAltMessage: ({ ruleName, expectedPathsPerAlt }) =>
    ruleDescriptions[ruleName] ?? oneOf(expectedPathsPerAlt.flat().map((path) => path[0]).filter((t): t is TokenType => t !== undefined)),
  buildEarlyExitMessage: ({ ruleName, expectedIterationPaths }) =>
    ruleDescriptions[ruleName] ?? oneOf(expectedIterationPaths.map((path) => path[0]).filter((t): t is TokenType => t !== undefined)),
};

function oneOf(tokens: TokenType[]): string {
  const labels = [...new Set(tokens.map(tokenLabel))];
  if (labels.length <= 1) return labels[0] ?? "something else";
  return `one of ${labels.join(", ")}`;
}

export class NnParser extends CstParser {
  constructor() {
    super(T.allTokens, { recoveryEnabled: true, errorMessageProvider: messages, maxLookahead: 3, nodeLocationTracking: "onlyOffset" });
    this.performSelfAnalysis();
  }

  file = this.RULE("file", () => {
    this.MANY(() => this.SUBRULE(this.topLevel));
  });

  topLevel = this.RULE("topLevel", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.importDecl) },
      { ALT: () => this.SUBRULE(this.constDecl) },
      { ALT: () => this.SUBRULE(this.modelDecl) },
      { ALT: () => this.SUBRULE(this.blockDecl) },
    ]);
  });

  importDecl = this.RULE("importDecl", () => {
    this.CONSUME(T.Import);
    this.CONSUME(T.LBrace);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.CONSUME(T.Identifier, { LABEL: "names" }) });
    this.CONSUME(T.RBrace);
    this.CONSUME(T.From);
    this.CONSUME(T.StringLiteral, { LABEL: "path" });
  });

  constDecl = this.RULE("constDecl", () => {
    this.CONSUME(T.Const);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression, { LABEL: "value" });
  });

  modelDecl = this.RULE("modelDecl", () => {
    this.CONSUME(T.Model);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.SUBRULE(this.body);
  });

  blockDecl = this.RULE("blockDecl", () => {
    this.CONSUME(T.Block);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.blockParam, { LABEL: "params" }) });
    this.CONSUME(T.RParen);
    this.SUBRULE(this.body);
  });

  blockParam = this.RULE("blockParam", () => {
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expression, { LABEL: "default" });
    });
  });

  body = this.RULE("body", () => {
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.statement));
    this.CONSUME(T.RBrace);
  });

  statement = this.RULE("statement", () => {
    // One token of lookahead, so that a statement starting with a name is a
    // binding (and `y x` reports the missing '='), unless the gate sees
    // `generate <name>`: `generate` is a contextual keyword, still a valid name.
    this.OR({
      MAX_LOOKAHEAD: 1,
      DEF: [
        { ALT: () => this.SUBRULE(this.inputDecl) },
        { ALT: () => this.SUBRULE(this.outputDecl) },
        { ALT: () => this.SUBRULE(this.lossDecl) },
        { ALT: () => this.SUBRULE(this.constDecl) },
        { GATE: () => this.LA(1).image === "generate" && this.LA(2).tokenType === T.Identifier, ALT: () => this.SUBRULE(this.generateDecl), IGNORE_AMBIGUITIES: true },
        { ALT: () => this.SUBRULE(this.binding) },
      ],
    });
  });

  /** `generate prev from logits(start: 1, stop: 2)`: decoding feeds each step's prediction back into `prev`. */
  generateDecl = this.RULE("generateDecl", () => {
    this.CONSUME(T.Identifier, { LABEL: "keyword" });
    this.CONSUME2(T.Identifier, { LABEL: "feed" });
    this.CONSUME(T.From);
    this.CONSUME3(T.Identifier, { LABEL: "source" });
    this.OPTION(() => this.SUBRULE(this.argumentList));
  });

  inputDecl = this.RULE("inputDecl", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Input, { LABEL: "role" }) }, { ALT: () => this.CONSUME(T.Target, { LABEL: "role" }) }]);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.Colon);
    this.SUBRULE(this.tensorType);
  });

  tensorType = this.RULE("tensorType", () => {
    this.SUBRULE(this.dtype);
    this.OPTION(() => {
      this.CONSUME(T.LBracket);
      this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.additive, { LABEL: "dims" }) });
      this.CONSUME(T.RBracket);
    });
  });

  dtype = this.RULE("dtype", () => {
    this.OR([{ ALT: () => this.CONSUME(T.F32) }, { ALT: () => this.CONSUME(T.I32) }]);
  });

  outputDecl = this.RULE("outputDecl", () => {
    this.CONSUME(T.Output);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expression, { LABEL: "value" });
    });
  });

  lossDecl = this.RULE("lossDecl", () => {
    this.CONSUME(T.Loss);
    this.SUBRULE(this.expression, { LABEL: "value" });
  });

  binding = this.RULE("binding", () => {
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression, { LABEL: "value" });
  });

  /** Loosest: a pipeline `additive (-> stage (* count)?)*`; `-> Block(…) * 6` repeats a stage. */
  expression = this.RULE("expression", () => {
    this.SUBRULE(this.additive, { LABEL: "head" });
    this.MANY(() => {
      this.CONSUME(T.Arrow);
      this.SUBRULE(this.stage, { LABEL: "stages" });
      this.OPTION(() => {
        this.CONSUME(T.Star, { LABEL: "repeatStar" });
        this.SUBRULE(this.repeatCount, { LABEL: "repeats" });
      });
    });
  });

  /** The n of `-> stage * n`: a number or a const's name. */
  repeatCount = this.RULE("repeatCount", () => {
    this.OR([{ ALT: () => this.CONSUME(T.NumberLiteral, { LABEL: "number" }) }, { ALT: () => this.CONSUME(T.Identifier, { LABEL: "name" }) }]);
  });

  stage = this.RULE("stage", () => {
    this.CONSUME(T.Identifier, { LABEL: "callee" });
    this.OPTION(() => this.SUBRULE(this.argumentList));
    this.OPTION2(() => {
      this.CONSUME(T.As);
      this.CONSUME2(T.Identifier, { LABEL: "alias" });
    });
  });

  additive = this.RULE("additive", () => {
    this.SUBRULE(this.multiplicative, { LABEL: "operands" });
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Plus, { LABEL: "ops" }) }, { ALT: () => this.CONSUME(T.Minus, { LABEL: "ops" }) }]);
      this.SUBRULE2(this.multiplicative, { LABEL: "operands" });
    });
  });

  multiplicative = this.RULE("multiplicative", () => {
    this.SUBRULE(this.unary, { LABEL: "operands" });
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Star, { LABEL: "ops" }) }, { ALT: () => this.CONSUME(T.Slash, { LABEL: "ops" }) }]);
      this.SUBRULE2(this.unary, { LABEL: "operands" });
    });
  });

  /** Unary minus as a loop, not recursion, so `- - - … x` cannot overflow the stack. */
  unary = this.RULE("unary", () => {
    this.MANY(() => this.CONSUME(T.Minus, { LABEL: "minus" }));
    this.SUBRULE(this.primary);
  });

  primary = this.RULE("primary", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral, { LABEL: "number" }) },
      { ALT: () => this.CONSUME(T.True, { LABEL: "bool" }) },
      { ALT: () => this.CONSUME(T.False, { LABEL: "bool" }) },
      { ALT: () => this.SUBRULE(this.stage, { LABEL: "call" }) },
      { ALT: () => this.SUBRULE(this.parenthesized) },
    ]);
  });

  /** `(e)` groups; `(a, b, …)` is a tuple. */
  parenthesized = this.RULE("parenthesized", () => {
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression, { LABEL: "items" }) });
    this.CONSUME(T.RParen);
  });

  argumentList = this.RULE("argumentList", () => {
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.argument, { LABEL: "args" }) });
    this.CONSUME(T.RParen);
  });

  argument = this.RULE("argument", () => {
    this.OPTION(() => {
      this.CONSUME(T.Identifier, { LABEL: "key" });
      this.CONSUME(T.Colon);
    });
    this.SUBRULE(this.expression, { LABEL: "value" });
  });
}

/** One parser instance, reused (Chevrotain's recommendation: self-analysis is costly). */
let instance: NnParser | undefined;
export function getParser(): NnParser {
  instance ??= new NnParser();
  return instance;
}

export type { IToken };
