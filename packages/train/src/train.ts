import { noGrad, ValueError, type Tensor } from "@tapegrad/core";
import { DataLoader, type Dataset } from "@tapegrad/datasets";

/**
 * What `train` needs of a model: a forward pass and its parameters. Any `Module` of `@tapegrad/nn` fits,
 * and so does a plain object; `train()` and `eval()` are called when present (dropout-like layers).
 */
export interface Trainable {
  forward(x: Tensor): Tensor;
  parameters(): Tensor[];
  train?(): void;
  eval?(): void;
}

/**
 * Inputs and targets whose first axis indexes the same items: a `Dataset` of `@tapegrad/datasets` with
 * the names `x` and `y` (each part of a loaded data set, a `Split`, is one).
 */
export type TrainData = Dataset<{ x: Tensor; y: Tensor }>;

/** A number computed from predictions and targets after an epoch (accuracy, error, ...). */
export type Metric = (prediction: Tensor, target: Tensor) => number;

/** What `train` needs of an optimizer (every optimizer of this package fits). */
export interface Stepper {
  zeroGrad(): void;
  step(): void;
}

/** Passed to `onBatchEnd` after each optimizer step. */
export interface BatchEnd {
  /** Epoch, from 1. */
  readonly epoch: number;
  /** Batch within the epoch, from 1. */
  readonly batch: number;
  /** Batches per epoch. */
  readonly batches: number;
  /** Optimizer steps taken so far, across epochs (the lecture's k). */
  readonly step: number;
  /** Items in this batch. */
  readonly size: number;
  /** This batch's loss, before the step. */
  readonly loss: number;
}

/** Passed to `onEpochEnd` after each epoch (and its validation). */
export interface EpochEnd {
  /** Epoch, from 1. */
  readonly epoch: number;
  /** Epochs asked for. */
  readonly epochs: number;
  /** Mean training loss over the epoch's items (each batch weighted by its size). */
  readonly loss: number;
  /** Validation loss and metrics after the epoch; empty without `validation`. */
  readonly validation: Readonly<Record<string, number>>;
}

/** Returning `"stop"` from a callback ends training after the current batch or epoch. */
export type CallbackResult = void | "stop";

/** Hooks into the loop; both may return `"stop"`. */
export interface TrainCallbacks {
  /** Called after each optimizer step (progress bars, per-step logs). */
  onBatchEnd?(info: BatchEnd): CallbackResult;
  /** Called after each epoch and its validation (curves, early stopping). */
  onEpochEnd?(info: EpochEnd): CallbackResult;
}

/** Options of {@link train}. */
export interface TrainOptions {
  /** The loss F averaged over a batch, e.g. `softmaxCrossEntropy` or `squaredError`. */
  loss: (prediction: Tensor, target: Tensor) => Tensor;
  /** Applies the step from the gradients in each parameter's `.grad`. */
  optimizer: Stepper;
  /** Passes over the data (≥ 1). */
  epochs: number;
  /** Items per mini-batch (≥ 1); 32 by default. */
  batchSize?: number;
  /** Seed of the batch order; 0 by default. Same seed, same model, same run. */
  seed?: number;
  /** Draw a fresh random order each epoch (the lecture's sampling without replacement); true by default. */
  shuffle?: boolean;
  /** Stepped once after every optimizer step, e.g. a `Scheduler`. */
  scheduler?: { step(): void };
  /** Held-out data scored after each epoch, with the loss and the named metrics. */
  validation?: { data: TrainData; metrics?: Readonly<Record<string, Metric>> };
  /** Hooks called after each batch and each epoch. */
  callbacks?: TrainCallbacks;
}

/** What a run leaves behind: one entry per epoch. */
export interface History {
  /** Mean training loss of each epoch. */
  readonly loss: number[];
  /** Per name (`loss` and each metric), its validation value after each epoch. */
  readonly validation: Record<string, number[]>;
}

/**
 * The training loop, step by step: a generator that yields after each mini-batch and returns the
 * history. `train` runs it to the end; a page that must stay responsive can run a few steps per frame.
 * @example
 * ```ts
 * const run = trainSteps(model, { x, y }, { loss: softmaxCrossEntropy, optimizer: opt, epochs: 10 });
 * let r = run.next();
 * while (!r.done) r = run.next(); // r.value is the History
 * ```
 */
