import { noGrad } from "@tapegrad/core";
import type { Sequential } from "@tapegrad/nn";
import type { Split } from "@tapegrad/datasets";
import { trainSteps, type BatchEnd, type History } from "@tapegrad/train";
import { classificationLoss, makeScheduledOptimizer } from "./network.js";
import type { OptimizerName, Settings } from "./settings.js";

/** Train and test loss after some number of steps. */
export interface LossPoint {
  readonly step: number;
  readonly train: number;
  readonly test: number;
}

/** Epochs to ask `trainSteps` for: the page trains until it is paused, so in effect for ever. */
const endless = 2 ** 40;

/**
 * One network with its optimizer, and the losses it has gone through. Steps are taken one at a time
 * from optim's `trainSteps` loop, which draws seeded mini-batches without replacement: networks built
 * with the same settings therefore see the same batches in the same order.
 */
export class Trainer {
  readonly name: OptimizerName;
  /** The base learning rate (the schedule scales from it). */
  readonly lr: number;
  readonly model: Sequential;
  readonly #run: Generator<BatchEnd, History, void>;
  readonly #history: LossPoint[] = [];
  #steps = 0;

  constructor(model: Sequential, optimizer: OptimizerName, lr: number, train: Split, s: Pick<Settings, "schedule" | "decay" | "batch" | "seed">) {
    this.name = optimizer;
    this.lr = lr;
    this.model = model;
    const stepper = makeScheduledOptimizer(optimizer, model.parameters(), lr, s);
    this.#run = trainSteps(model, train, {
      loss: classificationLoss, optimizer: stepper.optimizer, scheduler: stepper.scheduler, epochs: endless, batchSize: s.batch, seed: s.seed,
    });
  }

  /** Optimizer steps taken. */
  get steps(): number {
    return this.#steps;
  }

  /** Every recorded loss point, oldest first. */
  get history(): readonly LossPoint[] {
    return this.#history;
  }

  /** One optimizer step on the next mini-batch; returns that batch's loss (before the step). */
  step(): number {
    const r = this.#run.next();
    if (r.done === true) throw new Error("the training loop ended");
    this.#steps = r.value.step;
    return r.value.loss;
  }

  /** Loss on a whole set, without taping. */
  loss(set: Split): number {
    return noGrad(() => classificationLoss(this.model.forward(set.x), set.y).item());
  }

  /** Computes the train and test loss now and appends them to the history. */
  record(train: Split, test: Split): LossPoint {
    const point = { step: this.#steps, train: this.loss(train), test: this.loss(test) };
    this.#history.push(point);
    return point;
  }
}
