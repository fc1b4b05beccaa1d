import { noGrad, softmaxCrossEntropy, tensor, type Tensor } from "@tapegrad/core";
import { circles, loadDiabetes, loadDigits, moons, spirals, xor, blobs, type Split } from "@tapegrad/datasets";
import { squaredError } from "@tapegrad/nn";
import { accuracy, type History } from "@tapegrad/train";
import { boundsOf, drawBoundary, grid } from "./boundary.js";
import { confusion, formatConfusion } from "./confusion.js";
import { fit } from "./fit.js";
import type { Flags, PlaneSet } from "./flags.js";
import type { Sink } from "./progress.js";

/** What a task reports: its score beside a trivial baseline, its loss history and any extra artefacts. */
export interface TaskResult {
  readonly name: string;
  /** The network's layer widths, input to output. */
  readonly sizes: readonly number[];
  readonly epochs: number;
  readonly seconds: number;
  readonly history: History;
  /** The validation series to plot beside the training loss (same loss, on the test part). */
  readonly metric: { readonly name: string; readonly value: number; readonly baselineName: string; readonly baseline: number };
  readonly confusion?: string;
  readonly png?: Buffer;
  /** The network in words, where layer widths do not describe it (the CNN, LSTM and attention tasks). */
  readonly network?: string;
  /** Further pictures to write to the output directory, by file name. */
  readonly pictures?: readonly { readonly name: string; readonly png: Buffer }[];
}

const planeMakers: Record<PlaneSet, (o: { n: number; seed: number }) => Split> = { moons, circles, spirals, xor, blobs };

/** Pixels per side of the decision-boundary picture. */
const PICTURE_SIZE = 420;

/** The share of the most common class: what always guessing it would score. */
export function majorityShare(y: Tensor): number {
  const counts = new Map<number, number>();
  for (const v of y.data) counts.set(v, (counts.get(v) ?? 0) + 1);
  return Math.max(...counts.values()) / y.size;
}

/**
 * Task 1: a two-class set in the plane; trains on 400 points, tests on 200 fresh ones, and draws the
 * probability of class 1, the boundary and the training points (the lecture's closing figure).
 * @example
 * ```ts
 * const { png } = planeTask("moons", flags, process.stdout);
 * ```
 */
export function planeTask(set: PlaneSet, flags: Flags, sink: Sink): TaskResult {
  const make = planeMakers[set];
  const [train, test] = [make({ n: 400, seed: flags.seed }), make({ n: 200, seed: flags.seed + 1 })];
  const { model, sizes, history, epochs, seconds } = fit(
    { label: set, train, test, inputs: 2, outputs: 2, loss: softmaxCrossEntropy, metrics: { accuracy }, epochs: 60, hidden: [16, 16] },
    flags, sink,
  );
  const around = boundsOf(train.x, 0.4);
  // A strip above the points for the legend, so that it covers none of them.
  const bounds = { ...around, y1: around.y1 + 0.25 * (around.y1 - around.y0) };
  const probs = noGrad(() => model.forward(grid(PICTURE_SIZE, bounds)).softmax(-1));
  const probability = Float32Array.from({ length: PICTURE_SIZE ** 2 }, (_, i) => probs.data[2 * i + 1]!);
  const png = drawBoundary({ size: PICTURE_SIZE, bounds, probability, points: train }).toPng();
  const score = history.validation.accuracy!.at(-1)!;
  return { name: set, sizes, epochs, seconds, history, png, metric: { name: "test accuracy", value: score, baselineName: "majority class", baseline: majorityShare(test.y) } };
}

/**
 * Task 2: the 8×8 handwritten digits (10 classes, features standardised); test accuracy and the
 * confusion matrix on the held-out fifth.
 * @example
 * ```ts
 * console.log(digitsTask(flags, process.stdout).confusion);
 * ```
 */
export function digitsTask(flags: Flags, sink: Sink): TaskResult {
  const { train, test, classNames } = loadDigits({ seed: flags.seed, standardize: true });
  const { model, sizes, history, epochs, seconds } = fit(
    { label: "digits", train, test, inputs: 64, outputs: 10, loss: softmaxCrossEntropy, metrics: { accuracy }, epochs: 20, hidden: [32, 32] },
    flags, sink,
  );
  const matrix = confusion(noGrad(() => model.forward(test.x)), test.y);
  const score = history.validation.accuracy!.at(-1)!;
  return {
    name: "digits", sizes, epochs, seconds, history, confusion: formatConfusion(matrix, classNames),
    metric: { name: "test accuracy", value: score, baselineName: "majority class", baseline: majorityShare(test.y) },
  };
}

/**
 * Task 3: diabetes progression from 10 standardised measurements, by squared error on a standardised
 * target; the test mean squared error in the target's own units against always predicting the training mean.
 * @example
 * ```ts
 * const { metric } = diabetesTask(flags, process.stdout); // metric.value < metric.baseline
 * ```
 */
export function diabetesTask(flags: Flags, sink: Sink): TaskResult {
  const { train, test } = loadDiabetes({ seed: flags.seed, standardize: true });
  const ys = Array.from(train.y.data);
  const mean = ys.reduce((s, v) => s + v, 0) / ys.length;
  const std = Math.sqrt(ys.reduce((s, v) => s + (v - mean) ** 2, 0) / ys.length);
  const column = (y: Tensor): Tensor => y.sub(mean).div(std).reshape([y.size, 1]);
  const mse = (prediction: Tensor, target: Tensor): number => prediction.sub(target).square().mean().item() * std * std;
  const { sizes, history, epochs, seconds } = fit(
    {
      label: "diabetes", train: { x: train.x, y: column(train.y) }, test: { x: test.x, y: column(test.y) },
      inputs: 10, outputs: 1, loss: squaredError, metrics: { mse }, epochs: 60, hidden: [16, 16], lrScale: 0.1,
    },
    flags, sink,
  );
  const baseline = mse(tensor(new Float32Array(test.y.size)), column(test.y).reshape([test.y.size]));
  return { name: "diabetes", sizes, epochs, seconds, history, metric: { name: "test MSE", value: history.validation.mse!.at(-1)!, baselineName: "training mean", baseline } };
}
