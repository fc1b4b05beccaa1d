import { describe, expect, it } from "vitest";
import { grad, Rng, tensor, ValueError } from "@tapegrad/core";
import { functionalCall } from "./functional.js";
import { Linear } from "./linear.js";
import { mlp } from "./mlp.js";

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
    expect(() => functionalCall(net, { "9.bias": tensor([0]) }, tensor([[1, 1]]))).toThrow(/functionalCall: the module has no parameter field "9.bias"/);
    expect(net.parameters()).toEqual(before);
    expect(net.parameters().every((p, i) => p === before[i])).toBe(true);
  });
});