export function* trainSteps(model: Trainable, data: TrainData, options: TrainOptions): Generator<BatchEnd, History, void> {
  const epochs = positiveInteger("epochs", options.epochs);
  const batchSize = positiveInteger("batchSize", options.batchSize ?? 32);
  const { loss: lossFn, optimizer, scheduler, validation, callbacks = {} } = options;
  if (typeof lossFn !== "function") throw new ValueError("train", `option loss must be a function (got ${String(lossFn)})`);
  const loader = new DataLoader({ x: data.x, y: data.y }, { batchSize, shuffle: options.shuffle ?? true, seed: options.seed ?? 0 });
  const history: History = { loss: [], validation: {} };
  let step = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    model.train?.();
    let total = 0;
    let seen = 0;
    let batch = 0;
    let stop = false;
    for (const { x, y } of loader) {
      optimizer.zeroGrad();
      const loss = lossFn(model.forward(x), y);
      loss.backward();
      optimizer.step();
      scheduler?.step();
      const info: BatchEnd = { epoch, batch: ++batch, batches: loader.batchesPerEpoch, step: ++step, size: x.shape[0]!, loss: loss.item() };
      total += info.loss * info.size;
      seen += info.size;
      stop = callbacks.onBatchEnd?.(info) === "stop";
      yield info;
      if (stop) break;
    }
    const scores = validation === undefined ? {} : evaluate(model, validation.data, { loss: lossFn, ...validation.metrics });
    const loss = total / seen; // the items of this epoch actually trained on, fewer if a callback stopped it
    history.loss.push(loss);
    for (const [name, value] of Object.entries(scores)) (history.validation[name] ??= []).push(value);
    const ended = callbacks.onEpochEnd?.({ epoch, epochs, loss, validation: scores });
    if (stop || ended === "stop") break;
  }
  model.eval?.();
  return history;
}

/**
 * Trains `model` on `data` by mini-batches drawn without replacement: per batch, zero the gradients,
 * compute the loss, `backward`, `optimizer.step()`, then `scheduler.step()`. Returns the loss of each
 * epoch and, with `validation`, its loss and metrics after each epoch. The model is left in `eval()` mode.
 * @example
 * ```ts
 * const model = mlp([2, 16, 16, 2]);
 * const history = train(model, moons({ n: 200 }), {
 *   loss: softmaxCrossEntropy, optimizer: new Adam(model.parameters(), { lr: 0.01 }), epochs: 20,
 *   callbacks: { onEpochEnd: ({ epoch, loss }) => console.log(epoch, loss) },
 * });
 * history.loss.at(-1); // lower than history.loss[0]
 * ```
 */
export function train(model: Trainable, data: TrainData, options: TrainOptions): History {
  const run = trainSteps(model, data, options);
  for (;;) {
    const r = run.next();
    if (r.done === true) return r.value;
  }
}

/**
 * Scores a model on data without taping: each named function of (prediction, target), in `eval()` mode.
 * @example
 * ```ts
 * evaluate(model, test, { loss: softmaxCrossEntropy, accuracy }); // { loss: 0.12, accuracy: 0.97 }
 * ```
 */
export function evaluate(
  model: Trainable,
  data: TrainData,
  scores: Readonly<Record<string, (prediction: Tensor, target: Tensor) => Tensor | number>>,
): Record<string, number> {
  model.eval?.();
  const prediction = noGrad(() => model.forward(data.x));
  const out: Record<string, number> = {};
  for (const [name, score] of Object.entries(scores)) {
    const value = noGrad(() => score(prediction, data.y));
    out[name] = typeof value === "number" ? value : value.item();
  }
  return out;
}

/**
 * The fraction of rows whose largest output is at the target class index (`[batch, classes]` predictions
 * against `[batch]` indices).
 * @example
 * ```ts
 * accuracy(tensor([[0.1, 0.9], [0.8, 0.2]]), tensor([1, 1])); // 0.5
 * ```
 */
export function accuracy(prediction: Tensor, target: Tensor): number {
  const [rows] = prediction.shape;
  if (prediction.shape.length !== 2 || target.shape.length !== 1 || target.shape[0] !== rows) {
    throw new ValueError("accuracy", `needs [batch, classes] predictions and [batch] targets (got ${prediction}, ${target})`);
  }
  const predicted = prediction.argmax(-1).data; // the first largest output on ties
  let right = 0;
  for (let r = 0; r < rows!; r++) if (predicted[r] === target.data[r]) right++;
  return right / rows!;
}

/** An option of `train` that must be an integer >= 1 (epochs, batchSize). */
function positiveInteger(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new ValueError("train", `option ${option} must be an integer >= 1 (got ${String(value)})`);
  return value;
}
