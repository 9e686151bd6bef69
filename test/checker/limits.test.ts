// Resource limits (compiler/limits.ts, docs/nn-language.md §10): repeats
// and block calls are counted before they are expanded, so a short file
// cannot ask for billions of layers (NN3026), and a model's parameters are
// bounded in total (NN3027). Each refusal is a located error that states the
// count and the limit, and costs next to nothing: the tests' timeouts bound
// the time, without timed assertions.
import { describe, expect, it } from "vitest";
import { MAX_NODES, MAX_PARAMS } from "../../compiler/limits.ts";
import { expectDiagnostic, model, run, single, summary } from "./helpers.ts";

const m = (body: string) => `model M {\n  input a: f32[4]\n${body}\n}\n`;

/** `count` blocks B1 … Bcount, each applying the next (the last: dense(4)) `stage` (e.g. " * 2" or " -> B{next}"). */
function chain(count: number, stage: (next: string) => string): string {
  let text = "";
  for (let i = 1; i <= count; i++) text += `block B${i}() {\n  input x: f32[4]\n  output y = x -> ${stage(i === count ? "dense(4)" : `B${i + 1}`)}\n}\n`;
  return text;
}

describe("the number of layer and block instances (NN3026)", () => {
  it("the limit is 10,000", () => {
    expect(MAX_NODES).toBe(10_000);
  });

  it("`dense(4) * 1e9` is refused at the repeat before anything is expanded", () => {
    const src = m("  output y = a -> dense(4) * 1e9");
    const r = run(src);
    expect(r.models[0]!.nodes).toHaveLength(0);
    expectDiagnostic(r.diagnostics[0]!, src, {
      code: "NN3026",
      message: "dense * 1000000000 makes 1,000,000,000 instances of layers and blocks; a model may have at most 10,000",
      text: "dense(4) * 1e9",
      line: 3,
      column: 19,
      endColumn: 33,
    });
    expect(r.diagnostics).toHaveLength(1);
  });

  it("`* 1000000`, and a const count", () => {
    expect(summary(run(m("  output y = a -> dense(4) * 1000000")).diagnostics)).toEqual([
      "NN3026 3:19 dense * 1000000 makes 1,000,000 instances of layers and blocks; a model may have at most 10,000",
    ]);
    expect(summary(run(`const N = 20000\n${m("  output y = a -> relu * N")}`).diagnostics)).toEqual([
      "NN3026 4:19 relu * 20000 makes 20,000 instances of layers and blocks; a model may have at most 10,000",
    ]);
  });

  it("exactly the limit is allowed; one more is not", () => {
    expect(model(m(`  output y = a -> relu * ${MAX_NODES}`)).nodes).toHaveLength(MAX_NODES);
    expect(summary(run(m(`  output y = a -> relu * ${MAX_NODES + 1}`)).diagnostics)).toEqual([
      "NN3026 3:19 relu * 10001 makes 10,001 instances of layers and blocks; a model may have at most 10,000",
    ]);
  });

  it("counts what the model already has: the hint gives both figures", () => {
    const src = m("  b = a -> dense(4) * 6000\n  output y = b -> dense(4) * 6000");
    expectDiagnostic(single(src), src, {
      code: "NN3026",
      message: "dense * 6000 makes 6,000 instances of layers and blocks; a model may have at most 10,000",
      hint: "the model has 6,000 before it, 12,000 with it",
      text: "dense(4) * 6000",
      line: 4,
      column: 19,
      endColumn: 34,
    });
  });

  it("30 nested blocks, each repeating the next twice: counted through the call tree, one error at the outer call", () => {
    const src = chain(30, (next) => `${next} * 2`) + m("  output y = a -> B1 * 2");
    const r = run(src);
    // 2 instances of B1, 4 of B2, …, 2^30 of B30 with 2^31 dense layers: 2^32 − 2 in all.
    expect(summary(r.diagnostics)).toEqual(["NN3026 123:19 B1 * 2 makes 4,294,967,294 instances of layers and blocks; a model may have at most 10,000"]);
    expect(r.models[0]!.nodes).toHaveLength(0);
    expect(r.models[0]!.instances).toHaveLength(0);
  });

  it("a block call without a repeat is counted too (nested fan-out)", () => {
    // Each block applies the next twice in a row: 2^29 dense layers and 2^30 − 1 instances.
    const src = chain(30, (next) => (next.startsWith("B") ? `${next} -> ${next}` : next)) + m("  output y = a -> B1");
    expect(summary(run(src).diagnostics)).toEqual(["NN3026 123:19 block B1 makes 1,610,612,735 instances of layers and blocks; a model may have at most 10,000"]);
  });

  it("block instances count even without layers in them", () => {
    let src = "";
    for (let i = 1; i <= 30; i++) src += `block G${i}() {\n  input x: f32[4]\n  ${i === 30 ? "output x" : `p = x -> G${i + 1}\n  q = x -> G${i + 1}\n  output p`}\n}\n`;
    src += m("  output y = a -> G1");
    expect(summary(run(src).diagnostics)).toEqual(["NN3026 181:19 block G1 makes 1,073,741,823 instances of layers and blocks; a model may have at most 10,000"]);
  });

  it("a repeat count taken from a block parameter is multiplied in", () => {
    const src = "block Stack(n) {\n  input x: f32[4]\n  output y = x -> dense(4) * n\n}\n" + m("  output y = a -> Stack(5000) * 3");
    expect(summary(run(src).diagnostics)).toEqual(["NN3026 7:19 Stack * 3 makes 15,003 instances of layers and blocks; a model may have at most 10,000"]);
    // Within the limit, the same block checks clean.
    expect(model("block Stack(n) {\n  input x: f32[4]\n  output y = x -> dense(4) * n\n}\n" + m("  output y = a -> Stack(50) * 3")).nodes).toHaveLength(150);
  });

  it("parameters that differ at every level (distinct instances exponential in number) end the count", () => {
    let src = "";
    for (let i = 1; i <= 30; i++) src += `block E${i}(n) {\n  input x: f32[4]\n  output y = x -> ${i === 30 ? "dense(4)" : `E${i + 1}(2 * n) -> E${i + 1}(2 * n + 1)`}\n}\n`;
    src += m("  output y = a -> E1(1)");
    expect(summary(run(src).diagnostics)).toEqual(["NN3026 123:19 block E1 makes more than 10,000 instances of layers and blocks; a model may have at most 10,000"]);
  });

  it("layers written out one by one stop at the limit with one error", () => {
    const src = m(`  output y = a${" -> relu".repeat(MAX_NODES + 5)}`);
    const r = run(src);
    expect(summary(r.diagnostics)).toEqual([`NN3026 3:${19 + 8 * MAX_NODES} model M makes more than 10,000 instances of layers and blocks; a model may have at most 10,000`]);
    expect(r.models[0]!.nodes).toHaveLength(MAX_NODES);
  });

  it("an unused block with a huge repeat is refused when checked alone", () => {
    const src = "block Huge() {\n  input x: f32[4]\n  output y = x -> dense(4) * 1000000\n}\n";
    expect(summary(run(src).diagnostics)).toEqual(["NN3026 3:19 dense * 1000000 makes 1,000,000 instances of layers and blocks; a model may have at most 10,000"]);
  });

  it("large but legal stacks still check", () => {
    const r = model(m("  output y = a -> dense(4) -> relu * 1 -> dense(8) * 2000"));
    expect(r.nodes).toHaveLength(2002);
  });
});

