import { expect } from "vitest";
import type { Tensor } from "@tapegrad/core";
import { numbered, readCase, under, type Builder } from "./pytorchVectors.js";

export type { Builder, CaseConfig, CallConfig } from "./pytorchVectors.js";

/**
 * Replays the layer test vectors written by fixtures/make_layers.py on a tapegrad layer: load PyTorch's
 * state dict, run each call, match outputs and the gradients of the same scalar loss, then the state
 * after all calls.
 */

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
