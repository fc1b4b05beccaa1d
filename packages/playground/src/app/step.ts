import type { Tensor } from "@tapegrad/core";
import type { Module } from "@tapegrad/nn";
import type { BaseOptions, Optimizer, Scheduler } from "@tapegrad/optim";

/** What one optimizer step needs: the model, its optimizer and schedule, and the loss. */
export interface StepParts {
  readonly model: Module;
  readonly optimizer: Optimizer<BaseOptions>;
  readonly scheduler: Scheduler;
  readonly loss: (prediction: Tensor, target: Tensor) => Tensor;
}

/**
 * One training step on one mini-batch: forward, backward, update, advance the schedule. Returns the
 * batch loss. Every place in the playground that trains goes through this one function, so it can be
 * swapped for a shared training helper without touching the rest.
 */
export function trainStep(parts: StepParts, batch: { readonly x: Tensor; readonly y: Tensor }): number {
  parts.optimizer.zeroGrad();
  const loss = parts.loss(parts.model.forward(batch.x), batch.y);
  loss.backward();
  parts.optimizer.step();
  parts.scheduler.step();
  return loss.item();
}
