import { decodeTorchSave, encodeTorchSave } from "@tapegrad/core";
import { writeFileAtomically } from "@tapegrad/core/node";
import { restoreTorchCheckpoint, torchCheckpoint, type TorchCheckpointParts } from "./torchCheckpoint.js";

/*
 * The file side of PyTorch checkpoints, Node only (`node:fs` is loaded on first use), apart from the
 * in-memory form in torchCheckpoint.ts that runs anywhere.
 */

/**
 * Writes {@link torchCheckpoint} of the parts to `path` as a `torch.save` file, atomically. Node only.
 * @example
 * ```ts
 * await saveTorchCheckpoint("run.pt", { model, optimizer: opt });
 * // python: ck = torch.load("run.pt"); model.load_state_dict(ck["model"]); opt.load_state_dict(ck["optimizer"])
 * ```
 */
export async function saveTorchCheckpoint(path: string, parts: TorchCheckpointParts): Promise<void> {
  await writeFileAtomically(path, encodeTorchSave(torchCheckpoint(parts)));
}

/**
 * Reads a `torch.save` file holding `{"model": ..., "optimizer": ...}` and restores it into the parts
 * with {@link restoreTorchCheckpoint}. Node only.
 * @example
 * ```ts
 * await loadTorchCheckpoint("from-pytorch.pt", { model, optimizer: opt });
 * ```
 */
export async function loadTorchCheckpoint(path: string, parts: TorchCheckpointParts): Promise<void> {
  const { readFile } = await import("node:fs/promises");
  const bytes = await readFile(path);
  restoreTorchCheckpoint(decodeTorchSave(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)), parts);
}
