// An ONNX graph under construction: nodes in topological order, initialisers
// (weights and constant tensors), value names kept unique. Lowerings add to
// it through these helpers only, so the protobuf types (onnx-proto) stay in
// this file and in index.ts.
import onnxProto from "onnx-proto";
import type { onnx as Onnx } from "onnx-proto";

export const { onnx } = onnxProto;

export type Attribute = { kind: "int"; value: number } | { kind: "float"; value: number } | { kind: "ints"; value: number[] } | { kind: "string"; value: string } | { kind: "strings"; value: string[] };

/** Attribute constructors: ONNX tells ints from floats, JavaScript numbers do not. */
export const attr = {
  int: (value: number): Attribute => ({ kind: "int", value }),
  float: (value: number): Attribute => ({ kind: "float", value }),
  ints: (value: number[]): Attribute => ({ kind: "ints", value }),
  string: (value: string): Attribute => ({ kind: "string", value }),
  strings: (value: string[]): Attribute => ({ kind: "strings", value }),
};

function attributeProto(name: string, a: Attribute): Onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.kind) {
    case "int":
      return { name, type: T.INT, i: a.value };
    case "float":
      return { name, type: T.FLOAT, f: a.value };
    case "ints":
      return { name, type: T.INTS, ints: a.value };
    case "string":
      return { name, type: T.STRING, s: new TextEncoder().encode(a.value) };
    case "strings":
      return { name, type: T.STRINGS, strings: a.value.map((s) => new TextEncoder().encode(s)) };
  }
}

export class OnnxGraph {
  readonly nodes: Onnx.INodeProto[] = [];
  readonly initializers: Onnx.ITensorProto[] = [];
  private readonly used = new Set<string>();

  /** Names the graph's inputs and outputs take: never given to an intermediate value. */
  reserve(name: string): void {
    this.used.add(name);
  }

  /** `hint`, or `hint_2`, `hint_3`… when taken. */
  unique(hint: string): string {
    let name = hint;
    for (let i = 2; this.used.has(name); i++) name = `${hint}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Adds a node with `outputs` results named after `hint`; returns their names. */
  node(op: string, inputs: string[], attributes: Record<string, Attribute> = {}, hint = op, outputs = 1): string[] {
    const names = Array.from({ length: outputs }, (_, i) => this.unique(outputs === 1 ? hint : `${hint}_out${i}`));
    this.nodes.push({
      opType: op,
      name: this.unique(`${hint}/${op}`),
      input: inputs,
      output: names,
      attribute: Object.entries(attributes).map(([n, a]) => attributeProto(n, a)),
    });
    return names;
  }

  /** Identity into a reserved name: how a graph output gets the model's output name. */
  identityTo(name: string, from: string): void {
    this.nodes.push({ opType: "Identity", name: this.unique(`${name}/Identity`), input: [from], output: [name], attribute: [] });
  }

  /** A node with one result. */
  op(op: string, inputs: string[], attributes: Record<string, Attribute> = {}, hint = op): string {
    return this.node(op, inputs, attributes, hint)[0]!;
  }

  /** A float32 initialiser (a weight or a constant). */
  floats(hint: string, dims: number[], data: ArrayLike<number>): string {
    const name = this.unique(hint);
    this.initializers.push({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: rawBytes(Float32Array.from(data)) });
    return name;
  }

  /** An int64 initialiser: shapes, axes, indices for Reshape, Slice, Gather. */
  int64s(hint: string, dims: number[], data: number[]): string {
    const name = this.unique(hint);
    const raw = new BigInt64Array(data.map((v) => BigInt(v)));
    this.initializers.push({ name, dims, dataType: onnx.TensorProto.DataType.INT64, rawData: rawBytes(raw) });
    return name;
  }

  /** A scalar float constant. */
  scalar(hint: string, value: number): string {
    return this.floats(hint, [], [value]);
  }
}

/** The little-endian bytes of a typed array (raw_data is little-endian by the ONNX spec). */
function rawBytes(a: Float32Array | BigInt64Array): Uint8Array {
  const out = new Uint8Array(a.byteLength);
  const view = new DataView(out.buffer);
  if (a instanceof Float32Array) a.forEach((v, i) => view.setFloat32(4 * i, v, true));
  else a.forEach((v, i) => view.setBigInt64(8 * i, v, true));
  return out;
}
