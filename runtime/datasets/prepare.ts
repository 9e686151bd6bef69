// From an opened data set to the model's arrays: map fields to inputs and
// targets by name (mapping.ts), then read and check every example
// (encode.ts); or, for plain text, build the vocabulary and cut windows
// (text.ts). Browser-safe.
import { encodeRecords, type DataInfo, type Encoded } from "./encode.ts";
import { describeSpec, planFeeds, type Feed, type ModelDescription } from "./mapping.ts";
import { DataError, type DataRecord, type RecordSource } from "./source.ts";
import { buildVocabulary, encodeCharacters, textWindows } from "./text.ts";

export interface PrepareOptions {
  /** `--map`: input or target → fields. */
  map?: Readonly<Record<string, readonly string[]>>;
  /** Whether targets must be present (training, evaluation) or only used where found (prediction). */
  targets: boolean;
  /** Class targets and how many classes the model predicts for each (see probeClasses). */
  classes: Readonly<Record<string, number>>;
  /** What the weights (or the training data) fixed: class names, statistics, vocabulary. */
  info?: DataInfo;
  /** Learn standardisation statistics where `info` has none (default true). */
  standardize?: boolean;
  /** A next-character model with a symbolic T: characters per window (default 64). */
  window?: number;
  /** Characters between windows' starts (default T / 2: windows overlap by half). */
  stride?: number;
  onBytes?(bytes: number): void;
}

export interface Prepared {
  data: Encoded;
  info: DataInfo;
  feeds: Feed[];
}

/** The first record of a source, to see what its fields hold (numbers, arrays, images). */
export async function firstRecord(source: RecordSource): Promise<DataRecord | undefined> {
  const it = source.records()[Symbol.asyncIterator]();
  try {
    const first = await it.next();
    return first.done ? undefined : first.value;
  } finally {
    await it.return?.();
  }
}

/** Maps and reads a record source into the model's arrays. */
export async function prepareRecords(model: ModelDescription, source: RecordSource, options: PrepareOptions): Promise<Prepared> {
  const sample = await firstRecord(source);
  const feeds = planFeeds(model, source, sample, { map: options.map, targets: options.targets });
  const { data, info } = await encodeRecords(source, { feeds, classes: options.classes, info: options.info, standardize: options.standardize, onBytes: options.onBytes });
  return { data, info: { ...options.info, ...info }, feeds };
}

/** The i32[T] input and i32[T] target of a next-character model, or a DataError saying what it lacks. */
export function textFeeds(model: ModelDescription, file: string): { input: string; target: string; steps: number | string } {
  const seq = (s: { dtype: string; shape: readonly (number | string)[] }) => s.dtype === "i32" && s.shape.length === 1;
  const inputs = Object.entries(model.inputs).filter(([, s]) => seq(s));
  const target = model.loss?.target ?? Object.keys(model.targets)[0];
  const targetSpec = target !== undefined ? model.targets[target] : undefined;
  if (inputs.length !== 1 || Object.keys(model.inputs).length !== 1 || !targetSpec || !seq(targetSpec) || model.loss?.kind !== "cross_entropy") {
    const list = [...Object.entries(model.inputs), ...Object.entries(model.targets)].map(([n, s]) => describeSpec(n, s)).join(", ");
    throw new DataError({ file }, `plain text trains a next-character model: one input i32[T] and one cross_entropy target i32[T]; ${model.name} has ${list}`);
  }
  return { input: inputs[0]![0], target: target!, steps: inputs[0]![1].shape[0]! };
}

/** Plain text as windows of characters and the same windows one character on, with its vocabulary. */
export function prepareText(model: ModelDescription, file: string, text: string, options: PrepareOptions): Prepared {
  const { input, target, steps } = textFeeds(model, file);
  const vocabulary = options.info?.vocabulary ?? buildVocabulary(text);
  const classes = options.classes[target];
  if (classes !== undefined && vocabulary.length > classes) {
    throw new DataError({ file }, `the text has ${vocabulary.length} distinct characters, but ${model.name} predicts ${classes} classes; give its output ${vocabulary.length} classes or more`);
  }
  const T = typeof steps === "number" ? steps : (options.window ?? 64);
  const tokens = encodeCharacters(text, vocabulary, file);
  const windows = textWindows(tokens, T, options.stride ?? Math.max(1, Math.floor(T / 2)));
  if (windows.count === 0) throw new DataError({ file }, `the text has ${tokens.length} characters, too few for one window of ${T} and the character after it`);
  const data: Encoded = { count: windows.count, arrays: { [input]: windows.input, [target]: windows.target }, dims: typeof steps === "string" ? { [steps]: T } : {} };
  const spec = model.inputs[input]!;
  const feeds: Feed[] = [
    { name: input, role: "input", spec, from: "field", field: "text" },
    { name: target, role: "target", spec: model.targets[target]!, from: "field", field: "text (one character on)" },
  ];
  return { data, info: { ...options.info, vocabulary }, feeds };
}