describe("the number of parameters (NN3027)", () => {
  it("the limit is 2^28", () => {
    expect(MAX_PARAMS).toBe(2 ** 28);
  });

  it("10^12 parameters (`dense(40000) * 700`) are refused at the model, naming where they are", () => {
    const src = "model Big {\n  input a: f32[40000]\n  output y = a -> dense(40000) * 700\n}\n";
    expectDiagnostic(single(src), src, {
      code: "NN3027",
      message: "model Big has 1,120,028,000,000 parameters; a model may have at most 268,435,456 (2^28, 1 GiB as f32)",
      text: "Big",
      line: 1,
      column: 7,
      endColumn: 10,
      related: [{ message: "700 layers from here (dense_1 first) have 1,120,028,000,000 parameters", text: "dense(40000)", line: 3, column: 19, endColumn: 31 }],
    });
  });

  it("names the three largest layers", () => {
    const src = "model Wide {\n  input a: f32[10000]\n  h = a -> dense(10000) as first\n  k = h -> dense(10000) as second\n  output y = k -> dense(7000) as third -> dense(2) as last\n}\n";
    const d = single(src);
    expect(d.code).toBe("NN3027");
    expect(d.message).toBe("model Wide has 270,041,002 parameters; a model may have at most 268,435,456 (2^28, 1 GiB as f32)");
    expect(d.related.map((r) => r.message)).toEqual(["first has 100,010,000 parameters", "second has 100,010,000 parameters", "third has 70,007,000 parameters"]);
  });

  it("up to the limit is allowed", () => {
    // 16,384 × 16,383 weights + 16,383 biases = 2^28 − 1.
    const r = model("model M {\n  input a: f32[16384]\n  output y = a -> dense(16383)\n}\n");
    expect(r.nodes).toHaveLength(1);
  });
});

describe("counting has no effects of its own", () => {
  it("a block argument that makes layers is counted, not evaluated twice", () => {
    const src = "block B(k) {\n  input x: f32[4]\n  output y = x -> dense(4) * 2\n}\n" + m("  output y = a -> B((a -> dense(3), 2)) * 2");
    const r = run(src);
    // Evaluation proper reports the tuple once per repeat; counting adds no node and no diagnostic.
    expect(r.diagnostics.every((d) => d.code === "NN2014")).toBe(true);
    expect(r.models[0]!.nodes.map((n) => n.name)).toEqual(["dense_1"]);
  });
});
