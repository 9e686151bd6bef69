// A consumer of nnc as a build step: `./digits.nn` is compiled by the nnc
// bundler plugin while esbuild (or Vite) bundles this file. The model trains
// for one epoch on a slice of MNIST, then classifies held-out digits.
import { adam, argmax, train } from "nnc/runtime";
import { loadMnist } from "nnc/runtime/mnist-node";
import { Digits } from "./digits.nn";

const trainCount = Number(process.env.TRAIN_COUNT ?? 2000);
const { train: trainSet, test: testSet } = loadMnist({ trainCount, testCount: 500 });

const model = new Digits({ seed: 0 });
const params = Object.values(Digits.params).reduce((n, shape) => n + shape.reduce((a: number, b) => a * b, 1), 0);
console.log(`Digits: ${Object.keys(Digits.inputs).join(", ")} -> ${Digits.loss.prediction}, ${params} parameters`);

const result = train(
  model,
  { count: trainSet.count, arrays: { image: trainSet.images, label: trainSet.labels } },
  { count: testSet.count, arrays: { image: testSet.images, label: testSet.labels } },
  {
    epochs: 1,
    batchSize: 16,
    optimizer: adam({ lr: 0.003 }),
    seed: 0,
    classification: { output: "logits", target: "label", classes: 10 },
    onEpoch: (e) => console.log(`epoch ${e.epoch}: loss ${e.loss.toFixed(3)}, held-out accuracy ${((e.testAccuracy ?? 0) * 100).toFixed(1)}%`),
  },
);
if (result.stopped) console.log(`stopped: ${result.stopped}`);

// Inference: the first eight held-out digits in one batch of eight.
const batch = 8;
const { logits } = model.forward({ image: testSet.images.subarray(0, batch * 784) }, { batch });
const predicted = Array.from({ length: batch }, (_, i) => argmax(logits, i * 10, 10));
console.log(`predicted: ${predicted.join(" ")}`);
console.log(`actual:    ${Array.from(testSet.labels.subarray(0, batch)).join(" ")}`);
