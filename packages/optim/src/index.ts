/**
 * @tapegrad/optim: optimizers and schedules, the lecture's §5 and §6. Optimizers with torch.optim's names,
 * defaults and update rules (SGD, RMSprop, AdaDelta, Adam, AdamW) plus AdaBelief from its paper;
 * learning-rate schedules as plain functions of the step, and a {@link Scheduler} that applies one. Every
 * piece has an exact `stateDict()`, so a saved run resumes bit for bit. `DataLoader` is re-exported from
 * `@tapegrad/datasets`; the training loop, metrics and checkpoints are `@tapegrad/train`.
 *
 * @example
 * ```ts
 * import { Adam, DataLoader, Scheduler, schedules } from "@tapegrad/optim";
 * const opt = new Adam(params, { lr: 1e-3 });
 * const sched = new Scheduler(opt, schedules.warmup(100, schedules.cosine(1e-3, { steps: 900 })));
 * for (const { x, y } of new DataLoader({ x: X, y: Y }, { batchSize: 32, shuffle: true, seed: 0 })) {
 *   opt.zeroGrad(); lossFn(model(x), y).backward(); opt.step(); sched.step();
 * }
 * ```
 * @packageDocumentation
 */
export { Optimizer, buffer } from "./optimizer.js";
export type { BaseOptions, GroupSpec, Params, ParamGroup, ParamState, OptimizerStateDict } from "./optimizer.js";
export { SGD } from "./sgd.js";
export type { SGDOptions } from "./sgd.js";
export { RMSprop } from "./rmsprop.js";
export type { RMSpropOptions } from "./rmsprop.js";
export { AdaDelta } from "./adadelta.js";
export type { AdaDeltaOptions } from "./adadelta.js";
export { AdaptiveMoments } from "./adaptiveMoments.js";
export type { MomentOptions, MomentRules } from "./adaptiveMoments.js";
export { Adam, AdamW } from "./adam.js";
export type { AdamOptions } from "./adam.js";
export { AdaBelief } from "./adabelief.js";
export type { AdaBeliefOptions } from "./adabelief.js";
export * as schedules from "./schedules.js";
export type { Schedule } from "./schedules.js";
export { Scheduler } from "./scheduler.js";
export type { SchedulerStateDict } from "./scheduler.js";
// The loader belongs to @tapegrad/datasets (it is about the data); it is re-exported here because the
// lecture's training loop, and API.md, take it from the optimizers' package beside SGD and Adam.
export { DataLoader } from "@tapegrad/datasets";
export type { Batch, DataLoaderOptions, DataLoaderStateDict } from "@tapegrad/datasets";
export { createOptimizer, optimizerClasses } from "./byName.js";
export type { OptimizerName, OptimizerOptionsOf } from "./byName.js";
export { torchOptimizerState, loadTorchOptimizerState, fromTorchOptimizerState } from "./torchState.js";
export type { TorchOptimizerState } from "./torchState.js";
