import { writeFileAtomically } from "@tapegrad/core/node";
import type { AnyModule } from "../module.js";
import { decodeSafetensors } from "./decode.js";
import { encodeSafetensors } from "./encode.js";

/** Options of `save`. */
export interface SaveOptions {
  /** Free-form strings stored in the file's `__metadata__` (PyTorch writes `{ format: "pt" }`). */
  metadata?: Record<string, string>;
}

/**
 * Writes a module's `stateDict()` to a safetensors file that PyTorch's `safetensors.torch.load_file`
 * reads. The write is atomic (core's `writeFileAtomically`: temporary file, fsync, rename, fsync of the
 * directory), so a crash mid-save leaves any old file intact. Node only (`node:fs` is loaded on first use,
 * so importing this package in a browser still works).
 * @example
 * ```ts
 * await save(model, "model.safetensors");
 * ```
 */
export async function save(module: AnyModule, path: string, options: SaveOptions = {}): Promise<void> {
  await writeFileAtomically(path, encodeSafetensors(module.stateDict(), options.metadata));
}

/**
 * Reads a safetensors file (written by `save` or by PyTorch) into a module's parameters, checking every
 * name and shape first (see `Module.loadStateDict`). Returns the module.
 * @example
 * ```ts
 * const model = await load(mlp([64, 32, 32, 10]), "model.safetensors");
 * ```
 */
export async function load<M extends AnyModule>(module: M, path: string): Promise<M> {
  const { readFile } = await import("node:fs/promises");
  const bytes = await readFile(path);
  module.loadStateDict(decodeSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
  return module;
}
