// The catalogue of every diagnostic code (one place, so codes stay unique and
// documented); call sites pass only the values that fill the message. The
// model (Diagnostic, DiagnosticBag) and the syntax codes come from
// grammar/diagnostics.ts, which the parser uses without the compiler.
import { error, syntaxDiagnostics, warning } from "../grammar/diagnostics.ts";
import { MAX_NODES, MAX_PARAMS, formatCount } from "./limits.ts";

export { DiagnosticBag, sortDiagnostics, type Diagnostic, type DiagnosticEntry, type Related, type Severity } from "../grammar/diagnostics.ts";

type Named = { name: string };

/**
 * The catalogue. Ranges: NN1xxx lexing and syntax, NN2xxx names and
 * arguments, NN3xxx types and shapes, NN4xxx files, imports and blocks, NN5xxx code generation, NN6xxx export.
 */
export const Diagnostics = {
  ...syntaxDiagnostics,

  // ── names and arguments ──
  UndefinedName: error<Named>("NN2001", (a) => `'${a.name}' is not defined`),
  DuplicateBinding: error<Named>("NN2002", (a) => `'${a.name}' is already defined`),
  UnknownLayer: error<Named>("NN2003", (a) => `unknown layer or block '${a.name}'`),
  UnknownOption: error<{ layer: string; option: string }>("NN2004", (a) => `${a.layer} has no option '${a.option}'`),
  DuplicateOption: error<{ layer: string; option: string }>("NN2005", (a) => `${a.layer}: option '${a.option}' is given twice`),
  MissingOption: error<{ layer: string; option: string }>("NN2006", (a) => `${a.layer} needs option '${a.option}'`),
  TooManyArguments: error<{ layer: string; max: number; got: number }>("NN2007", (a) => `${a.layer} takes ${a.max === 0 ? "no" : `at most ${a.max}`} positional option${a.max === 1 ? "" : "s"}, got ${a.got}`),
  WrongInputCount: error<{ layer: string; expected: string; got: number }>("NN2008", (a) => `${a.layer} takes ${a.expected} input${a.expected === "1" ? "" : "s"}, got ${a.got}`),
  BadOptionValue: error<{ layer: string; option: string; expected: string; got: string }>("NN2009", (a) => `${a.layer}: option '${a.option}' expects ${a.expected}, got ${a.got}`),
  BindingShadowsLayer: error<Named>("NN2010", (a) => `'${a.name}' is a layer name and cannot be used as a binding`),
  DuplicateLayerName: error<Named>("NN2011", (a) => `layer name '${a.name}' is already used in this model`),
  UsedBeforeDefinition: error<Named>("NN2012", (a) => `'${a.name}' is used before its definition`),
  NotATensor: error<{ what: string; kind: string }>("NN2013", (a) => `${a.what} is ${a.kind}, not a tensor`),
  NotAConstant: error<{ what: string }>("NN2014", (a) => `${a.what} is a tensor, not a compile-time constant`),
  PositionalAfterNamed: error("NN2015", () => "positional arguments must come before named ones"),
  DuplicateLoss: error("NN2016", () => "a model has at most one loss"),
  NotALoss: error<Named & { losses: string }>("NN2017", (a) => `'${a.name}' is not a loss; losses are ${a.losses}`),
  LossOutsideLossStatement: error<Named>("NN2018", (a) => `the loss '${a.name}' may only be used in a 'loss' statement`),
  NoOutput: error<Named>("NN2019", (a) => `${a.name} has no output`),
  BlockOutputCount: error<{ name: string; got: number }>("NN2020", (a) => `block ${a.name} must have exactly one output, has ${a.got}`),
  LossInBlock: error("NN2021", () => "a block cannot declare a loss or a target"),
  AliasOnNonLayer: error("NN2022", () => "'as' names a layer call; this is not one"),
  DuplicateDeclaration: error<{ kind: string; name: string }>("NN2023", (a) => `${a.kind} '${a.name}' is already declared in this file`),
  UnusedValue: warning<Named>("NN2024", (a) => `'${a.name}' is computed but never used`),
  InputUnused: warning<Named>("NN2025", (a) => `input '${a.name}' is never used`),
  DuplicateOutput: error<Named>("NN2026", (a) => `'${a.name}' is already marked as an output`),
  GenerateInBlock: error("NN2027", () => "a block cannot declare 'generate'; declare it in the model that decodes"),
  DuplicateGenerate: error("NN2028", () => "a model has at most one 'generate'"),

  // ── types and shapes ──
  ShapeMismatch: error<{ what: string; left: string; right: string }>("NN3001", (a) => `${a.what}: ${a.left} and ${a.right} do not match`),
  LayerInputMismatch: error<{ layer: string; expected: string; got: string }>("NN3002", (a) => `${a.layer} expects ${a.expected}, got ${a.got}`),
  DtypeMismatch: error<{ layer: string; expected: string; got: string }>("NN3003", (a) => `${a.layer} expects ${a.expected}, got ${a.got}`),
  SymbolicNotAllowed: error<{ layer: string; what: string; dim: string }>("NN3004", (a) => `${a.layer} needs a static ${a.what}, got the symbolic size ${a.dim}`),
  KernelTooLarge: error<{ layer: string; axis: number; window: string; size: string }>("NN3005", (a) => `${a.layer}: the window (${a.window}) is larger than the input along axis ${a.axis} (${a.size}, after padding)`),
  HeadsDoNotDivide: error<{ heads: number; width: string }>("NN3006", (a) => `attention: heads (${a.heads}) must divide the width d = ${a.width}`),
  AxisOutOfRange: error<{ layer: string; axis: number; rank: number }>("NN3007", (a) => `${a.layer}: axis ${a.axis} is out of range for a rank-${a.rank} input`),
  NotAnInteger: error<{ what: string; value: string }>("NN3008", (a) => `${a.what} must be an integer, got ${a.value}`),
  NotPositive: error<{ what: string; value: string }>("NN3009", (a) => `${a.what} must be positive, got ${a.value}`),
  LabelShapeMismatch: error<{ loss: string; expected: string; got: string }>("NN3010", (a) => `${a.loss} expects labels of shape ${a.expected}, got ${a.got}`),
  ReshapeMismatch: error<{ from: string; to: string }>("NN3011", (a) => `reshape cannot turn ${a.from} into ${a.to}: the sizes differ`),
  DivisionByZero: error("NN3012", () => "division by zero in a constant expression"),
  SymbolConflict: error<{ symbol: string; first: string; second: string }>("NN3013", (a) => `symbol ${a.symbol} is bound to ${a.first} and to ${a.second}`),
  RankMismatch: error<{ what: string; expected: number; got: string }>("NN3014", (a) => `${a.what} expects rank ${a.expected}, got ${a.got}`),
  ArithmeticOnConstant: error("NN3015", () => "arithmetic between a tensor and a number is not supported; use a layer"),
  BadDim: error<{ value: string }>("NN3016", (a) => `a dimension must be a positive integer, got ${a.value}`),
  InvalidTupleLength: error<{ layer: string; option: string; expected: number; got: number }>("NN3017", (a) => `${a.layer}: option '${a.option}' needs ${a.expected} value${a.expected === 1 ? "" : "s"} (one per spatial axis), got ${a.got}`),
  CausalCross: error("NN3018", () => "attention: causal masking applies to self-attention only, not to cross-attention"),
  InvalidOperands: error<{ op: string; left: string; right: string }>("NN3020", (a) => `'${a.op}' cannot combine ${a.left} and ${a.right}`),
  SizeTooLarge: error<{ what: string; size: string; limit: number }>("NN3021", (a) => `${a.what} has ${a.size} elements, more than the ${a.limit} an array can hold`),
  GenerateFeed: error<{ name: string; got: string }>("NN3022", (a) => `generate feeds predictions into '${a.name}', which must be an i32 input with one token per step ([T]); got ${a.got}`),
  GenerateSource: error<{ name: string; feed: string; steps: string; got: string }>("NN3023", (a) => `generate reads '${a.name}' as scores [${a.steps}, classes], one row per step of '${a.feed}'; got ${a.got}`),
  GenerateNotOutput: error<Named>("NN3024", (a) => `generate reads '${a.name}', which is not an output of the model`),
  LooksAhead: error<{ layer: string; source: string; feed: string }>("NN3025", (a) => `generate: ${a.layer} lets step t of '${a.source}' see steps of '${a.feed}' after t, so it cannot be decoded one step at a time`),
  // The limits (compiler/limits.ts) are part of the messages, so docs/diagnostics.md states them.
  TooManyNodes: error<{ what: string; count: string }>("NN3026", (a) => `${a.what} makes ${a.count} instances of layers and blocks; a model may have at most ${formatCount(MAX_NODES)}`),
  TooManyParameters: error<{ name: string; count: string }>("NN3027", (a) => `model ${a.name} has ${a.count} parameters; a model may have at most ${formatCount(MAX_PARAMS)} (2^28, 1 GiB as f32)`),
  DtypeConflict: error<{ what: string; left: string; right: string }>("NN3019", (a) => `${a.what}: dtypes ${a.left} and ${a.right} differ`),

  // ── files, imports and blocks ──
  FileNotFound: error<{ path: string }>("NN4001", (a) => `cannot find file '${a.path}'`),
  ImportCycle: error<{ cycle: string }>("NN4002", (a) => `import cycle: ${a.cycle}`),
  NotExported: error<{ name: string; path: string }>("NN4003", (a) => `'${a.path}' has no block or const named '${a.name}'`),
  MissingBlockArgument: error<{ block: string; param: string }>("NN4004", (a) => `block ${a.block} needs parameter '${a.param}'`),
  BlockRecursion: error<Named>("NN4005", (a) => `block ${a.name} instantiates itself`),
  BlockInstanceError: error<{ block: string; instance: string }>("NN4006", (a) => `in block ${a.block} (instance ${a.instance})`),
  ModelAsStage: error<Named>("NN4007", (a) => `'${a.name}' is a model; only blocks can be used as stages`),

  // ── code generation ──
  CodegenUnsupported: error<{ text: string }>("NN5001", (a) => a.text),
  SpecializeTooSmall: error<{ symbol: string; value: number; model: string; layer: string; min: number }>("NN5002", (a) => `--specialize ${a.symbol}=${a.value} is too short for ${a.model}: ${a.layer} needs ${a.symbol} ≥ ${a.min}`),

  // ── export ──
  ExportUnsupported: error<{ layer: string; kind: string; format: string; why: string }>("NN6001", (a) => `${a.layer} (${a.kind}) cannot be exported to ${a.format}: ${a.why}`),
} as const;
