import { noGrad, Rng, softmaxCrossEntropy, tensor, type Tensor } from "@tapegrad/core";
import { loadDigits } from "@tapegrad/datasets";
import type { Module } from "@tapegrad/nn";
import { accuracy, train } from "@tapegrad/train";
import { shiftedCopies } from "./augment.js";
import type { Flags } from "./flags.js";
import { drawHeatmaps, type Heatmap } from "./heatmaps.js";
import { DigitsAttention, DigitsCnn, DigitsLstm } from "./nnModels.js";
import { progress, type Sink } from "./progress.js";
import { defaultLr, makeOptimizer, makeScheduler } from "./setup.js";
import { majorityShare, type TaskResult } from "./tasks.js";

/** The `--task` values beyond the lecture's MLP tasks. */
export const nnTasks = ["digits-cnn", "digits-lstm", "digits-attention"] as const;
export type NnTaskName = (typeof nnTasks)[number];

/** Per task: its model, a one-line description, its training defaults and its pictures. */
interface Spec<M extends Module> {
  readonly network: string;
  readonly epochs: number;
  /** Train on the images and their one-pixel shifts (five times the data per epoch). */
  readonly augment: boolean;
  /** The learning rate when `--lr` is not given. */
  readonly lr: number;
  build(rng: Rng): M;
  pictures(model: M, examples: Tensor): { name: string; png: Buffer }[];
}

/** One test image per class, in class order: the examples the pictures show. */
function onePerClass(x: Tensor, y: Tensor): Tensor {
  const labels = Array.from(y.data);
  return x.indexSelect(0, tensor(Array.from({ length: 10 }, (_, c) => labels.indexOf(c)), { dtype: "int32" }));
}

const image = (x: Tensor, i: number): Heatmap => ({ rows: 8, cols: 8, values: x.data.subarray(i * 64, (i + 1) * 64) });

const specs: { [K in NnTaskName]: Spec<Module> } = {
  "digits-cnn": {
    network: "conv16-pool-conv32-pool-linear",
    epochs: 4,
    augment: true,
    lr: 0.01,
    build: (rng) => new DigitsCnn(rng),
    // The first layer's 16 filters, 3×3 each, on one colour scale (blue > 0 > red).
    pictures: (model) => {
      const w = (model as DigitsCnn).firstConv.weight;
      return [{ name: "filters", png: drawHeatmaps(Array.from({ length: 16 }, (_, k) => ({ rows: 3, cols: 3, values: w.data.subarray(9 * k, 9 * k + 9) })), { perRow: 8, cell: 16, scheme: "diverging" }) }];
    },
  },
  "digits-lstm": {
    network: "lstm64-linear",
    epochs: 6,
    augment: true,
    lr: 0.01,
    build: (rng) => new DigitsLstm(rng),
    // For one test digit per class: the image, then the hidden state after each of its 8 rows (8 × 64).
    pictures: (model, examples) => {
      const [hidden] = noGrad(() => (model as DigitsLstm).lstm.forward(examples.reshape([10, 8, 8])));
      const maps = Array.from({ length: 10 }, (_, i) => [image(examples, i), { rows: 8, cols: 64, values: hidden.data.subarray(i * 512, (i + 1) * 512) }]).flat();
      return [{ name: "hidden", png: drawHeatmaps(maps, { perRow: 2, cell: 6, scheme: "diverging" }) }];
    },
  },
  "digits-attention": {
    network: "rows-attention64x4-linear",
    // Shifted rows are new tokens to this model, not the same digit moved: it does better on the plain images.
    epochs: 20,
    augment: false,
    lr: 0.005,
    build: (rng) => new DigitsAttention(rng),
    // For one test digit per class: the image, then which rows each row attends to (8 × 8, averaged over heads).
    pictures: (model, examples) => {
      const [, weights] = noGrad(() => (model as DigitsAttention).encode(examples));
      const maps = Array.from({ length: 10 }, (_, i) => [image(examples, i), { rows: 8, cols: 8, values: weights.data.subarray(i * 64, (i + 1) * 64) }]).flat();
      return [{ name: "attention", png: drawHeatmaps(maps, { perRow: 4, cell: 12, scheme: "grey" }) }];
    },
  },
};

/**
 * Trains one of the models beyond the MLP on the 8×8 digits (pixels scaled to [0, 1]; for the CNN and the
 * LSTM the training part with four one-pixel shifts of each image) with the flags' optimizer, a cosine schedule and the flags'
 * batch size and seed (a constant schedule, the demo's default, becomes a cosine one); reports the test accuracy and draws the task's pictures.
 * @example
 * ```ts
 * const result = nnTask("digits-cnn", parseFlags(["--task", "digits-cnn"]), process.stdout);
 * result.metric.value; // test accuracy, about 0.99
 * ```
 */
export function nnTask(name: NnTaskName, flags: Flags, sink: Sink): TaskResult {
  const spec = specs[name];
  const { train: trainPart, test } = loadDigits({ seed: flags.seed });
  const scaled = (x: Tensor): Tensor => x.mul(1 / 16);
  const data = spec.augment ? shiftedCopies(scaled(trainPart.x), trainPart.y) : { x: scaled(trainPart.x), y: trainPart.y };
  const testData = { x: scaled(test.x), y: test.y };
  const model = spec.build(new Rng(flags.seed));
  const epochs = flags.epochs ?? spec.epochs;
  const lr = flags.lr ?? (flags.optimizer === "adam" ? spec.lr : defaultLr(flags.optimizer));
  const optimizer = makeOptimizer(flags.optimizer, model.parameters(), lr);
  const steps = epochs * Math.ceil(data.x.shape[0]! / flags.batchSize);
  const start = performance.now();
  const history = train(model, data, {
    loss: softmaxCrossEntropy, optimizer, epochs, batchSize: flags.batchSize, seed: flags.seed, shuffle: true,
    scheduler: makeScheduler(optimizer, flags.schedule === "constant" ? "cosine" : flags.schedule, lr, steps),
    validation: { data: testData, metrics: { accuracy } },
    callbacks: progress(sink, name, epochs),
  });
  const seconds = (performance.now() - start) / 1000;
  model.eval();
  const pictures = spec.pictures(model, onePerClass(testData.x, testData.y)).map((p) => ({ name: `${p.name}-${name}.png`, png: p.png }));
  return {
    name, sizes: [], network: spec.network, epochs, seconds, history, pictures,
    metric: { name: "test accuracy", value: history.validation.accuracy!.at(-1)!, baselineName: "majority class", baseline: majorityShare(test.y) },
  };
}
