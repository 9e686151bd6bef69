// LeNet-5 (examples/lenet.nn) against the same network in TF.js ops: outputs,
// the mean cross-entropy and all ten parameter gradients, with the model's own
// initialisation (He/Glorot-style scales, zero biases) and with seeded noise
// on every parameter; generic and batch-specialised code.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import * as o from "./oracle.ts";
import { tf, type OracleCase, type Tensors } from "./oracle.ts";

beforeAll(o.useCpuBackend);

const source = readFileSync(new URL("../../examples/lenet.nn", import.meta.url), "utf8");

/** The LeNet-5 of lenet.nn in tf ops; parameter names as nnc names unnamed layers (spec §4). */
function lenet(p: Tensors, image: tf.Tensor): tf.Tensor {
  let h = tf.relu(o.conv(image, p["conv2d_1.kernel"]!, p["conv2d_1.bias"], { padding: "same" }));
  h = tf.maxPool(h as tf.Tensor4D, 2, 2, "valid");
  h = tf.relu(o.conv(h, p["conv2d_2.kernel"]!, p["conv2d_2.bias"], {}));
  h = tf.maxPool(h as tf.Tensor4D, 2, 2, "valid");
  h = o.flatten(h);
  h = tf.relu(o.dense(h, p["dense_1.kernel"]!, p["dense_1.bias"]));
  h = tf.relu(o.dense(h, p["dense_2.kernel"]!, p["dense_2.bias"]));
  return o.dense(h, p["head.kernel"]!, p["head.bias"]);
}

const base: Omit<OracleCase, "name"> = {
  source,
  batch: 4,
  ints: { label: 10 },
  reference(p, x) {
    const logits = lenet(p, x.image!);
    return { outputs: { logits }, loss: o.crossEntropy(logits, x.label!) };
  },
};

describe("LeNet-5 vs TF.js", () => {
  const cases: OracleCase[] = [
    { ...base, name: "initial parameters", keepInit: true },
    { ...base, name: "perturbed parameters" },
    { ...base, name: "initial parameters, batch-specialised code", keepInit: true, specialize: true, batch: 3 },
    { ...base, name: "batch 1", batch: 1 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const findings = o.runOracle(c);
      const names = findings.map((f) => f.what);
      expect(names).toContain("output logits");
      expect(names).toContain("loss");
      for (const n of ["conv2d_1", "conv2d_2", "dense_1", "dense_2", "head"]) for (const w of ["kernel", "bias"]) expect(names).toContain(`grad ${n}.${w}`);
      expect(o.failures(findings)).toBe("");
    });
  }
});
