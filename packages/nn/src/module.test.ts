import { describe, expect, it } from "vitest";
import { Rng, tensor, ValueError, type Tensor } from "@tapegrad/core";
import { ReLU } from "./activations.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";
import { Sequential } from "./sequential.js";
import { StateDictError } from "./stateDict.js";

class Block extends Module {
  fc = new Linear(3, 3, { rng: new Rng(1) });
  act = new ReLU();
  forward(x: Tensor): Tensor { return this.act.forward(this.fc.forward(x)); }
}

class Net extends Module {
  scale = tensor([2], { requiresGrad: true });
  #constant = tensor([5]); // private: not a parameter
  blocks = [new Block(), new Block()];
  head = new Sequential(new Linear(3, 2, { rng: new Rng(2) }));
  forward(x: Tensor): Tensor {
    const h = this.blocks.reduce((acc, b) => b.forward(acc), x.mul(this.scale));
    return this.head.forward(h).add(this.#constant);
  }
}

const names = (m: Module): string[] => m.namedParameters().map(([n]) => n);
const snapshot = (m: Module): number[][] => m.parameters().map((p) => Array.from(p.data));

describe("Module", () => {
  it("names parameters with dots through fields, arrays of modules and Sequential, in field order", () => {
    expect(names(new Net())).toEqual([
      "scale",
      "blocks.0.fc.weight", "blocks.0.fc.bias",
      "blocks.1.fc.weight", "blocks.1.fc.bias",
      "head.0.weight", "head.0.bias",
    ]);
    expect(new Net().children().map(([n]) => n)).toEqual(["blocks.0", "blocks.1", "head"]);
    expect(new Net().modules()).toHaveLength(1 + 2 * 3 + 2);
  });

  it("lists a shared tensor or module once, under its first name, and survives cycles", () => {
    class Tied extends Module {
      a = new Linear(2, 2);
      b = this.a;
      w = this.a.weight;
      forward(x: Tensor): Tensor { return this.b.forward(this.a.forward(x)); }
    }
    const tied = new Tied();
    expect(names(tied)).toEqual(["w", "a.bias"]);
    const loop = new Sequential(new ReLU());
    (loop.layers as Module[]).push(loop); // a container holding itself
    expect(loop.modules()).toHaveLength(2);
  });

  it("parameters() are the tensors themselves, so gradients reach them", () => {
    const net = new Net();
    net.forward(tensor([[1, 2, 3]])).sum().backward();
    for (const p of net.parameters()) expect(p.grad?.shape).toEqual(p.shape);
    net.zeroGrad();
    for (const p of net.parameters()) expect(p.grad).toBeNull();
  });

  it("train() and eval() switch the whole tree", () => {
    const net = new Net();
    expect(net.eval().modules().every((m) => !m.training)).toBe(true);
    expect(net.train().modules().every((m) => m.training)).toBe(true);
  });

  it("stateDict() keys are PyTorch's and loadStateDict() copies values in place", () => {
    const a = new Sequential(new Linear(2, 3, { rng: new Rng(1) }), new ReLU(), new Linear(3, 1, { rng: new Rng(2) }));
    const b = new Sequential(new Linear(2, 3, { rng: new Rng(3) }), new ReLU(), new Linear(3, 1, { rng: new Rng(4) }));
    expect(Object.keys(a.stateDict())).toEqual(["0.weight", "0.bias", "2.weight", "2.bias"]);
    const weightBefore = b.parameters()[0];
    expect(snapshot(b)).not.toEqual(snapshot(a));
    b.loadStateDict(a.stateDict());
    expect(snapshot(b)).toEqual(snapshot(a));
    expect(b.parameters()[0]).toBe(weightBefore); // same tensor object, new values
  });

  it("converts float64 values into float32 parameters", () => {
    const layer = new Linear(1, 1);
    layer.loadStateDict({ weight: tensor([[0.1]], { dtype: "float64" }), bias: tensor([2], { dtype: "float64" }) });
    expect(layer.weight.dtype).toBe("float32");
    expect(layer.weight.data[0]).toBe(Math.fround(0.1));
  });

  it("refuses a state dict that does not fit, listing every missing, unexpected and mismatched key, and changes nothing", () => {
    const model = new Sequential(new Linear(2, 3), new Linear(3, 1));
    const before = snapshot(model);
    const bad = { "0.weight": tensor([[1, 2, 3], [4, 5, 6]]), "0.bias": tensor([1, 2, 3]), "1.weight": tensor([[1, 2, 3]]), extra: tensor([1]) };
    let error: unknown;
    try {
      model.loadStateDict(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateDictError);
    expect(error).toBeInstanceOf(ValueError);
    const e = error as StateDictError;
    expect(e.missing).toEqual(["1.bias"]);
    expect(e.unexpected).toEqual(["extra"]);
    expect(e.mismatched).toEqual([{ name: "0.weight", expected: [3, 2], got: [2, 3] }]);
    expect(e.message).toBe(
      `loadStateDict: missing keys ["1.bias"]; unexpected keys ["extra"]; "0.weight" has shape [2,3], the module expects [3,2]`,
    );
    expect(snapshot(model)).toEqual(before);
  });

  it("does not mistake inherited properties for keys", () => {
    class Odd extends Module {
      override toString = tensor([1], { requiresGrad: true }) as unknown as () => string; // a parameter named like Object.prototype.toString
      forward(x: Tensor): Tensor { return x; }
    }
    expect(names(new Odd())).toEqual(["toString"]);
    expect(() => new Odd().loadStateDict({})).toThrow(/missing keys \["toString"\]/);
    const inherited = Object.create({ toString: tensor([9]) }) as Record<string, Tensor>;
    expect(() => new Odd().loadStateDict(inherited)).toThrow(StateDictError);
  });
});
