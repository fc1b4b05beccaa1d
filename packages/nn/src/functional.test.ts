import { describe, expect, it } from "vitest";
import { grad, Rng, tensor, ValueError, type Tensor } from "@tapegrad/core";
import { functionalCall } from "./functional.js";
import { Linear } from "./linear.js";
import { mlp } from "./mlp.js";
import { BatchNorm1d } from "./batchNorm1d.js";
import { Sequential } from "./sequential.js";

describe("functionalCall", () => {
  it("runs forward with the given parameters and puts the originals back", () => {
    const layer = new Linear(2, 1, { dtype: "float64", rng: new Rng(1) });
    const original = layer.weight;
    const x = tensor([[1, 2]], { dtype: "float64" });
    const out = functionalCall(layer, { weight: tensor([[10, 100]], { dtype: "float64" }) }, x);
    expect(out.item()).toBeCloseTo(210 + layer.bias!.data[0]!, 12);
    expect(layer.weight).toBe(original);
  });

  it("makes a module a function of its parameters for grad: d sum(x Wᵀ) / dW = Σ_rows x", () => {
    const layer = new Linear(2, 1, { dtype: "float64", bias: false });
    const x = tensor([[1, 2], [3, 5]], { dtype: "float64" });
    const g = grad((w) => functionalCall(layer, { weight: w }, x).sum())(layer.weight.detach());
    expect(g.toArray()).toEqual([[4, 7]]);
  });

  it("reaches nested parameters by dotted name and refuses unknown names, restoring after an error in forward", () => {
    const net = mlp([2, 2, 1], { dtype: "float64" });
    const before = net.parameters();
    // A replacement of the wrong shape makes forward throw; the originals must still come back.
    expect(() => functionalCall(net, { "0.weight": tensor([[1, 0, 0]], { dtype: "float64" }) }, tensor([[1, 1]]))).toThrow(/matmul/);
    expect(() => functionalCall(net, { "9.bias": tensor([0]) }, tensor([[1, 1]]))).toThrow(ValueError);
    expect(() => functionalCall(net, { "9.bias": tensor([0]) }, tensor([[1, 1]]))).toThrow(/functionalCall: the module has no parameter or buffer "9.bias"/);
    expect(net.parameters()).toEqual(before);
    expect(net.parameters().every((p, i) => p === before[i])).toBe(true);
  });

  it("replaces buffers too, by their state-dict names: eval() normalises by the running statistics given", () => {
    const net = new Sequential(new Linear(2, 2, { dtype: "float64" }), new BatchNorm1d(2, { dtype: "float64", affine: false })).eval();
    const x = tensor([[1, 2], [3, -4]], { dtype: "float64" });
    const mean = tensor([1, -1], { dtype: "float64" });
    const variance = tensor([4, 9], { dtype: "float64" });
    const eye = tensor([[1, 0], [0, 1]], { dtype: "float64" });
    const zero = tensor([0, 0], { dtype: "float64" });
    const out = functionalCall(net, { "0.weight": eye, "0.bias": zero, "1.running_mean": mean, "1.running_var": variance }, x);
    const want = [[0, 3], [2, -3]].map((r) => r.map((v, c) => v / Math.sqrt([4, 9][c]! + 1e-5)));
    Array.from(out.data).forEach((v, i) => expect(v).toBeCloseTo(want.flat()[i]!, 12));
    expect(Array.from(net.buffers()[0]!.data)).toEqual([0, 0]); // the module's own statistics are untouched
    // The statistics are inputs like any other: d sum(out) / d running_mean = −1/√(var + eps) per row.
    const g = grad((m) => functionalCall(net, { "1.running_mean": m }, x).sum())(mean);
    expect(g.data[0]).toBeCloseTo(-2 / Math.sqrt(1 + 1e-5), 12);
  });

  it("updates given BatchNorm running statistics in place in train(), leaving the module's own alone (as PyTorch)", () => {
    const bn = new BatchNorm1d(1, { dtype: "float64", momentum: 0.5 });
    const [mean, variance, count] = [tensor([2], { dtype: "float64" }), tensor([3], { dtype: "float64" }), tensor(0, { dtype: "int32" })];
    functionalCall(bn, { running_mean: mean, running_var: variance, num_batches_tracked: count }, tensor([[1], [3]], { dtype: "float64" }));
    expect(Array.from(mean.data)).toEqual([0.5 * 2 + 0.5 * 2]); // batch mean 2
    expect(Array.from(variance.data)).toEqual([0.5 * 3 + 0.5 * 2]); // unbiased batch variance 2
    expect(count.item()).toBe(1);
    expect(bn.stateDict().running_mean!.data[0]).toBe(0);
    expect(bn.buffer("running_mean")).not.toBe(mean);
    expect(() => functionalCall(bn, { running_mean: [1] as unknown as Tensor }, tensor([[1], [3]]))).toThrow(/functionalCall: parameters\["running_mean"\] must be a Tensor/);
  });
});
