import { describe, expect, it } from "vitest";
import { Rng, tensor, zeros, type Tensor } from "@tapegrad/core";
import { ReLU } from "./activations.js";
import { functionalCall } from "./functional.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";
import { ModuleDict } from "./moduleDict.js";
import { ModuleList } from "./moduleList.js";
import { Sequential } from "./sequential.js";
import { StateDictError } from "./stateDict.js";

/** A module with a buffer and a two-argument forward, the shape every stateful layer takes. */
class Counted extends Module<[x: Tensor, mask?: Tensor], Tensor> {
  fc = new Linear(2, 2, { rng: new Rng(3) });
  constructor() {
    super();
    this.registerBuffer("seen", zeros([1], { dtype: "int32" }));
  }
  forward(x: Tensor, mask?: Tensor): Tensor {
    this.buffer("seen").data[0]! += 1;
    const y = this.fc.forward(x);
    return mask === undefined ? y : y.mul(mask);
  }
}

describe("Module: buffers, modes, partial loading, apply, containers", () => {
  it("forward may take several arguments, typed by Module's parameters", () => {
    const m = new Counted();
    expect(m.forward(tensor([[1, 2]]), tensor([[0, 1]])).data[0]).toBe(0);
    expect(m.buffer("seen").data[0]).toBe(1);
  });

  it("buffers are in the state dict but are not parameters, so optimizers never see them", () => {
    const m = new Sequential(new Linear(2, 2), new ReLU());
    const c = new Counted();
    expect(c.namedParameters().map(([n]) => n)).toEqual(["fc.weight", "fc.bias"]);
    expect(c.namedBuffers().map(([n]) => n)).toEqual(["seen"]);
    expect(Object.keys(c.stateDict())).toEqual(["fc.weight", "fc.bias", "seen"]);
    expect(c.buffers()[0]!.dtype).toBe("int32");
    expect(m.buffers()).toEqual([]);
  });

  it("a buffer loads from a state dict (converting dtype) and a missing one is reported", () => {
    const c = new Counted();
    const sd = new Counted().stateDict();
    c.loadStateDict({ ...sd, seen: tensor([7]) });
    expect(c.buffer("seen").data[0]).toBe(7);
    const { seen: _, ...withoutSeen } = sd;
    expect(() => c.loadStateDict(withoutSeen)).toThrow(StateDictError);
    expect(c.loadStateDict({ ...withoutSeen, extra: zeros([1]) }, { strict: false })).toEqual({ missingKeys: ["seen"], unexpectedKeys: ["extra"] });
    expect(c.buffer("seen").data[0]).toBe(7); // untouched
    expect(() => c.loadStateDict({ ...sd, "fc.bias": zeros([3]) }, { strict: false })).toThrow(/"fc.bias" has shape \[3\]/);
  });

  it("train() and eval() reach every module of the tree", () => {
    const list = new ModuleList([new Counted(), new Sequential(new Linear(2, 2))]);
    list.eval();
    expect(list.modules().every((m) => !m.training)).toBe(true);
    list.train();
    expect(list.modules().every((m) => m.training)).toBe(true);
  });

  it("apply visits children before parents, for custom initialisation", () => {
    const model = new Sequential(new Linear(2, 2), new ReLU(), new Linear(2, 1));
    const order: string[] = [];
    model.apply((m) => {
      order.push(m.constructor.name);
      if (m instanceof Linear) m.weight.data.fill(0.5);
    });
    expect(order).toEqual(["Linear", "ReLU", "Linear", "Sequential"]);
    expect(model.forward(tensor([[1, 1]])).shape).toEqual([1, 1]);
    expect(Array.from((model.layers[0] as Linear).weight.data)).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it("ModuleList and ModuleDict give PyTorch's dotted keys", () => {
    class Net extends Module {
      layers = new ModuleList([new Linear(2, 2), new Linear(2, 2)]);
      heads = new ModuleDict({ a: new Linear(2, 1), b: new Linear(2, 1, { bias: false }) });
      forward(x: Tensor): Tensor {
        return this.heads.get("a").forward(this.layers.items.reduce((h, l) => l.forward(h), x));
      }
    }
    const net = new Net();
    expect(Object.keys(net.stateDict())).toEqual([
      "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "heads.a.weight", "heads.a.bias", "heads.b.weight",
    ]);
    expect(net.forward(zeros([3, 2])).shape).toEqual([3, 1]);
    expect(net.layers.at(-1)).toBe(net.layers.items[1]);
    expect(() => net.layers.forward()).toThrow(/ModuleList: a ModuleList has no forward/);
    expect(() => net.heads.get("c")).toThrow(/ModuleDict: no layer "c"/);
  });

  it("functionalCall passes every argument to forward", () => {
    const c = new Counted();
    const out = functionalCall(c, { "fc.bias": tensor([10, 10]) }, tensor([[0, 0]]), tensor([[1, 0]]));
    expect(out.toArray()).toEqual([[10, 0]]);
  });
});
