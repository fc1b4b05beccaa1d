import { Rng, type Tensor } from "@tapegrad/core";
import { bceWithLogits, mlp, type Sequential } from "@tapegrad/nn";
import { createOptimizer, Scheduler, schedules, type Optimizer, type BaseOptions, type Schedule } from "@tapegrad/optim";
import type { OptimizerName, ScheduleName, Settings } from "./settings.js";

/**
 * The network the settings describe: 2 inputs, the hidden widths, one logit out. The initial weights
 * come from the settings' seed, so the same link starts from the same network.
 */
export function buildNetwork(s: Pick<Settings, "hidden" | "activation" | "seed">): Sequential {
  return mlp([2, ...s.hidden, 1], { activation: s.activation, rng: new Rng(s.seed) });
}

/** Binary cross-entropy of the network's logits `[n, 1]` against labels 0/1 of shape `[n]`. */
export function classificationLoss(logits: Tensor, labels: Tensor): Tensor {
  return bceWithLogits(logits.reshape(labels.shape), labels);
}

/** An optimizer by name over `params`, with every option at torch's default except the rate. */
export function makeOptimizer(name: OptimizerName, params: Tensor[], lr: number): Optimizer<BaseOptions> {
  return createOptimizer(name, params, { lr });
}

/** The schedule by name, starting from `lr`; `decay` is the horizon K of the linear and cosine ones. */
export function makeSchedule(name: ScheduleName, lr: number, decay: number): Schedule {
  switch (name) {
    case "constant": return schedules.constant(lr);
    // The lecture's linear schedule, from α̇ down to α̈ = α̇/10 over K steps.
    case "linear": return schedules.linear(lr, lr / 10, decay);
    case "inverse": return schedules.inverse(lr);
    case "inverseSqrt": return schedules.inverseSqrt(lr);
    case "cosine": return schedules.cosine(lr, { steps: decay, min: lr / 100 });
  }
}

/** An optimizer with its schedule attached (the scheduler sets the rate of step 1 at once). */
export function makeScheduledOptimizer(name: OptimizerName, params: Tensor[], lr: number, s: Pick<Settings, "schedule" | "decay">): { optimizer: Optimizer<BaseOptions>; scheduler: Scheduler } {
  const optimizer = makeOptimizer(name, params, lr);
  return { optimizer, scheduler: new Scheduler(optimizer, makeSchedule(s.schedule, lr, s.decay)) };
}
