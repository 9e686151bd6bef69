// Which bundled data a model trains on: MNIST digits when it has one f32
// input of 28·28·1 values and one i32 class target, else the generated task
// whose arrays it declares by name (runtime/tasks: tagger, sentiment,
// first-last, reverse, …), or a task over bundled data (spell: the MNIST
// slice; charlm: the Moby-Dick text). A model that fits none gets a message
// saying what would fit.
import type { ModelClass } from "../../../compiler/codegen/load.ts";
import type { Classification, Split } from "../../../runtime/train.ts";
import { hostedTasks, tasks, type ArraySpec, type TaskData } from "../../../runtime/tasks/index.ts";

export interface MnistSlice {
  images: Float32Array;
  labels: Int32Array;
  trainCount: number;
  testCount: number;
}

export interface TrainingData {
  /** `mnist`, or the task's name. */
  name: string;
  description: string;
  train: Split;
  test: Split;
  dims: Record<string, number>;
  classification: Classification;
  /** For drawing a digit: the image input's name (MNIST only). */
  imageInput?: string;
}

const size = (shape: readonly (number | string)[]) => (shape.every((d) => typeof d === "number") ? (shape as number[]).reduce((a, b) => a * b, 1) : undefined);
const describe = (specs: Readonly<Record<string, { dtype: string; shape: readonly (number | string)[] }>>) =>
  Object.entries(specs).map(([n, s]) => `${n}: ${s.dtype}[${s.shape.join(", ")}]`).join(", ") || "none";

/** The data for `M`, or an error message. MNIST and the text are loaded only when needed (large chunks). */
export async function dataFor(M: ModelClass, modelName: string, loadMnist: () => Promise<MnistSlice>, loadCorpus: () => Promise<string>, seed = 0): Promise<TrainingData | { error: string }> {
  const prediction = M.loss?.prediction;
  if (!M.loss || !prediction) return { error: `${modelName} has no loss, so it cannot be trained: add a \`loss\` statement` };
  if (M.loss.kind !== "cross_entropy") return { error: `${modelName}'s loss is ${M.loss.kind}; the bundled data sets are classification tasks and need cross_entropy` };
  const inputs = Object.entries(M.inputs);
  const targets = Object.entries(M.targets);
  if (inputs.length === 1 && inputs[0]![1].dtype === "f32" && size(inputs[0]![1].shape) === 784 && targets.length === 1 && targets[0]![1].dtype === "i32" && size(targets[0]![1].shape) === 1) {
    const [image] = inputs[0]!;
    const [label] = targets[0]!;
    const m = await loadMnist();
    const part = (from: number, count: number): Split => ({ count, arrays: { [image]: m.images.subarray(from * 784, (from + count) * 784), [label]: m.labels.subarray(from, from + count) } });
    return {
      name: "mnist",
      description: `MNIST: ${m.trainCount} real digits, ${m.testCount} held out`,
      train: part(0, m.trainCount),
      test: part(m.trainCount, m.testCount),
      dims: {},
      classification: { output: prediction, target: label, classes: 10 },
      imageInput: image,
    };
  }
  const fits = (arrays: Record<string, ArraySpec>) =>
    Object.entries(arrays).every(([array, spec]) => {
      const declared = M.inputs[array] ?? M.targets[array];
      return declared && declared.dtype === spec.dtype && declared.shape.length === spec.shape.length && declared.shape.every((d, i) => typeof d !== "number" || d === spec.shape[i]);
    });
  const use = (name: string, task: TaskData): TrainingData => ({ name, description: task.description, train: task.train, test: task.test, dims: task.dims, classification: { ...task.classification, output: prediction } });
  for (const [name, factory] of Object.entries(tasks)) {
    const task = factory(seed);
    if (fits(task.arrays)) return use(name, task);
  }
  for (const [name, hosted] of Object.entries(hostedTasks)) {
    if (!fits(hosted.arrays)) continue;
    const digits = hosted.needs === "mnist" ? await loadMnist() : undefined;
    const text = hosted.needs === "corpus" ? await loadCorpus() : "";
    const split = (from: number, count: number) => ({ images: digits!.images.subarray(from * 784, (from + count) * 784), labels: digits!.labels.subarray(from, from + count), count });
    return use(name, hosted.make({ mnist: () => ({ train: split(0, digits!.trainCount), test: split(digits!.trainCount, digits!.testCount) }), corpus: () => text }));
  }
  const taskNeeds = [...Object.entries(tasks).map(([name, f]) => `${name}: ${describe(f(seed).arrays)}`), ...Object.entries(hostedTasks).map(([name, t]) => `${name}: ${describe(t.arrays)}`)].join("; ");
  return {
    error: `no bundled data fits ${modelName} (inputs ${describe(M.inputs)}, targets ${describe(M.targets)}). MNIST needs one f32[28, 28, 1] input and one i32 target; the generated tasks need ${taskNeeds}`,
  };
}
