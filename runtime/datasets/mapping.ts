// Which fields of the data feed which of the model's inputs and targets, by
// name, with defaults that need no flags in the common case:
//
//  1. `--map name=col,col,…` (the `map` option) says it outright;
//  2. a field named like the input or target feeds it;
//  3. an input `x: f32[k]` takes the columns x.0 … x.{k-1} when all are there;
//  4. when one f32 input is left (and at most one target of one value per
//     example: an i32 class or an f32 number), the target takes the last
//     field that is left, and the input takes what remains: one array or
//     image field, or the numeric columns in order;
//  5. an i32 scalar input that is still left, in a model with a sequence
//     input, is filled with each example's sequence length.
//
// Anything still without data is a DataError naming the input, its type, the
// file's fields and how to map it. Browser-safe.
import type { TensorSpec } from "../io.ts";
import { DataError, type DataRecord, type FieldValue, type RecordSource } from "./source.ts";

/** What a model class says of itself (its statics, spec §8). */
export interface ModelDescription {
  readonly name: string;
  readonly inputs: Readonly<Record<string, TensorSpec>>;
  readonly targets: Readonly<Record<string, TensorSpec>>;
  readonly loss: { kind: string; prediction: string | null; target: string | null } | null;
}

export type Role = "input" | "target";

/** How one input or target is filled from a record. */
export type Feed = { name: string; role: Role; spec: TensorSpec } & (
  | { from: "columns"; columns: string[] }
  | { from: "field"; field: string }
  | { from: "lengths"; of: string }
);

export interface MappingOptions {
  /** `--map`: input or target name → the fields that feed it, in order. */
  map?: Readonly<Record<string, readonly string[]>>;
  /** Whether the targets must be found (training, evaluation); prediction uses them only where present. */
  targets: boolean;
}

/** `x: f32[4]`, `label: i32`. */
export function describeSpec(name: string, spec: TensorSpec): string {
  return `${name}: ${spec.dtype}${spec.shape.length ? `[${spec.shape.join(", ")}]` : ""}`;
}

/** The number of values per example of a static shape; undefined when a dim is symbolic. */
export function staticSize(spec: TensorSpec): number | undefined {
  let n = 1;
  for (const d of spec.shape) {
    if (typeof d !== "number") return undefined;
    n *= d;
  }
  return n;
}

/**
 * Whether a field's value is meant as one number: a JSON number, a numeric
 * string, or a missing one (empty, NaN, Infinity), which reading reports at
 * its line rather than taking the column for text.
 */
export function isNumeric(v: FieldValue | undefined): boolean {
  if (typeof v === "number" || v === null) return true;
  if (typeof v === "string") {
    const t = v.trim();
    return t === "" || !Number.isNaN(Number(t)) || /^[+-]?(nan|inf(inity)?)$/i.test(t);
  }
  return false;
}

const isScalarValue = (v: FieldValue | undefined): boolean => v === undefined || v === null || typeof v !== "object";

/** Parses `--map x=a,b,c` (repeatable, or joined with `;`) into a map. */
export function parseMap(texts: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null);
  for (const text of texts.flatMap((t) => t.split(";")).filter((t) => t.trim() !== "")) {
    const eq = text.indexOf("=");
    if (eq <= 0 || eq === text.length - 1) throw new Error(`--map takes name=field,field,…, got '${text}'`);
    out[text.slice(0, eq).trim()] = text
      .slice(eq + 1)
      .split(",")
      .map((c) => c.trim());
  }
  return out;
}

