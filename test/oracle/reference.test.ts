// Checks on the oracle itself, where oracle.ts writes a layer out instead of
// calling TF.js's op directly (see conv() and pool() there): the written-out
// forms must agree with TF.js's own forward ops, so those oracle cases still
// compare nnc with TensorFlow's semantics. One test records the TF.js
// inconsistency that forces the avg-pool rewrite.
import { beforeAll, describe, expect, it } from "vitest";
import * as o from "./oracle.ts";
import { tf } from "./oracle.ts";
import { Rng } from "../../runtime/random.ts";

beforeAll(o.useCpuBackend);

const rng = new Rng(99);
const random = (shape: number[]) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform() * 2 - 1), shape);

describe("the oracle's written-out layers equal TF.js's forward ops", () => {
  const convs: { x: number[]; w: number[]; stride?: number | number[]; dilation: number | number[]; padding: "valid" | "same" }[] = [
    { x: [2, 8, 2], w: [3, 2, 3], dilation: 2, padding: "same" },
    { x: [2, 9, 1], w: [2, 1, 2], dilation: 3, padding: "same" },
    { x: [2, 7, 7, 2], w: [3, 3, 2, 3], dilation: [2, 1], padding: "same" },
    { x: [1, 9, 8, 1], w: [2, 3, 1, 2], dilation: [3, 2], padding: "valid" },
    { x: [2, 5, 5, 5, 1], w: [2, 2, 2, 1, 2], dilation: 2, padding: "valid" },
  ];
  for (const c of convs) {
    it(`dilated conv ${JSON.stringify(c)}`, () => {
      tf.tidy(() => {
        const x = random(c.x);
        const w = random(c.w);
        if (c.x.length === 5) {
          // tf.conv3d's dilations argument exists, but check against a direct sum over taps instead of trusting it.
          const [B, D, H, W] = c.x;
          const d = c.dilation as number;
          const out = [D! - d, H! - d, W! - d];
          let want = tf.zeros([B!, ...out, c.w[4]!]);
          for (let i = 0; i < 2; i++)
            for (let j = 0; j < 2; j++)
              for (let k = 0; k < 2; k++) {
                const patch = tf.slice(x, [0, i * d, j * d, k * d, 0], [B!, ...out, c.x[4]!]);
                const tap = tf.reshape(tf.slice(w, [i, j, k, 0, 0], [1, 1, 1, c.w[3]!, c.w[4]!]), [c.w[3]!, c.w[4]!]);
                want = tf.add(want, o.dense(patch, tap));
              }
          expect(o.relErr(o.conv(x, w, undefined, c).dataSync(), want.dataSync())).toBeLessThan(1e-6);
          return;
        }
        const got = o.conv(x, w, undefined, c).dataSync();
        const want = o.conv(x, w, undefined, { ...c, native: true }).dataSync();
        expect(o.relErr(got, want)).toBeLessThan(1e-6);
      });
    });
  }

  const pools: { x: number[]; size: number | number[]; stride?: number | number[] }[] = [
    { x: [2, 7, 2], size: 2 },
    { x: [2, 6, 3], size: 3, stride: 1 },
    { x: [2, 5, 5, 1], size: 2 },
    { x: [1, 6, 5, 2], size: [3, 2], stride: [1, 2] },
    { x: [1, 3, 5, 4, 2], size: [2, 3, 2], stride: 2 },
  ];
  for (const c of pools) {
    it(`avg pool, same padding ${JSON.stringify(c)}`, () => {
      tf.tidy(() => {
        const x = random(c.x);
        const opts = { stride: c.stride, padding: "same" as const };
        expect(o.relErr(o.pool("avg", x, c.size, opts).dataSync(), o.pool("avg", x, c.size, { ...opts, native: true }).dataSync())).toBeLessThan(1e-6);
      });
    });
  }

  it("TF.js's avgPool gradient with same padding divides by the full window (why the oracle writes it out)", () => {
    tf.tidy(() => {
      const x = random([1, 5, 5, 1]);
      const f = (native: boolean) => tf.grad((t: tf.Tensor) => tf.sum(o.pool("avg", t, 2, { padding: "same", native })))(x).dataSync();
      const written = f(false);
      const native = f(true);
      // Border cell (4, 4) is alone in its 2×2 window: d(avg)/dx = 1, not 1/4.
      expect(written[24]).toBeCloseTo(1, 6);
      expect(native[24]).toBeCloseTo(0.25, 6);
      expect(written[0]).toBeCloseTo(0.25, 6);
    });
  });

  it("the `same` split puts the smaller half before", () => {
    expect(o.padAmounts([8], [4], [2], [1], "same")).toEqual([[1, 1]]);
    expect(o.padAmounts([7], [4], [1], [1], "same")).toEqual([[1, 2]]);
    expect(o.padAmounts([5, 6], [2, 3], [2, 2], [1, 1], "same")).toEqual([[0, 1], [0, 1]]);
    expect(o.padAmounts([8], [3], [1], [2], "same")).toEqual([[2, 2]]);
  });
});
