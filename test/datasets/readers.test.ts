// Each reader on small files: records with their locations, and each
// malformed file's error naming the file and line (or example, or image).
import { describe, expect, it } from "vitest";
import jpeg from "jpeg-js";
import { openCsv, csvRows } from "../../runtime/datasets/csv.ts";
import { openJsonl } from "../../runtime/datasets/jsonl.ts";
import { openData } from "../../runtime/datasets/node.ts";
import { openNpy } from "../../runtime/datasets/arrays.ts";
import { bytesSource, type DataRecord, type RecordSource } from "../../runtime/datasets/source.ts";
import { buildVocabulary, encodeCharacters, textWindows } from "../../runtime/datasets/text.ts";
import { encodeSafetensors } from "../../runtime/safetensors.ts";
import { greyPng, npy, npz, tempDir } from "./helpers.ts";

async function all(source: RecordSource): Promise<DataRecord[]> {
  const out: DataRecord[] = [];
  for await (const r of source.records()) out.push(r);
  return out;
}

describe("CSV", () => {
  const text = 'a,b,label\n1,2,cat\n\n3,"4\nstill 4",dog\r\n"5","6 ""quoted""",cat\n';
  it("gives each record its cells by column and the line it starts on, across any chunking", async () => {
    for (const chunk of [1, 2, 3, 7, 1000]) {
      const records = await all(await openCsv(bytesSource("t.csv", text, chunk)));
      expect(records.map((r) => r.where.line)).toEqual([2, 4, 6]);
      expect(records.map((r) => r.fields)).toEqual([
        { a: "1", b: "2", label: "cat" },
        { a: "3", b: "4\nstill 4", label: "dog" },
        { a: "5", b: '6 "quoted"', label: "cat" },
      ]);
    }
  });

  it("reads CRLF files and TSV", async () => {
    const crlf = await all(await openCsv(bytesSource("c.csv", "x,y\r\n1,2\r\n3,4\r\n", 3)));
    expect(crlf.map((r) => r.fields)).toEqual([{ x: "1", y: "2" }, { x: "3", y: "4" }]);
    const tsv = await openCsv(bytesSource("t.tsv", "x\ty\n1\t2\n"), "\t");
    expect(tsv.fields).toEqual(["x", "y"]);
    expect((await all(tsv))[0]!.fields).toEqual({ x: "1", y: "2" });
  });

  it("names the line of a record with too few or too many fields", async () => {
    await expect(all(await openCsv(bytesSource("d.csv", "a,b\n1,2\n3\n")))).rejects.toThrow("d.csv:3: has 1 field, but the header has 2 (a, b)");
    await expect(all(await openCsv(bytesSource("d.csv", "a,b\n1,2,3\n")))).rejects.toThrow("d.csv:2: has 3 fields, but the header has 2 (a, b)");
  });

  it("names an unclosed quote, an empty file and a repeated column", async () => {
    await expect(all(await openCsv(bytesSource("q.csv", 'a,b\n1,"2\n3,4\n')))).rejects.toThrow(/q\.csv:2: a quoted field is never closed/);
    await expect(openCsv(bytesSource("e.csv", ""))).rejects.toThrow("e.csv: the file is empty");
    await expect(openCsv(bytesSource("r.csv", "a,b,a\n"))).rejects.toThrow("r.csv:1: the header names column 'a' twice (columns 1 and 3)");
  });

  it("streams: rows come out before the file ends", async () => {
    let served = 0;
    const source = {
      name: "s.csv",
      async *chunks() {
        yield new TextEncoder().encode("a\n1\n2\n");
        served++;
        yield new TextEncoder().encode("3\n");
        served++;
      },
    };
    const rows = csvRows(source, ",");
    await rows.next();
    const second = await rows.next();
    expect(second.value).toEqual({ cells: ["1"], line: 2 });
    expect(served).toBe(0);
  });
});

describe("JSON Lines", () => {
  it("gives each object with its line; fields from the first", async () => {
    const source = await openJsonl(bytesSource("d.jsonl", '{"x": [1, 2], "y": "a"}\n\n{"x": [3, 4], "y": "b"}\n'));
    expect(source.fields).toEqual(["x", "y"]);
    const records = await all(source);
    expect(records.map((r) => [r.where.line, r.fields])).toEqual([[1, { x: [1, 2], y: "a" }], [3, { x: [3, 4], y: "b" }]]);
  });

  it("names the line of bad JSON and of a value that is not an object", async () => {
    await expect(all(await openJsonl(bytesSource("d.jsonl", '{"x": 1}\n{"x": 1,}\n')))).rejects.toThrow(/^d\.jsonl:2: not valid JSON/);
    await expect(all(await openJsonl(bytesSource("d.jsonl", '{"x": 1}\n[1, 2]\n')))).rejects.toThrow("d.jsonl:2: expected a JSON object");
  });
});

