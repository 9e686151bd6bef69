// safetensors: byte-exact agreement with the reference implementation's own
// test vectors, an independent reader written from the spec, every kind of
// hostile header rejected with a clear message, and all-or-nothing loading.
import { describe, expect, it } from "vitest";
import {
  decodeSafetensors,
  encodeSafetensors,
  loadParams,
  NonFiniteParamsError,
  ParamsMismatchError,
  SafetensorsError,
  saveParams,
} from "../../runtime/safetensors.ts";

const ascii = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** A file from a header string and data bytes, the header length written as given (no padding added). */
function file(header: string | object, data: Uint8Array = new Uint8Array(0), claimedLength?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, claimedLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** An independent reader, straight from the format description, to check the writer. */
function specRead(bytes: Uint8Array): { header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>; values: Record<string, number[]> } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const header = JSON.parse(ascii(bytes.subarray(8, 8 + n)));
  const values: Record<string, number[]> = {};
  for (const [name, info] of Object.entries<{ dtype: string; data_offsets: [number, number] }>(header)) {
    if (name === "__metadata__") continue;
    const [begin, end] = info.data_offsets;
    const xs: number[] = [];
    for (let at = 8 + n + begin; at < 8 + n + end; at += 4) xs.push(info.dtype === "F32" ? view.getFloat32(at, true) : view.getInt32(at, true));
    values[name] = xs;
  }
  return { header, values };
}

const f32 = (...xs: number[]) => Float32Array.from(xs);

