import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Tensor, type TorchValue } from "@tapegrad/core";
import type { Fingerprint } from "./cases.js";

/**
 * Where the committed PyTorch results live (written by `interop:torch --write`): per run, PyTorch's own
 * checkpoint after 30 steps, whole (the lecture's network's is 5.6 MB: its 235,146 float64 weights and
 * Adam's two moments, which the PyTorch → tapegrad test must resume from exactly), and fingerprints of the
 * results (about 0.3 MB in all).
 */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "torch");

/** One model's committed results from PyTorch, as fingerprints (see cases.ts). */
export interface TorchVectors {
  /** Weights after 60 steps in PyTorch alone. */
  readonly reference: Record<string, Fingerprint>;
  /** Weights after 30 steps in tapegrad and 30 in PyTorch from tapegrad's checkpoint. */
  readonly continued: Record<string, Fingerprint>;
  /** The tapegrad checkpoint PyTorch continued from, flattened by {@link checkpointTensors}. */
  readonly consumed: Record<string, Fingerprint>;
}

export function readVectors(name: string): TorchVectors {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}-vectors.json`), "utf8")) as TorchVectors;
}

/** The bytes of a committed fixture file. */
export function readFixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, name)));
}

/**
 * Every tensor of a `{ model, optimizer }` checkpoint under one flat name (`model.0.weight`,
 * `optimizer.3.exp_avg`), so two checkpoints compare tensor by tensor.
 */
export function checkpointTensors(checkpoint: TorchValue): Record<string, Tensor> {
  const ck = checkpoint as { model: Record<string, Tensor>; optimizer: { state: ReadonlyMap<number, Record<string, TorchValue>> } };
  const out: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(ck.model)) out[`model.${k}`] = t;
  for (const [i, s] of ck.optimizer.state) {
    for (const [k, t] of Object.entries(s)) if (t instanceof Tensor) out[`optimizer.${i}.${k}`] = t;
  }
  return out;
}
