import { readFileSync } from "node:fs";
import type { Tensor } from "@tapegrad/core";
import { decodeSafetensors, type AnyModule } from "../src/index.js";

/** The test vectors of fixtures/make_layers.py (see its docstring for the keys), read without vitest so scripts can use them too. */

/** One call of a case as make_layers.py records it. */
export interface CallConfig {
  readonly mode?: "train" | "eval";
  readonly positional?: number;
  readonly positional_repeat?: number;
  readonly kwargs?: Readonly<Record<string, unknown>>;
}

/** A case's configuration: the PyTorch layer, its constructor arguments and its calls. */
export interface CaseConfig {
  readonly layer: string;
  readonly args: readonly unknown[];
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly calls: readonly CallConfig[];
}

/** How to build the tapegrad layer of a case and call it the way PyTorch was called. */
export interface Builder {
  build(config: CaseConfig): AnyModule;
  /** Runs one call; returns the outputs flattened in PyTorch's order. */
  call(module: AnyModule, inputs: readonly Tensor[], call: CallConfig): Tensor[];
}

export function readCase(name: string): { tensors: Record<string, Tensor>; config: CaseConfig } {
  const bytes = new Uint8Array(readFileSync(new URL(`./fixtures/layers/${name}.safetensors`, import.meta.url)));
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as { __metadata__: { config: string } };
  return { tensors: decodeSafetensors(bytes), config: JSON.parse(header.__metadata__.config) as CaseConfig };
}

/** Entries of `tensors` under `prefix`, with the prefix taken off. */
export function under(tensors: Record<string, Tensor>, prefix: string): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(tensors).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}

/** The numbered entries `prefix0`, `prefix1`, … in order. */
export function numbered(tensors: Record<string, Tensor>, prefix: string): Tensor[] {
  const out: Tensor[] = [];
  for (let i = 0; tensors[`${prefix}${i}`] !== undefined; i++) out.push(tensors[`${prefix}${i}`]!);
  return out;
}