/** Plans a Feed for each of the model's inputs (and targets), or throws a DataError saying what is missing. */
export function planFeeds(model: ModelDescription, source: Pick<RecordSource, "name" | "fields" | "format">, sample: DataRecord | undefined, options: MappingOptions): Feed[] {
  const fields = source.fields;
  const has = (f: string) => fields.includes(f);
  const where = { file: source.name };
  const planned = new Map<string, Feed>();
  const used = new Set<string>();
  const all: [string, Role, TensorSpec][] = [
    ...Object.entries(model.inputs).map(([n, s]) => [n, "input", s] as [string, Role, TensorSpec]),
    ...Object.entries(model.targets).map(([n, s]) => [n, "target", s] as [string, Role, TensorSpec]),
  ];
  const add = (name: string, role: Role, spec: TensorSpec, columns: string[]) => {
    planned.set(name, columns.length === 1 ? { name, role, spec, from: "field", field: columns[0]! } : { name, role, spec, from: "columns", columns });
    for (const c of columns) used.add(c);
  };

  // 1. --map
  for (const [name, columns] of Object.entries(options.map ?? {})) {
    const entry = all.find(([n]) => n === name);
    if (!entry) throw new DataError(where, `--map names '${name}', which is not an input or target of ${model.name} (${all.map(([n, , s]) => describeSpec(n, s)).join(", ")})`);
    const missing = columns.filter((c) => !has(c));
    if (missing.length) throw new DataError(where, `--map ${name}=…: no field ${missing.map((c) => `'${c}'`).join(", ")} in the data (its fields: ${fields.join(", ")})`);
    add(name, entry[1], entry[2], [...columns]);
  }
  // 2. By name, and 3. x.0 … x.{k-1}.
  for (const [name, role, spec] of all) {
    if (planned.has(name)) continue;
    if (has(name)) add(name, role, spec, [name]);
    else {
      const k = staticSize(spec);
      if (k !== undefined && k > 0) {
        const columns = Array.from({ length: k }, (_, i) => `${name}.${i}`);
        if (columns.every(has)) add(name, role, spec, columns);
      }
    }
  }
  // 4. One f32 input left, at most one i32 scalar target: the usual table or image folder.
  const left = (role: Role) => all.filter(([n, r]) => r === role && !planned.has(n));
  const inputsLeft = left("input").filter(([, , s]) => !(s.dtype === "i32" && s.shape.length === 0));
  const targetsLeft = left("target");
  // One value per example: a class index, or a regression's one number.
  const scalarTarget = (s: TensorSpec) => (s.dtype === "i32" && s.shape.length === 0) || (s.dtype === "f32" && staticSize(s) === 1);
  if (inputsLeft.length === 1 && inputsLeft[0]![2].dtype === "f32" && targetsLeft.length <= 1 && targetsLeft.every(([, , s]) => scalarTarget(s))) {
    const free = () => fields.filter((f) => !used.has(f));
    if (targetsLeft.length === 1 && options.targets) {
      const [name, role, spec] = targetsLeft[0]!;
      const last = free().at(-1);
      if (last !== undefined && free().length > 1) add(name, role, spec, [last]);
    }
    const [name, role, spec] = inputsLeft[0]!;
    const rest = free();
    const structured = rest.filter((f) => !isScalarValue(sample?.fields[f]));
    if (structured.length === 1) add(name, role, spec, structured);
    else {
      let numeric = rest.filter((f) => isNumeric(sample?.fields[f]));
      const k = staticSize(spec);
      // Predicting from a file that still has its label column last: leave it out.
      if (!options.targets && k !== undefined && numeric.length === k + 1 && targetsLeft.length === 1 && numeric.at(-1) === rest.at(-1)) numeric = numeric.slice(0, -1);
      if (numeric.length > 0 && (k === undefined || numeric.length === k)) add(name, role, spec, numeric);
      else if (numeric.length > 0) {
        throw new DataError(
          where,
          `input ${describeSpec(name, spec)} takes ${k} values per example, but the data has ${numeric.length} numeric ${numeric.length === 1 ? "column" : "columns"} left for it (${numeric.join(", ")}); name the columns with --map ${name}=col,col,…`,
        );
      }
    }
  }
  // 5. Lengths of a sequence.
  const sequence = [...planned.values()].find((f) => typeof f.spec.shape[0] === "string");
  for (const [name, role, spec] of left("input")) {
    if (sequence && spec.dtype === "i32" && spec.shape.length === 0) planned.set(name, { name, role, spec, from: "lengths", of: sequence.name });
  }

  for (const [name, role, spec] of all) {
    if (planned.has(name) || (role === "target" && !options.targets)) continue;
    const k = staticSize(spec);
    const columns = k !== undefined && k > 1 ? `, columns ${name}.0 … ${name}.${k - 1},` : "";
    throw new DataError(where, `no data for ${role} ${describeSpec(name, spec)}: the fields are ${fields.join(", ")}; name a field '${name}'${columns} or pass --map ${name}=field,…`);
  }
  return all.filter(([n]) => planned.has(n)).map(([n]) => planned.get(n)!);
}

/** `x ← a, b, c; label ← species`: how the data was mapped, for the log. */
export function describeFeeds(feeds: readonly Feed[]): string {
  return feeds
    .map((f) => `${f.name} ← ${f.from === "columns" ? (f.columns.length > 6 ? `${f.columns.slice(0, 3).join(", ")}, … ${f.columns.at(-1)} (${f.columns.length} columns)` : f.columns.join(", ")) : f.from === "field" ? f.field : `lengths of ${f.of}`}`)
    .join("; ");
}