describe("encodeSafetensors", () => {
  // Vectors copied from the reference implementation's tests (safetensors/src/tensor.rs).
  it("matches the reference byte for byte: test_serialization", () => {
    const out = encodeSafetensors({ "attn.0": { shape: [1, 2, 3], data: f32(0, 1, 2, 3, 4, 5) } });
    expect(Array.from(out)).toEqual([
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44,
      34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115, 101, 116, 115, 34,
      58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ]);
  });

  it("matches the reference byte for byte: forced alignment padding", () => {
    const out = encodeSafetensors({ attn0: { shape: [1, 1, 2, 3], data: f32(0, 1, 2, 3, 4, 5) } });
    expect(Array.from(out)).toEqual([
      72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34,
      115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115, 101, 116, 115, 34,
      58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32, 32, 32, 32, 32, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64,
      0, 0, 160, 64,
    ]);
  });

  it("matches the reference byte for byte: empty, with and without metadata", () => {
    expect(Array.from(encodeSafetensors({}))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    expect(Array.from(encodeSafetensors({}, { framework: "pt" }))).toEqual([
      40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95, 95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119,
      111, 114, 107, 34, 58, 34, 112, 116, 34, 125, 125, 32, 32, 32, 32, 32,
    ]);
  });

  it("lays out a small file: metadata first, F32 before I32, names in byte order, space padding", () => {
    const out = encodeSafetensors(
      {
        b: { shape: [2], data: f32(1.5, -2) },
        "10": { shape: [], data: Int32Array.of(7) },
        "2": { shape: [1], data: Int32Array.of(-3) },
        a: { shape: [1, 1], data: f32(0.25) },
      },
      { step: "3", epoch: "1" },
    );
    const n = Number(new DataView(out.buffer).getBigUint64(0, true));
    const json =
      '{"__metadata__":{"epoch":"1","step":"3"},' +
      '"a":{"dtype":"F32","shape":[1,1],"data_offsets":[0,4]},' +
      '"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]},' +
      '"10":{"dtype":"I32","shape":[],"data_offsets":[12,16]},' +
      '"2":{"dtype":"I32","shape":[1],"data_offsets":[16,20]}}';
    expect(n % 8).toBe(0);
    expect(ascii(out.subarray(8, 8 + n))).toBe(json + " ".repeat(n - json.length));
    expect(n - json.length).toBeLessThan(8);
    expect(out.length).toBe(8 + n + 20);

    const { header, values } = specRead(out);
    expect(header.b).toEqual({ dtype: "F32", shape: [2], data_offsets: [4, 12] });
    expect(values).toEqual({ a: [0.25], b: [1.5, -2], "10": [7], "2": [-3] });
  });

  it("writes views of larger buffers correctly (byteOffset respected)", () => {
    const big = f32(9, 9, 1, 2, 3, 9);
    const out = encodeSafetensors({ x: { shape: [3], data: big.subarray(2, 5) } });
    expect(specRead(out).values.x).toEqual([1, 2, 3]);
  });

  it("rejects tensors that do not match their shape, and reserved or bad names", () => {
    expect(() => encodeSafetensors({ w: { shape: [2, 3], data: new Float32Array(5) } })).toThrow(
      /tensor 'w' has shape \[2, 3\] \(6 values\) but 5 values/,
    );
    expect(() => encodeSafetensors({ w: { shape: [-1], data: new Float32Array(1) } })).toThrow(/dims must be integers >= 0/);
    expect(() => encodeSafetensors({ __metadata__: { shape: [0], data: new Float32Array(0) } })).toThrow(/reserved/);
    expect(() => encodeSafetensors({}, { n: 3 as unknown as string })).toThrow(/metadata 'n' must be a string/);
  });
});

describe("decodeSafetensors", () => {
  it("round-trips F32, I32, scalars, empty tensors and metadata", () => {
    const tensors = {
      "dense_1.kernel": { shape: [2, 3], data: f32(1, -2, 3.5, 1e-30, -0, 3.4e38) },
      "dense_1.bias": { shape: [3], data: f32(0.1, 0.2, 0.3) },
      step: { shape: [], data: Int32Array.of(-2147483648) },
      empty: { shape: [0, 4], data: new Float32Array(0) },
      "über/名前": { shape: [1], data: Int32Array.of(42) },
    };
    const { tensors: back, metadata } = decodeSafetensors(encodeSafetensors(tensors, { format: "nnc", "ключ": "значение" }));
    expect(metadata).toEqual({ format: "nnc", "ключ": "значение" });
    expect(Object.keys(back).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      expect(back[name].shape).toEqual(t.shape);
      expect(back[name].data).toEqual(t.data);
      expect(back[name].dtype).toBe(t.data instanceof Float32Array ? "F32" : "I32");
    }
  });

  it("reads tensors at offsets that are not 4-aligned, from a view at an odd byte offset", () => {
    // A 3-byte header (no padding) puts the data at file offset 11.
    const data = new Uint8Array(new Float32Array([1.25, -7]).buffer);
    const raw = file('{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', data);
    const shifted = new Uint8Array(raw.length + 1);
    shifted.set(raw, 1);
    const { tensors } = decodeSafetensors(shifted.subarray(1));
    expect(tensors.x.data).toEqual(f32(1.25, -7));
  });

  it("accepts tensor entries in any order in the JSON, as the reference does", () => {
    const data = new Uint8Array(new Int32Array([1, 2]).buffer);
    const { tensors } = decodeSafetensors(
      file({ b: { dtype: "I32", shape: [1], data_offsets: [4, 8] }, a: { dtype: "I32", shape: [1], data_offsets: [0, 4] } }, data),
    );
    expect(tensors.a.data).toEqual(Int32Array.of(1));
    expect(tensors.b.data).toEqual(Int32Array.of(2));
  });

  it("treats names like __proto__ as plain names", () => {
    const data = new Uint8Array(4);
    const { tensors } = decodeSafetensors(file('{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', data));
    expect(Object.keys(tensors)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).dtype).toBeUndefined();
  });

  describe("rejects hostile input before allocating for it", () => {
    const ok = { w: { dtype: "F32", shape: [2], data_offsets: [0, 8] } };
    const eight = new Uint8Array(8);
    const cases: [string, () => Uint8Array, RegExp][] = [
      ["a file shorter than 8 bytes", () => new Uint8Array(5), /file has 5 bytes, fewer than the 8 of the header length/],
      ["a header length beyond the file", () => file(ok, eight, 1000n), /header length 1000 bytes goes beyond the end of the file/],
      ["a header of gigabytes", () => file(ok, eight, 5_000_000_000n), /header length 5000000000 bytes is above the limit of 100000000 bytes/],
      ["a u64 header length beyond 2^53", () => file(ok, eight, 2n ** 64n - 1n), /header length 18446744073709551615 is beyond any possible file size/],
      ["a header that is not UTF-8", () => file("", Uint8Array.of(0x7b, 0xff, 0x7d), 3n), /not valid UTF-8/],
      ["a header that is not JSON", () => file("{\"w\": [", eight), /header is not valid JSON/],
      ["a header that is an array", () => file("[1, 2]"), /header must be a JSON object, got an array/],
      ["a header that is a number", () => file("42"), /header must be a JSON object, got 42/],
      ["an entry that is not an object", () => file({ w: 3 }), /tensor 'w': header entry must be an object, got 3/],
      ["an unknown dtype", () => file({ w: { ...ok.w, dtype: "F33" } }, eight), /tensor 'w': unknown dtype "F33"/],
      ["a dtype nnc does not read", () => file({ w: { ...ok.w, dtype: "F16", data_offsets: [0, 4] } }, new Uint8Array(4)), /tensor 'w': dtype F16 is not supported \(supported: F32, I32\)/],
      ["a negative dim", () => file({ w: { ...ok.w, shape: [-2] } }, eight), /tensor 'w': shape must be an array of integers >= 0, got \[-2\]/],
      ["a fractional dim", () => file({ w: { ...ok.w, shape: [1.5] } }, eight), /shape must be an array of integers/],
      ["a shape that is not an array", () => file({ w: { ...ok.w, shape: "2" } }, eight), /shape must be an array/],
      ["data_offsets of one number", () => file({ w: { ...ok.w, data_offsets: [8] } }, eight), /data_offsets must be \[begin, end\] with integers >= 0, got \[8\]/],
      ["data_offsets that are not integers", () => file({ w: { ...ok.w, data_offsets: [0, "8"] } }, eight), /data_offsets must be \[begin, end\]/],
      ["begin after end", () => file({ w: { ...ok.w, data_offsets: [8, 0] } }, eight), /data_offsets \[8, 0\] end before they begin/],
      ["end beyond the data", () => file({ w: { ...ok.w, data_offsets: [0, 16] } }, eight), /data_offsets \[0, 16\] go beyond the data, which has 8 bytes/],
      ["a byte size that differs from the shape", () => file({ w: { ...ok.w, shape: [3] } }, eight), /shape \[3\] of F32 needs 12 bytes but data_offsets \[0, 8\] hold 8/],
      ["a shape of astronomically many elements", () => file({ w: { ...ok.w, shape: [2 ** 50, 2 ** 50, 2 ** 50] } }, eight), /needs more than 8 bytes/],
      [
        "overlapping ranges",
        () => file({ a: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, b: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }, eight),
        /data_offsets \[4, 8\] overlap the previous tensor, which ends at 8/,
      ],
      [
        "a gap between ranges",
        () => file({ a: { dtype: "F32", shape: [1], data_offsets: [0, 4] }, b: { dtype: "F32", shape: [1], data_offsets: [8, 12] } }, new Uint8Array(12)),
        /tensor 'b': data_offsets \[8, 12\] leave a gap after byte 4/,
      ],
      ["data beyond the last tensor", () => file(ok, new Uint8Array(12)), /the tensors cover 8 bytes of data, but the file has 12 after the header/],
      ["metadata that is not a string map", () => file({ __metadata__: { epoch: 3 } }), /'__metadata__' value 'epoch' must be a string, got 3/],
      ["metadata that is not an object", () => file({ __metadata__: "x" }), /'__metadata__' must be an object of strings/],
    ];
    for (const [label, make, message] of cases) {
      it(label, () => {
        const bytes = make();
        expect(() => decodeSafetensors(bytes)).toThrow(SafetensorsError);
        expect(() => decodeSafetensors(bytes)).toThrow(message);
      });
    }

    it("honours a smaller maxHeaderBytes", () => {
      const bytes = encodeSafetensors({ w: { shape: [1], data: f32(1) } });
      expect(() => decodeSafetensors(bytes, { maxHeaderBytes: 16 })).toThrow(/above the limit of 16 bytes/);
    });
  });
});

