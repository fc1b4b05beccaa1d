import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { decodeTorchSave, encodeTorchSave, isPyTuple, Rng, Tensor, tensor, type TorchValue } from "@tapegrad/core";
import { Linear } from "@tapegrad/nn";
import { Adam, AdamW } from "./adam.js";
import type { BaseOptions, Optimizer } from "./optimizer.js";
import { RMSprop } from "./rmsprop.js";
import { SGD } from "./sgd.js";
import { loadTorchOptimizerState, torchOptimizerState } from "./torchState.js";
import { runs } from "../../../test-support/fuzz.js";

/** A small float64 layer and an optimizer over it, after `steps` updates on a fixed batch. */
function trained<O extends Optimizer<BaseOptions>>(make: (params: Tensor[]) => O, steps: number): { layer: Linear; opt: O; step: () => void } {
  const layer = new Linear(3, 2, { rng: new Rng(5), dtype: "float64" });
  const opt = make(layer.parameters());
  const x = tensor([[1, -2, 0.5], [0.3, 0.1, -1]], { dtype: "float64" });
  const step = (): void => {
    opt.zeroGrad();
    layer.forward(x).square().sum().backward();
    opt.step();
  };
  for (let k = 0; k < steps; k++) step();
  return { layer, opt, step };
}

/** Through the bytes of a torch.save file and back, as a checkpoint travels. */
const viaFile = (state: TorchValue): TorchValue => decodeTorchSave(encodeTorchSave(state));

describe("torchOptimizerState: torch.optim's names and layouts (PyTorch 1.13)", () => {
  it("Adam: step as a scalar tensor, exp_avg and exp_avg_sq of the parameter's shape, torch's group keys in torch's order", () => {
    const { layer, opt } = trained((p) => new Adam(p, { lr: 0.01 }), 3);
    const sd = torchOptimizerState(opt);
    expect(Object.keys(sd.param_groups[0]!)).toEqual(["lr", "betas", "eps", "weight_decay", "amsgrad", "maximize", "foreach", "capturable", "differentiable", "fused", "params"]);
    expect(sd.param_groups[0]).toEqual({ lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false, foreach: null, capturable: false, differentiable: false, fused: false, params: [0, 1] });
    expect(isPyTuple(sd.param_groups[0]!.betas)).toBe(true);
    expect([...sd.state.keys()]).toEqual([0, 1]);
    const s0 = sd.state.get(0)!;
    expect(Object.keys(s0)).toEqual(["step", "exp_avg", "exp_avg_sq"]);
    expect([(s0.step as Tensor).dtype, (s0.step as Tensor).shape, (s0.step as Tensor).item()]).toEqual(["float32", [], 3]);
    expect([(s0.exp_avg as Tensor).shape, (s0.exp_avg as Tensor).dtype]).toEqual([layer.weight.shape, "float64"]);
  });

  it("AdamW and AMSGrad: AdamW's group keys, and max_exp_avg_sq", () => {
    const sd = torchOptimizerState(trained((p) => new AdamW(p, { amsgrad: true }), 1).opt);
    expect(Object.keys(sd.param_groups[0]!)).toEqual(["lr", "betas", "eps", "weight_decay", "amsgrad", "foreach", "maximize", "capturable", "params"]);
    expect(Object.keys(sd.state.get(1)!)).toEqual(["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"]);
  });

  it("SGD: momentum_buffer, or None without momentum, and no step", () => {
    const withMomentum = torchOptimizerState(trained((p) => new SGD(p, { lr: 0.1, momentum: 0.9 }), 2).opt);
    expect(Object.keys(withMomentum.param_groups[0]!)).toEqual(["lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize", "foreach", "differentiable", "params"]);
    expect((withMomentum.state.get(0)!.momentum_buffer as Tensor).shape).toEqual([2, 3]);
    const plain = torchOptimizerState(trained((p) => new SGD(p, { lr: 0.1 }), 2).opt);
    expect(plain.state.get(0)).toEqual({ momentum_buffer: null });
  });

  it("refuses an optimizer torch.optim's layout is not mapped for", () => {
    expect(() => torchOptimizerState(trained((p) => new RMSprop(p), 1).opt)).toThrow(/torchOptimizerState: RMSprop has no torch.optim layout here \(supported: Adam, AdamW, SGD\)/);
  });
});

