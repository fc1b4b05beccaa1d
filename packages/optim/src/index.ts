/**
 * @tapegrad/optim: the lecture's training machinery (§3, §5, §6). Optimizers with torch.optim's names,
 * defaults and update rules (SGD, RMSprop, AdaDelta, Adam, AdamW) plus AdaBelief from its paper;
 * learning-rate schedules as plain functions of the step, and a {@link Scheduler} that applies one;
 * a seeded {@link DataLoader} drawing mini-batches without replacement. Every piece has an exact
 * `stateDict()`, so a saved run resumes bit for bit.
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
export { DataLoader } from "./dataLoader.js";
export type { Dataset, Batch, DataLoaderOptions, DataLoaderStateDict } from "./dataLoader.js";
export * from "./train.js";
export { saveCheckpoint, loadCheckpoint } from "./checkpoint.js";
export type { CheckpointContents, CheckpointModel, CheckpointParts, JsonValue, LoadedCheckpoint, Stateful } from "./checkpoint.js";
export { createOptimizer, optimizerClasses } from "./byName.js";
export type { OptimizerName, OptimizerOptionsOf } from "./byName.js";
export { torchOptimizerState, loadTorchOptimizerState } from "./torchState.js";
export type { TorchOptimizerState } from "./torchState.js";
export { torchCheckpoint, restoreTorchCheckpoint } from "./torchCheckpoint.js";
export { saveTorchCheckpoint, loadTorchCheckpoint } from "./torchCheckpointFile.js";
export type { TorchCheckpoint, TorchCheckpointModel, TorchCheckpointParts } from "./torchCheckpoint.js";
