import { describe, expect, it } from "vitest";
import { manualSeed, ones, Rng, tensor } from "@tapegrad/core";
import { Dropout } from "./dropout.js";

describe("Dropout", () => {
  it("in train() drops about p of the elements and scales the others by 1/(1 − p), as torch.nn.Dropout", () => {
    const n = 20000;
    for (const p of [0.1, 0.5, 0.8]) {
      const out = new Dropout(p, { rng: new Rng(7) }).forward(ones([n], { dtype: "float64" }));
      const kept = Array.from(out.data).filter((v) => v !== 0);
      expect(kept.every((v) => Math.abs(v - 1 / (1 - p)) < 1e-12)).toBe(true);
      const dropped = 1 - kept.length / n;
      expect(Math.abs(dropped - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n)); // four binomial standard deviations
      // The mean of the output is the input's in expectation.
      expect(Math.abs(Array.from(out.data).reduce((a, b) => a + b, 0) / n - 1)).toBeLessThan(0.05);
    }
  });

  it("is the identity in eval(), and for p = 0", () => {
    const x = tensor([1, -2, 3]);
    const drop = new Dropout(0.9);
    expect(drop.eval().forward(x)).toBe(x);
    expect(new Dropout(0).forward(x)).toBe(x);
    expect(Array.from(new Dropout(1).forward(x).data)).toEqual([0, -0, 0]);
  });

  it("draws its masks from its own generator, or from the default one that manualSeed seeds", () => {
    const mask = (d: Dropout): number[] => Array.from(d.forward(ones([64])).data);
    expect(mask(new Dropout(0.5, { rng: new Rng(3) }))).toEqual(mask(new Dropout(0.5, { rng: new Rng(3) })));
    manualSeed(11);
    const first = mask(new Dropout(0.5));
    manualSeed(11);
    expect(mask(new Dropout(0.5))).toEqual(first);
  });

  it("passes the gradient through the kept elements only, scaled", () => {
    const x = ones([1000], { dtype: "float64", requiresGrad: true });
    const y = new Dropout(0.25, { rng: new Rng(1) }).forward(x);
    y.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual(Array.from(y.data));
  });
});