describe("loadTorchOptimizerState: back from torch's layout, exactly", () => {
  it.each([
    ["Adam", (p: Tensor[]) => new Adam(p, { lr: 0.02, betas: [0.8, 0.99], weightDecay: 0.1 })],
    ["AdamW with AMSGrad", (p: Tensor[]) => new AdamW(p, { amsgrad: true })],
    ["SGD with Nesterov momentum", (p: Tensor[]) => new SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true })],
    ["SGD without momentum", (p: Tensor[]) => new SGD(p, { lr: 0.1 })],
  ] as const)("%s: the restored optimizer continues bit for bit", (name, make) => {
    const original = trained(make as (p: Tensor[]) => Optimizer<BaseOptions>, 3);
    const copy = trained(make as (p: Tensor[]) => Optimizer<BaseOptions>, 0);
    copy.layer.loadStateDict(original.layer.stateDict());
    loadTorchOptimizerState(copy.opt, viaFile(torchOptimizerState(original.opt)));
    // torch's SGD keeps no step count (its update does not use one), so only Adam's steps travel.
    const stateOf = (o: Optimizer<BaseOptions>) => Object.values(o.stateDict().state).map((s) => (name.startsWith("SGD") ? s.buffers : s));
    expect(stateOf(copy.opt)).toEqual(stateOf(original.opt));
    expect(copy.opt.paramGroups[0]!.options).toEqual(original.opt.paramGroups[0]!.options);
    original.step();
    copy.step();
    expect(Array.from(copy.layer.weight.data)).toEqual(Array.from(original.layer.weight.data));
  });
});

describe("property: any Adam, AdamW or SGD state survives torch's layout and a torch.save file", () => {
  const options = fc.oneof(
    fc.record({ kind: fc.constant("Adam" as const), lr: fc.double({ min: 0, max: 1, noNaN: true }), amsgrad: fc.boolean(), weightDecay: fc.constantFrom(0, 0.01) }),
    fc.record({ kind: fc.constant("AdamW" as const), lr: fc.double({ min: 0, max: 1, noNaN: true }), amsgrad: fc.boolean(), weightDecay: fc.constantFrom(0, 0.01) }),
    fc.record({ kind: fc.constant("SGD" as const), lr: fc.double({ min: 0, max: 1, noNaN: true }), momentum: fc.constantFrom(0, 0.9), weightDecay: fc.constantFrom(0, 0.01) }),
  );
  const shapes = fc.array(fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }), { minLength: 1, maxLength: 3 });
  const make = (o: { kind: string } & Record<string, unknown>, params: Tensor[]): Optimizer<BaseOptions> => {
    const { kind, ...rest } = o;
    return kind === "SGD" ? new SGD(params, rest) : kind === "AdamW" ? new AdamW(params, rest) : new Adam(params, rest);
  };
  it("loads back into a fresh optimizer with the same state, which then steps identically", () => {
    fc.assert(
      fc.property(options, shapes, fc.constantFrom("float32" as const, "float64" as const), fc.integer({ min: 0, max: 3 }), fc.integer(), (o, dims, dtype, steps, seed) => {
        const rng = new Rng(seed);
        const values = (shape: number[]): Tensor => {
          const draws = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal());
          return tensor(dtype === "float64" ? Float64Array.from(draws) : Float32Array.from(draws), { shape, requiresGrad: true });
        };
        const params = dims.map(values);
        const copies = params.map((p) => tensor(p.data.slice(), { shape: p.shape, requiresGrad: true }));
        const original = make(o, params);
        const copy = make(o, copies);
        const grads = Array.from({ length: steps + 1 }, () => params.map((p) => values([...p.shape]).detach()));
        const stepWith = (opt: Optimizer<BaseOptions>, ps: Tensor[], k: number): void => {
          ps.forEach((p, i) => (p.grad = grads[k]![i]!));
          opt.step();
        };
        for (let k = 0; k < steps; k++) stepWith(original, params, k);
        copies.forEach((c, i) => c.data.set(params[i]!.data));
        loadTorchOptimizerState(copy, viaFile(torchOptimizerState(original)));
        const buffers = (opt: Optimizer<BaseOptions>) => Object.values(opt.stateDict().state).map((s) => s.buffers);
        expect(buffers(copy)).toEqual(buffers(original));
        stepWith(original, params, steps);
        stepWith(copy, copies, steps);
        copies.forEach((c, i) => expect(Array.from(c.data)).toEqual(Array.from(params[i]!.data)));
      }),
      runs(),
    );
  });
});
