import { readFileSync } from "node:fs";
import { expect } from "vitest";
import type { Tensor } from "@tapegrad/core";
import { decodeSafetensors, type AnyModule } from "../src/index.js";

/**
 * Reads the layer test vectors written by fixtures/make_layers.py (see its docstring for the keys) and
 * replays them on a tapegrad layer: load PyTorch's state dict, run each call, match outputs and the
 * gradients of the same scalar loss, then the state after all calls.
 */

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

/** ‖got − want‖∞ ≤ 1e-9·max(‖want‖∞, 1e-12): float64 agreement relative to the tensor's scale. */
export function expectClose(got: Tensor | null | undefined, want: Tensor, what: string): void {
  expect(got, what).toBeTruthy();
  expect(got!.shape, what).toEqual(want.shape);
  let err = 0;
  let scale = 1e-12;
  for (let i = 0; i < want.data.length; i++) {
    const w = want.data[i]!;
    const g = got!.data[i]!;
    if (Number.isNaN(w) || Number.isNaN(g)) expect(Number.isNaN(g) && Number.isNaN(w), `${what}[${i}] NaN`).toBe(true);
    else if (!Number.isFinite(w)) expect(g, `${what}[${i}]`).toBe(w);
    else {
      err = Math.max(err, Math.abs(g - w));
      scale = Math.max(scale, Math.abs(w));
    }
  }
  expect(err / scale, `${what}: relative error`).toBeLessThanOrEqual(1e-9);
}

/** Replays case `name` with `builder`, checking every output, gradient and the final state. */
export function replay(name: string, builder: Builder): void {
  const { tensors, config } = readCase(name);
  const module = builder.build(config);
  const state = under(tensors, "state.");
  expect(Object.keys(module.stateDict()).sort(), "state-dict keys").toEqual(Object.keys(state).sort());
  module.loadStateDict(state);
  config.calls.forEach((call, c) => {
    module.train(call.mode !== "eval");
    module.zeroGrad();
    const inputs = numbered(tensors, `call${c}.input.`).map((t) => {
      if (t.dtype === "int32") return t;
      const leaf = t.detach();
      leaf.requiresGrad = true;
      return leaf;
    });
    const outputs = builder.call(module, inputs, call);
    const wanted = numbered(tensors, `call${c}.output.`);
    expect(outputs.length, `call ${c}: number of outputs`).toBe(wanted.length);
    outputs.forEach((o, k) => expectClose(o, wanted[k]!, `call ${c} output ${k}`));
    const probes = numbered(tensors, `call${c}.probe.`);
    outputs.map((o, k) => o.mul(probes[k]!).sum()).reduce((a, b) => a.add(b)).backward();
    inputs.forEach((x, i) => {
      const want = tensors[`call${c}.grad.input.${i}`];
      if (want !== undefined) expectClose(x.grad, want, `call ${c} d loss / d input ${i}`);
    });
    const params = Object.fromEntries(module.namedParameters());
    for (const [key, want] of Object.entries(under(tensors, `call${c}.grad.state.`))) expectClose(params[key]?.grad, want, `call ${c} d loss / d ${key}`);
  });
  const final = module.stateDict();
  for (const [key, want] of Object.entries(under(tensors, "final.state."))) expectClose(final[key]?.cast("float64"), want.cast("float64"), `final ${key}`);
}
