import { DTypeError, Tensor, tensor, ValueError, type TorchObject, type TorchValue } from "@tapegrad/core";
import { fromTorchOptimizerState, torchOptimizerState, type BaseOptions, type Optimizer, type TorchOptimizerState } from "@tapegrad/optim";
import type { CheckpointModel } from "./checkpoint.js";

/** What a PyTorch checkpoint holds: the model and, optionally, its optimizer (Adam, AdamW or SGD). */
export interface TorchCheckpointParts {
  /** Its state dict goes under PyTorch's names (any `@tapegrad/nn` `Module`). */
  model: CheckpointModel;
  optimizer?: Optimizer<BaseOptions>;
}

/** The checkpoint as PyTorch sees it after `torch.load`; a {@link TorchValue}, so `encodeTorchSave` takes it as it is. */
export type TorchCheckpoint = TorchObject & {
  readonly model: Readonly<Record<string, Tensor>>;
  readonly optimizer?: TorchOptimizerState;
};

/**
 * The checkpoint dict `{"model": model.state_dict(), "optimizer": optimizer.state_dict()}` in PyTorch's
 * names and layouts. core's `encodeTorchSave` of it is a file that PyTorch resumes from with
 * `model.load_state_dict(ck["model"]); optimizer.load_state_dict(ck["optimizer"])`.
 * @example
 * ```ts
 * const bytes = encodeTorchSave(torchCheckpoint({ model, optimizer: opt }));
 * ```
 */
export function torchCheckpoint(parts: TorchCheckpointParts): TorchCheckpoint {
  const model = parts.model.stateDict();
  return parts.optimizer === undefined ? { model } : { model, optimizer: torchOptimizerState(parts.optimizer) };
}

/**
 * Restores a checkpoint of that form (from PyTorch or from {@link torchCheckpoint}) into the parts. The
 * model's keys, shapes and dtypes and the optimizer's whole state are checked before anything changes,
 * and a part that still refuses its state puts the other back, so a failed restore changes nothing.
 * @example
 * ```ts
 * restoreTorchCheckpoint(decodeTorchSave(bytes), { model, optimizer: opt });
 * ```
 */
export function restoreTorchCheckpoint(checkpoint: TorchValue, parts: TorchCheckpointParts): void {
  const op = "restoreTorchCheckpoint";
  const ck = checkpoint as { model?: unknown; optimizer?: TorchValue } | null;
  if (typeof ck !== "object" || ck === null || !("model" in ck)) throw new ValueError(op, `expected a dict with a "model" state dict (and an "optimizer" state)`);
  if (parts.optimizer !== undefined && ck.optimizer === undefined) throw new ValueError(op, `the checkpoint holds no "optimizer", but parts.optimizer was passed`);
  const model = checkModel(op, ck.model, parts.model.stateDict());
  const optimizerState = parts.optimizer === undefined ? undefined : fromTorchOptimizerState(parts.optimizer, ck.optimizer!);
  const before = Object.fromEntries(Object.entries(parts.model.stateDict()).map(([n, t]) => [n, tensor(t.data.slice(), { shape: t.shape })]));
  parts.model.loadStateDict(model);
  try {
    if (optimizerState !== undefined) parts.optimizer!.loadStateDict(optimizerState);
  } catch (e) {
    parts.model.loadStateDict(before);
    throw e;
  }
}

/** The checkpoint's model entry, checked name by name against the module's own state dict. */
function checkModel(op: string, value: unknown, own: Readonly<Record<string, Tensor>>): Record<string, Tensor> {
  if (typeof value !== "object" || value === null || value instanceof Map || Array.isArray(value)) throw new ValueError(op, `"model" must be a state dict of tensors`);
  const state = value as Record<string, unknown>;
  const missing = Object.keys(own).filter((k) => !Object.hasOwn(state, k));
  const unexpected = Object.keys(state).filter((k) => !Object.hasOwn(own, k));
  if (missing.length || unexpected.length) {
    const parts = [missing.length ? `missing keys ${JSON.stringify(missing)}` : "", unexpected.length ? `unexpected keys ${JSON.stringify(unexpected)}` : ""];
    throw new ValueError(op, `the checkpoint's model does not fit the module: ${parts.filter(Boolean).join("; ")}`);
  }
  for (const [name, mine] of Object.entries(own)) {
    const t = state[name];
    if (!(t instanceof Tensor)) throw new ValueError(op, `model["${name}"] must be a tensor`);
    if (t.shape.length !== mine.shape.length || t.shape.some((d, i) => d !== mine.shape[i])) {
      throw new ValueError(op, `model["${name}"] has shape [${t.shape.join(",")}], the module expects [${mine.shape.join(",")}]`);
    }
    if (t.dtype !== mine.dtype) throw new DTypeError(op, `model["${name}"] is ${t.dtype}, the module's is ${mine.dtype}`);
  }
  return state as Record<string, Tensor>;
}
