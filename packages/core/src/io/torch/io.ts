import { writeFileAtomically } from "../writeFileAtomically.js";
import { decodeTorchSave, encodeTorchSave } from "./torchSave.js";
import type { TorchValue } from "./values.js";

/**
 * `torch.save` for tapegrad: writes `value` to `path` in PyTorch's zip format, atomically (see
 * `writeFileAtomically`). Node only.
 * @example
 * ```ts
 * await saveTorch("weights.pt", model.stateDict());   // python: model.load_state_dict(torch.load("weights.pt"))
 * ```
 */
export async function saveTorch(path: string, value: TorchValue): Promise<void> {
  await writeFileAtomically(path, encodeTorchSave(value));
}

/**
 * `torch.load` for tapegrad: reads a file written by `torch.save` (or {@link saveTorch}) with the
 * restricted reader of `decodeTorchSave`. Node only.
 * @example
 * ```ts
 * const { model } = (await loadTorch("checkpoint.pt")) as { model: Record<string, Tensor> };
 * ```
 */
export async function loadTorch(path: string): Promise<TorchValue> {
  const { readFile } = await import("node:fs/promises");
  const bytes = await readFile(path);
  return decodeTorchSave(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}
