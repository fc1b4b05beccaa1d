import { noGrad, Rng, softmaxCrossEntropy, tensor } from "@tapegrad/core";
import { describe, expect, it } from "vitest";
import { AdaBelief, AdaDelta, Adam, AdamW, DataLoader, RMSprop, SGD, type BaseOptions, type Optimizer, type Params } from "../src/index.js";
import { bowl, mlp, moons } from "./problems.js";

/** `onBowl` is true for the bowl, whose minimum decoupled weight decay would pull the iterates off. */
type Make = (params: Params<BaseOptions>, onBowl: boolean) => Optimizer<BaseOptions>;

/** Each optimizer with a learning rate that suits it; steps for the bowl, epochs for the moons. */
const cases: { name: string; make: Make; bowlSteps: number; epochs: number }[] = [
  { name: "SGD", make: (p) => new SGD(p, { lr: 0.09 }), bowlSteps: 300, epochs: 60 },
  { name: "SGD momentum", make: (p) => new SGD(p, { lr: 0.02, momentum: 0.9 }), bowlSteps: 300, epochs: 60 },
  { name: "SGD nesterov", make: (p) => new SGD(p, { lr: 0.02, momentum: 0.9, nesterov: true }), bowlSteps: 300, epochs: 60 },
  { name: "RMSprop", make: (p) => new RMSprop(p, { lr: 0.003 }), bowlSteps: 3000, epochs: 60 },
  { name: "AdaDelta", make: (p) => new AdaDelta(p), bowlSteps: 2000, epochs: 150 },
  { name: "Adam", make: (p) => new Adam(p, { lr: 0.01 }), bowlSteps: 2000, epochs: 60 },
  { name: "AdamW", make: (p, onBowl) => new AdamW(p, { lr: 0.01, weightDecay: onBowl ? 0 : 0.01 }), bowlSteps: 2000, epochs: 60 },
  { name: "AdaBelief", make: (p) => new AdaBelief(p, { lr: 0.01 }), bowlSteps: 2000, epochs: 60 },
];

describe("each optimizer drives a quadratic bowl to its minimum", () => {
  for (const { name, make, bowlSteps } of cases) {
    it(name, () => {
      const w = tensor([-3, 2], { dtype: "float64", requiresGrad: true });
      const opt = make([w], true);
      const start = bowl(w).item();
      for (let k = 0; k < bowlSteps; k++) {
        opt.zeroGrad();
        bowl(w).backward();
        opt.step();
      }
      expect(start).toBeGreaterThan(10);
      expect(bowl(w).item()).toBeLessThan(1e-10);
      expect(Math.hypot(w.data[0]! - 1, w.data[1]! + 1)).toBeLessThan(1e-5);
    });
  }
});

describe("each optimizer trains the lecture's network on two moons with mini-batches", () => {
  const data = moons(100, 0.1, new Rng(0));
  for (const { name, make, epochs } of cases) {
    it(name, () => {
      const net = mlp(16, new Rng(1));
      const opt = make(net.params, false);
      const loader = new DataLoader(data, { batchSize: 20, shuffle: true, seed: 0 });
      const evaluate = () =>
        noGrad(() => {
          const logits = net.forward(data.x);
          const correct = Array.from(data.y.data).filter((cls, i) => Number(logits.data[2 * i + 1]! > logits.data[2 * i]!) === cls).length;
          return { loss: softmaxCrossEntropy(logits, data.y).item(), accuracy: correct / data.y.size };
        });
      const before = evaluate();
      for (let e = 0; e < epochs; e++) {
        for (const { x, y } of loader) {
          opt.zeroGrad();
          softmaxCrossEntropy(net.forward(x), y).backward();
          opt.step();
        }
      }
      const after = evaluate();
      expect(before.loss).toBeGreaterThan(0.3);
      expect(after.loss).toBeLessThan(0.05);
      expect(after.accuracy).toBeGreaterThanOrEqual(0.99);
    });
  }
});