describe("saveParams and loadParams", () => {
  const shapes = { "dense_1.kernel": [2, 2], "dense_1.bias": [2] };
  const model = () => ({ "dense_1.kernel": new Float32Array(4), "dense_1.bias": new Float32Array(2) });

  it("round-trips a model's parameters into its existing arrays", () => {
    const trained = { "dense_1.kernel": f32(1, 2, 3, 4), "dense_1.bias": f32(-1, 1) };
    const bytes = saveParams(trained, shapes, { model: "M" });
    const fresh = model();
    const arrays = { ...fresh };
    expect(loadParams(fresh, shapes, bytes)).toEqual({ model: "M" });
    expect(fresh).toEqual(trained);
    expect(fresh["dense_1.kernel"]).toBe(arrays["dense_1.kernel"]); // filled in place, never replaced
  });

  it("lists every difference at once and leaves the weights untouched", () => {
    const bytes = encodeSafetensors({
      "dense_1.kernel": { shape: [2, 3], data: new Float32Array(6).fill(9) },
      "dense_1.bias": { shape: [2], data: Int32Array.of(9, 9) },
      "dense_2.kernel": { shape: [4], data: new Float32Array(4).fill(9) },
    });
    const target = { "dense_1.kernel": f32(1, 2, 3, 4), "dense_1.bias": f32(5, 6), "head.bias": f32(7) };
    const before = structuredClone(target);
    let error: unknown;
    try {
      loadParams(target, { ...shapes, "head.bias": [1] }, bytes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParamsMismatchError);
    const { problems, message } = error as ParamsMismatchError;
    expect(problems).toEqual([
      "'dense_1.kernel': expected F32 [2, 2], found F32 [2, 3]",
      "'dense_1.bias': expected F32 [2], found I32 [2]",
      "'head.bias': missing from the file (expected F32 [1])",
      "'dense_2.kernel': in the file (F32 [4]) but not a parameter of this model",
    ]);
    expect(message).toMatch(/^the weights do not fit this model \(4 differences\):\n {2}- 'dense_1.kernel'/);
    expect(target).toEqual(before);
  });

  it("reports a model array whose size does not match its declared shape", () => {
    const bytes = saveParams({ "dense_1.kernel": new Float32Array(4), "dense_1.bias": new Float32Array(2) }, shapes);
    const target = { "dense_1.kernel": new Float32Array(3), "dense_1.bias": new Float32Array(2) };
    expect(() => loadParams(target, shapes, bytes)).toThrow(/'dense_1.kernel': the model's array has 3 values but shape \[2, 2\] needs 4/);
  });

  it("lets a corrupt file's SafetensorsError through, weights untouched", () => {
    const target = model();
    const bytes = saveParams({ "dense_1.kernel": f32(1, 2, 3, 4), "dense_1.bias": f32(1, 2) }, shapes);
    expect(() => loadParams(target, shapes, bytes.subarray(0, bytes.length - 1))).toThrow(SafetensorsError);
    expect(target).toEqual(model());
  });

  it("refuses NaN and infinite weights, naming each parameter, its count and first index, weights untouched", () => {
    const bytes = saveParams({ "dense_1.kernel": f32(1, NaN, 3, -Infinity), "dense_1.bias": f32(0, Infinity) }, shapes);
    const target = model();
    let error: unknown;
    try {
      loadParams(target, shapes, bytes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NonFiniteParamsError);
    expect((error as NonFiniteParamsError).params.map((p) => [p.name, p.count, p.index])).toEqual([
      ["dense_1.kernel", 2, 1],
      ["dense_1.bias", 1, 1],
    ]);
    expect((error as Error).message).toBe("the weights are not all finite: 'dense_1.kernel' (2 of 4 values, the first NaN at index 1), 'dense_1.bias' (1 of 2 values, the first Infinity at index 1)");
    expect(target).toEqual(model());
    // Asked for, they load.
    loadParams(target, shapes, bytes, { allowNonFinite: true });
    expect(Array.from(target["dense_1.kernel"])).toEqual([1, NaN, 3, -Infinity]);
  });

  it("saveParams names a parameter without a shape or a shape without a parameter", () => {
    expect(() => saveParams({ a: f32(1) }, { a: [1], b: [2] })).toThrow(/parameter 'b' \(shape \[2\]\) is missing from params/);
    expect(() => saveParams({ a: f32(1), c: f32(1) }, { a: [1] })).toThrow(/parameter 'c' has no shape/);
  });
});