describe("array files", () => {
  const t = tempDir("arrays");
  it("reads .npy, .npz and safetensors, one record per example along the first axis", async () => {
    const x = npy("<f8", [3, 2], new Float64Array([1, 2, 3, 4, 5, 6]));
    const y = npy("<i8", [3], new BigInt64Array([0n, 1n, 2n]));
    const single = await openData(t.file("x.npy", x));
    expect(single.kind === "records" && single.source.fields).toEqual(["x"]);
    const opened = await openData(t.file("d.npz", npz({ x, y })));
    if (opened.kind !== "records") throw new Error("records expected");
    expect(opened.source.fields).toEqual(["x", "y"]);
    const records = await all(opened.source);
    expect(records.length).toBe(3);
    const second = records[1]!.fields.x as { shape: number[]; data: Float64Array };
    expect([second.shape, Array.from(second.data), records[1]!.where]).toEqual([[2], [3, 4], { file: opened.source.name, index: 1 }]);
    const st = encodeSafetensors({ x: { shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) }, y: { shape: [2], data: new Int32Array([0, 1]) } });
    const s = await openData(t.file("d.safetensors", st));
    expect(s.kind === "records" && (await all(s.source)).length).toBe(2);
  });

  it("streams a .npy row by row, whatever the chunk boundaries, and locates a file cut short or too long", async () => {
    const values = Float32Array.from({ length: 7 * 3 }, (_, i) => i / 4);
    const file = npy("<f4", [7, 3], values);
    const whole = (await all(await openNpy(bytesSource("x.npy", file, file.length)))).map((r) => Array.from((r.fields.x as { data: Float32Array }).data));
    expect(whole).toEqual(Array.from({ length: 7 }, (_, i) => Array.from(values.subarray(i * 3, i * 3 + 3))));
    // Chunks of 5 bytes split the header and every row; read twice, as every epoch does.
    const source = await openNpy(bytesSource("x.npy", file, 5));
    for (let pass = 0; pass < 2; pass++) expect((await all(source)).map((r) => Array.from((r.fields.x as { data: Float32Array }).data))).toEqual(whole);
    const progress: number[] = [];
    for await (const _ of source.records((b) => progress.push(b))) void _;
    expect(progress.at(-1)).toBe(file.length);
    const short = file.subarray(0, file.length - 4);
    await expect(openNpy(bytesSource("short.npy", short))).rejects.toThrow("short.npy: shape (7, 3) of float32 needs 84 bytes of data, the file has 80");
    const unsized = { name: "short.npy", chunks: () => bytesSource("short.npy", short).chunks() };
    await expect(all(await openNpy(unsized))).rejects.toThrow("short.npy: shape (7, 3) of float32 needs 84 bytes of data, the file has 80");
    await expect(openNpy(bytesSource("cut.npy", file.subarray(0, 20)))).rejects.toThrow("cut.npy: the header runs beyond the end of the file");
    await expect(openNpy(bytesSource("s.npy", npy("<f4", [], new Float32Array(1))))).rejects.toThrow("array 's' is a scalar");
  });

  it("says which arrays disagree on the number of examples, and rejects unsupported dtypes", async () => {
    const bad = npz({ x: npy("<f4", [3, 2], new Float32Array(6)), y: npy("<i4", [2], new Int32Array(2)) });
    await expect(openData(t.file("bad.npz", bad))).rejects.toThrow("bad.npz: the arrays hold different numbers of examples along their first axis ('x' 3, 'y' 2)");
    await expect(openData(t.file("c.npy", npy("<c8", [1], new Float32Array(2))))).rejects.toThrow("dtype '<c8' is not supported");
    await expect(openData(t.file("z.npz", "not a zip"))).rejects.toThrow("z.npz: not a readable .npz (zip) file");
  });
});

describe("images", () => {
  const t = tempDir("images");
  it("reads <root>/<class>/<image>, classes sorted by name, PNG and JPEG", async () => {
    t.file("imgs/b/1.png", greyPng(4, 3, (x) => x * 60));
    t.file("imgs/a/2.png", greyPng(4, 3, () => 0));
    const rgba = new Uint8Array(4 * 3 * 4).fill(200);
    t.file("imgs/a/1.jpg", new Uint8Array(jpeg.encode({ width: 4, height: 3, data: rgba }, 100).data));
    t.file("imgs/a/notes.txt", "ignored");
    const opened = await openData(`${t.dir}/imgs`);
    if (opened.kind !== "records") throw new Error("records expected");
    const records = await all(opened.source);
    expect(records.map((r) => [r.fields.label, r.where.path!.slice(t.dir.length)])).toEqual([
      ["a", "/imgs/a/1.jpg"],
      ["a", "/imgs/a/2.png"],
      ["b", "/imgs/b/1.png"],
    ]);
    const image = records[2]!.fields.image as { width: number; height: number; data: Uint8Array };
    expect([image.width, image.height, image.data[4 * 3]]).toEqual([4, 3, 180]);
  });

  it("names an image that cannot be decoded", async () => {
    t.file("broken/a/x.png", "not a png");
    const opened = await openData(`${t.dir}/broken`);
    if (opened.kind !== "records") throw new Error("records expected");
    await expect(all(opened.source)).rejects.toThrow(/broken\/a\/x\.png: cannot decode the image/);
  });
});

describe("text", () => {
  it("builds a sorted vocabulary, encodes, cuts windows; names a character outside it", () => {
    const vocab = buildVocabulary("hello world");
    expect(vocab).toEqual([" ", "d", "e", "h", "l", "o", "r", "w"]);
    const tokens = encodeCharacters("hello", vocab, "t.txt");
    const w = textWindows(tokens, 2, 1);
    expect([w.count, Array.from(w.input), Array.from(w.target)]).toEqual([3, [3, 2, 2, 4, 4, 4], [2, 4, 4, 4, 4, 5]]);
    expect(() => encodeCharacters("he\nlxo", buildVocabulary("hello\n"), "t.txt")).toThrow('t.txt:2: column 2: the character "x" is not in the model\'s vocabulary of 5 characters');
  });
});
