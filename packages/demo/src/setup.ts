import type { Tensor } from "@tapegrad/core";
import { createOptimizer, Scheduler, schedules, type BaseOptions, type Optimizer } from "@tapegrad/optim";
import type { OptimizerName, ScheduleName } from "./flags.js";

/** The learning rate each optimizer starts from when `--lr` is not given (AdaDelta's is 1, as in torch). */
export function defaultLr(optimizer: OptimizerName): number {
  return optimizer === "adadelta" ? 1 : optimizer === "sgd" ? 0.05 : 0.01;
}

/**
 * The optimizer a flag names, over `params` (SGD with momentum 0.9, the rest with torch's defaults).
 * @example
 * ```ts
 * makeOptimizer("adam", model.parameters(), 0.01);
 * ```
 */
export function makeOptimizer(name: OptimizerName, params: Tensor[], lr: number): Optimizer<BaseOptions> {
  return name === "sgd" ? createOptimizer(name, params, { lr, momentum: 0.9 }) : createOptimizer(name, params, { lr });
}

/**
 * The schedule a flag names, over a run of `steps` optimizer steps: the lecture's linear decay (to a
 * tenth of the rate by the last step), α/k and α/√k, or a cosine to zero.
 * @example
 * ```ts
 * const sched = makeScheduler(opt, "cosine", 0.01, 300); // call sched.step() after each opt.step()
 * ```
 */
export function makeScheduler(optimizer: Optimizer<BaseOptions>, name: ScheduleName, lr: number, steps: number): Scheduler {
  const schedule = {
    constant: () => schedules.constant(lr),
    linear: () => schedules.linear(lr, lr / 10, steps),
    inverse: () => schedules.inverse(lr),
    inverseSqrt: () => schedules.inverseSqrt(lr),
    cosine: () => schedules.cosine(lr, { steps }),
  }[name]();
  return new Scheduler(optimizer, schedule);
}
