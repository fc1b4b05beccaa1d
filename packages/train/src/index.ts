/**
 * @tapegrad/train: the training loop around a model, an optimizer and the data, in one place: `train`
 * (and `trainSteps`, the same loop one batch at a time) with its callbacks and history, `evaluate` and the
 * `accuracy` metric, and atomic checkpoints of a whole run (`saveCheckpoint`, `loadCheckpoint`).
 *
 * It sits on top of the packages that each hold one idea: tensors and differentiation (`@tapegrad/core`),
 * optimizers and schedules (`@tapegrad/optim`), data sets and their `DataLoader` (`@tapegrad/datasets`).
 * A model is anything with `forward` and `parameters` (every `@tapegrad/nn` module fits), so this
 * package does not depend on nn.
 *
 * @example
 * ```ts
 * import { accuracy, evaluate, train } from "@tapegrad/train";
 * const history = train(model, split.train, { loss: softmaxCrossEntropy, optimizer: new Adam(model.parameters()), epochs: 10 });
 * evaluate(model, split.test, { accuracy }); // { accuracy: 0.97 }
 * ```
 * @packageDocumentation
 */
export * from "./train.js";
export { saveCheckpoint, loadCheckpoint } from "./checkpoint.js";
export type { CheckpointContents, CheckpointModel, CheckpointParts, JsonValue, LoadedCheckpoint, Stateful } from "./checkpoint.js";
export { torchCheckpoint, restoreTorchCheckpoint } from "./torchCheckpoint.js";
export { saveTorchCheckpoint, loadTorchCheckpoint } from "./torchCheckpointFile.js";
export type { TorchCheckpoint, TorchCheckpointParts } from "./torchCheckpoint.js";
