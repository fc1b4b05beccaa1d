import { describe, expect, it } from "vitest";
import { Rng, tensor, ValueError, zeros, type Storage } from "@tapegrad/core";
import { Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh } from "./activations.js";
import { Linear } from "./linear.js";
import { mlp } from "./mlp.js";
import { Sequential } from "./sequential.js";

const x = tensor([[-2, -0.5, 0, 0.5, 2]], { dtype: "float64" });
const values = (t: { data: Storage }): number[] => Array.from(t.data);

describe("activation modules", () => {
  it.each([
    ["ReLU", new ReLU(), (v: number) => Math.max(0, v)],
    ["Sigmoid", new Sigmoid(), (v: number) => 1 / (1 + Math.exp(-v))],
    ["Tanh", new Tanh(), Math.tanh],
    ["LeakyReLU(0.1)", new LeakyReLU(0.1), (v: number) => (v > 0 ? v : 0.1 * v)],
    ["LeakyReLU()", new LeakyReLU(), (v: number) => (v > 0 ? v : 0.01 * v)],
    ["Identity", new Identity(), (v: number) => v],
  ])("%s applies its formula element-wise and has no parameters", (_, module, f) => {
    values(module.forward(x)).forEach((v, i) => expect(v).toBeCloseTo(f(x.data[i]!), 14));
    expect(module.parameters()).toEqual([]);
  });

  it("Softmax normalises along its axis", () => {
    const m = tensor([[1, 2], [3, 5]], { dtype: "float64" });
    const rows = values(new Softmax().forward(m));
    expect(rows[0]! + rows[1]!).toBeCloseTo(1, 14);
    expect(rows[1]! / rows[0]!).toBeCloseTo(Math.E, 12);
    const cols = values(new Softmax(0).forward(m));
    expect(cols[0]! + cols[2]!).toBeCloseTo(1, 14);
    expect(cols[2]! / cols[0]!).toBeCloseTo(Math.exp(2), 12);
  });
});

describe("Sequential", () => {
  it("composes its layers in order and names them by index", () => {
    const a = new Linear(2, 3, { rng: new Rng(1) });
    const b = new Linear(3, 1, { rng: new Rng(2) });
    const model = new Sequential(a, new ReLU(), b);
    const input = tensor([[1, -2], [0.5, 3]]);
    expect(values(model.forward(input))).toEqual(values(b.forward(a.forward(input).relu())));
    expect(model.children().map(([n]) => n)).toEqual(["0", "1", "2"]);
    expect(model.layers).toHaveLength(3);
    expect(values(new Sequential().forward(input))).toEqual(values(input));
  });
});

describe("mlp", () => {
  it("builds the lecture's network Linear → g → Linear → g → Linear with PyTorch's keys", () => {
    const net = mlp([64, 32, 32, 10]);
    expect(net.layers.map((l) => l.constructor.name)).toEqual(["Linear", "ReLU", "Linear", "ReLU", "Linear"]);
    expect(Object.keys(net.stateDict())).toEqual(["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]);
    expect(net.forward(zeros([7, 64])).shape).toEqual([7, 10]);
  });

  it("takes the activation, the output, the dtype and a factory", () => {
    expect(mlp([2, 3, 1], { activation: "tanh", output: "sigmoid" }).layers.map((l) => l.constructor.name)).toEqual(["Linear", "Tanh", "Linear", "Sigmoid"]);
    const soft = mlp([2, 4, 3], { activation: "sigmoid", output: "softmax", dtype: "float64" });
    expect(soft.layers.map((l) => l.constructor.name)).toEqual(["Linear", "Sigmoid", "Linear", "Softmax"]);
    expect(soft.parameters().every((p) => p.dtype === "float64")).toBe(true);
    const sum = values(soft.forward(tensor([[1, 2]], { dtype: "float64" }))).reduce((s, v) => s + v, 0);
    expect(sum).toBeCloseTo(1, 14);
    const leaky = mlp([2, 2, 2, 2], { activation: () => new LeakyReLU(0.2) });
    expect(leaky.layers.filter((l) => l instanceof LeakyReLU).map((l) => (l as LeakyReLU).alpha)).toEqual([0.2, 0.2]);
    expect(mlp([3, 1]).layers).toHaveLength(1);
  });

  it("is reproducible from its rng and refuses bad specs", () => {
    expect(values(mlp([2, 3, 1], { rng: new Rng(4) }).parameters()[0]!)).toEqual(values(mlp([2, 3, 1], { rng: new Rng(4) }).parameters()[0]!));
    expect(() => mlp([4])).toThrow(ValueError);
    expect(() => mlp([2, 2], { activation: "gelu" as "relu" })).toThrow(/mlp: unknown activation "gelu"/);
    expect(() => mlp([2, 2], { output: "tanh" as "identity" })).toThrow(/mlp: unknown output "tanh"/);
  });
});
