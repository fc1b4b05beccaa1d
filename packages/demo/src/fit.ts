import { Rng, type Tensor } from "@tapegrad/core";
import { mlp, type Sequential } from "@tapegrad/nn";
import { train, type History, type Metric, type TrainData } from "@tapegrad/train";
import type { Flags } from "./flags.js";
import { progress, type Sink } from "./progress.js";
import { defaultLr, makeOptimizer, makeScheduler } from "./setup.js";

/** One training job of the demo: its data, the network's ends, its loss and how to score it. */
export interface FitSpec {
  readonly label: string;
  readonly train: TrainData;
  readonly test: TrainData;
  readonly inputs: number;
  readonly outputs: number;
  readonly loss: (prediction: Tensor, target: Tensor) => Tensor;
  readonly metrics: Readonly<Record<string, Metric>>;
  /** Epochs when `--epochs` is not given. */
  readonly epochs: number;
  /** Hidden widths when `--hidden` is not given. */
  readonly hidden: readonly number[];
  /** Factor on the optimizer's default rate when `--lr` is not given; 1 by default. */
  readonly lrScale?: number;
}

/** A trained network, its history and how long training took. */
export interface Fitted {
  readonly model: Sequential;
  /** Its layer widths, input to output. */
  readonly sizes: readonly number[];
  readonly history: History;
  readonly epochs: number;
  readonly seconds: number;
}

/**
 * Builds the lecture's network `inputs → hidden… → outputs` with the flags' activation, and trains it
 * with `train` and the flags' optimizer, schedule, batch size and seed, showing progress on `sink`. The
 * test part is scored after every epoch.
 * @example
 * ```ts
 * const { model, history } = fit(spec, parseFlags([]), process.stdout);
 * ```
 */
export function fit(spec: FitSpec, flags: Flags, sink: Sink): Fitted {
  const sizes = [spec.inputs, ...(flags.hidden ?? spec.hidden), spec.outputs];
  const model = mlp(sizes, { activation: flags.activation, rng: new Rng(flags.seed) });
  const epochs = flags.epochs ?? spec.epochs;
  const lr = flags.lr ?? defaultLr(flags.optimizer) * (spec.lrScale ?? 1);
  const optimizer = makeOptimizer(flags.optimizer, model.parameters(), lr);
  const steps = epochs * Math.ceil(spec.train.x.shape[0]! / flags.batchSize);
  const start = performance.now();
  const history = train(model, spec.train, {
    loss: spec.loss, optimizer, epochs, batchSize: flags.batchSize, seed: flags.seed, shuffle: true,
    scheduler: makeScheduler(optimizer, flags.schedule, lr, steps),
    validation: { data: spec.test, metrics: spec.metrics },
    callbacks: progress(sink, spec.label, epochs),
  });
  return { model, sizes, history, epochs, seconds: (performance.now() - start) / 1000 };
}
