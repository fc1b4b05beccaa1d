import { noGrad, type Tensor } from "@tapegrad/core";
import type { Sequential } from "@tapegrad/nn";
import type { Split } from "@tapegrad/datasets";
import { classificationLoss, makeScheduledOptimizer } from "./network.js";
import type { OptimizerName, Settings } from "./settings.js";
import { trainStep, type StepParts } from "./step.js";

/** Train and test loss after some number of steps. */
export interface LossPoint {
  readonly step: number;
  readonly train: number;
  readonly test: number;
}

/** One network with its optimizer, and the losses it has gone through. */
export class Trainer {
  readonly name: OptimizerName;
  /** The base learning rate (the schedule scales from it). */
  readonly lr: number;
  readonly model: Sequential;
  readonly #parts: StepParts;
  readonly #history: LossPoint[] = [];
  #steps = 0;

  constructor(model: Sequential, optimizer: OptimizerName, lr: number, s: Pick<Settings, "schedule" | "decay">) {
    this.name = optimizer;
    this.lr = lr;
    this.model = model;
    this.#parts = { model, loss: classificationLoss, ...makeScheduledOptimizer(optimizer, model.parameters(), lr, s) };
  }

  /** Optimizer steps taken. */
  get steps(): number {
    return this.#steps;
  }

  /** Every recorded loss point, oldest first. */
  get history(): readonly LossPoint[] {
    return this.#history;
  }

  /** One step on `batch`; returns the batch loss. */
  step(batch: { readonly x: Tensor; readonly y: Tensor }): number {
    this.#steps++;
    return trainStep(this.#parts, batch);
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
