import { ShapeError, tensor, ValueError } from "@tapegrad/core";
import { describe, expect, it } from "vitest";
import { Adam } from "./adam.js";
import { SGD } from "./sgd.js";

const param = (values: number[]) => tensor(values, { dtype: "float64", requiresGrad: true });

describe("Optimizer: groups, learning rate, gradients", () => {
  it("each group keeps its own options over the defaults", () => {
    const [a, b] = [param([1]), param([1])];
    const opt = new SGD([{ params: [a], lr: 0.5 }, { params: [b] }], { lr: 0.1, momentum: 0.9 });
    expect(opt.paramGroups.map((g) => g.options.lr)).toEqual([0.5, 0.1]);
    expect(opt.paramGroups.map((g) => g.options.momentum)).toEqual([0.9, 0.9]);
    a.grad = tensor([1], { dtype: "float64" });
    b.grad = tensor([1], { dtype: "float64" });
    opt.step();
    expect([a.item(), b.item()]).toEqual([1 - 0.5, 1 - 0.1]);
  });

  it("the lr setter sets every group; setLr one group; both validate", () => {
    const opt = new SGD([{ params: [param([1])], lr: 0.5 }, { params: [param([1])] }], { lr: 0.1 });
    opt.setLr(0.3, 1);
    expect(opt.paramGroups.map((g) => g.options.lr)).toEqual([0.5, 0.3]);
    opt.lr = 0.01;
    expect(opt.lr).toBe(0.01);
    expect(opt.paramGroups.map((g) => g.options.lr)).toEqual([0.01, 0.01]);
    expect(() => (opt.lr = -1)).toThrow("SGD: option lr must be >= 0 (got -1)");
    expect(() => opt.setLr(0.1, 2)).toThrow("SGD: no parameter group 2 (there are 2)");
  });

  it("a new learning rate takes effect at the next step", () => {
    const w = param([2]);
    const opt = new SGD([w], { lr: 0.1 });
    w.grad = tensor([1], { dtype: "float64" });
    opt.step();
    opt.lr = 0.5;
    opt.step();
    expect(w.item()).toBeCloseTo(2 - 0.1 - 0.5, 15);
  });

  it("skips parameters without a gradient and zeroGrad drops gradients", () => {
    const [a, b] = [param([1]), param([1])];
    const opt = new Adam([a, b], { lr: 0.1 });
    a.mul(a).sum().backward();
    opt.step();
    expect(a.item()).not.toBe(1);
    expect(b.item()).toBe(1);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
    opt.step(); // nothing to do: no gradients
    expect(opt.stateDict().state["0"]!.step).toBe(1);
  });

  it("float32 parameters keep float32 state and results", () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const opt = new Adam([w], { lr: 0.1 });
    w.square().sum().backward();
    opt.step();
    expect(w.data).toBeInstanceOf(Float32Array);
    expect(w.dtype).toBe("float32");
    expect(w.data[0]).toBe(Math.fround(w.data[0]!));
  });

  it("refuses a gradient of another shape, naming both shapes", () => {
    const w = param([1, 2]);
    const opt = new SGD([w], { lr: 0.1 });
    w.grad = tensor([[1, 2]], { dtype: "float64" });
    expect(() => opt.step()).toThrow(ShapeError);
    expect(() => opt.step()).toThrow("SGD: a parameter's gradient must have its shape (got [2], [1,2])");
  });

  it("refuses empty groups, computed tensors and duplicates", () => {
    expect(() => new SGD([])).toThrow("SGD: parameter group 0 is empty");
    const w = param([1]);
    expect(() => new SGD([w.mul(2)])).toThrow(ValueError);
    expect(() => new SGD([w.mul(2)])).toThrow("computed by an op");
    expect(() => new SGD([{ params: [w] }, { params: [w] }])).toThrow("appears twice (group 1)");
  });
});

describe("Optimizer: stateDict", () => {
  function trained(): { w: ReturnType<typeof param>; opt: Adam } {
    const w = param([1, -2, 3]);
    const opt = new Adam([{ params: [w], lr: 0.05 }], { amsgrad: true });
    for (let k = 0; k < 3; k++) {
      opt.zeroGrad();
      w.mul(w).mul(w).sum().backward();
      opt.step();
    }
    return { w, opt };
  }

  it("survives JSON exactly and restores options and moments", () => {
    const { w, opt } = trained();
    const sd = JSON.parse(JSON.stringify(opt.stateDict())) as ReturnType<Adam["stateDict"]>;
    expect(sd.kind).toBe("Adam");
    expect(sd.paramGroups[0]!.options).toMatchObject({ lr: 0.05, amsgrad: true, betas: [0.9, 0.999] });
    expect(Object.keys(sd.state["0"]!.buffers).sort()).toEqual(["expAvg", "expAvgSq", "maxExpAvgSq"]);
    const w2 = param(Array.from(w.data));
    const fresh = new Adam([w2]);
    fresh.loadStateDict(sd);
    expect(fresh.lr).toBe(0.05);
    expect(fresh.stateDict()).toEqual(opt.stateDict());
  });

  it("refuses a state of another class, another grouping or other sizes", () => {
    const { opt } = trained();
    const sd = opt.stateDict();
    expect(() => new SGD([param([1, 2, 3])]).loadStateDict(sd)).toThrow("SGD: state dict was written by Adam, not SGD");
    expect(() => new Adam([{ params: [param([1, 2, 3])] }, { params: [param([1])] }]).loadStateDict(sd)).toThrow(
      "state dict has 1 parameter groups, this optimizer 2",
    );
    expect(() => new Adam([param([1, 2])]).loadStateDict(sd)).toThrow("state expAvg of parameter 0 has 3 values, the parameter 2");
    const badStep = { ...sd, state: { "0": { ...sd.state["0"]!, step: 1.5 } } };
    expect(() => new Adam([param([1, 2, 3])]).loadStateDict(badStep)).toThrow("Adam: state step of parameter 0 must be an integer >= 0 (got 1.5)");
    const bad = { ...sd, paramGroups: [{ params: [0], options: { lr: -1 } }] };
    expect(() => new Adam([param([1, 2, 3])]).loadStateDict(bad)).toThrow("Adam: option lr must be >= 0 (got -1)");
  });
});
