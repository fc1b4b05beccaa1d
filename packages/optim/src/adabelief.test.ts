import { describe, expect, it } from "vitest";
import { tensor } from "@tapegrad/core";
import { AdaBelief } from "./adabelief.js";
import { Adam } from "./adam.js";
import { stepsWith } from "../test/steps.js";

describe("AdaBelief single steps against the paper's algorithm in closed form", () => {
  const p0 = [0.5, -1.5];
  const g1 = [0.2, -3];
  const g2 = [-0.1, 1];
  const [lr, b1, b2] = [0.01, 0.9, 0.999];

  it("first step: s = (1 − β2)(g − m)² + ε with the updated m = (1 − β1) g", () => {
    const eps = 1e-6; // large enough that both of its places show
    const [p1] = stepsWith(AdaBelief, { lr, eps }, p0, [g1]);
    p1!.forEach((v, i) => {
      const m = (1 - b1) * g1[i]!;
      const s = (1 - b2) * (g1[i]! - m) ** 2 + eps;
      expect(v).toBeCloseTo(p0[i]! - (lr * (m / (1 - b1))) / (Math.sqrt(s / (1 - b2)) + eps), 15);
    });
  });

  it("second step: the variance of g around m, bias-corrected", () => {
    const eps = 1e-16;
    const [p1, p2] = stepsWith(AdaBelief, { lr }, p0, [g1, g2]);
    p2!.forEach((v, i) => {
      const m1 = (1 - b1) * g1[i]!;
      const s1 = (1 - b2) * (g1[i]! - m1) ** 2 + eps;
      const m2 = b1 * m1 + (1 - b1) * g2[i]!;
      const s2 = b2 * s1 + (1 - b2) * (g2[i]! - m2) ** 2 + eps;
      expect(v).toBeCloseTo(p1![i]! - (lr * (m2 / (1 - b1 ** 2))) / (Math.sqrt(s2 / (1 - b2 ** 2)) + eps), 15);
    });
  });

  it("takes larger steps than Adam once the gradient agrees with its average (its point)", () => {
    // A constant gradient: Adam's step settles at α, AdaBelief's grows as (g − m)² dies away.
    const g = Array.from({ length: 30 }, () => [1]);
    const lastStep = (path: number[][]): number => Math.abs(path[29]![0]! - path[28]![0]!);
    const adam = lastStep(stepsWith(Adam, { lr }, [0], g));
    expect(adam).toBeCloseTo(lr, 6);
    expect(lastStep(stepsWith(AdaBelief, { lr }, [0], g))).toBeGreaterThan(2 * adam);
  });

  it("decoupled weight decay (default) shrinks θ; decoupled: false adds λθ to g", () => {
    const [wd, eps] = [0.5, 1e-16];
    const [dec] = stepsWith(AdaBelief, { lr, weightDecay: wd }, p0, [g1]);
    const [l2] = stepsWith(AdaBelief, { lr, weightDecay: wd, decoupled: false }, p0, [g1]);
    const first = (g: number): number => {
      const m = (1 - b1) * g;
      const s = (1 - b2) * (g - m) ** 2 + eps;
      return (lr * (m / (1 - b1))) / (Math.sqrt(s / (1 - b2)) + eps);
    };
    p0.forEach((p, i) => {
      expect(dec![i]).toBeCloseTo(p * (1 - lr * wd) - first(g1[i]!), 15);
      expect(l2![i]).toBeCloseTo(p - first(g1[i]! + wd * p), 15);
    });
  });

  it("eps bounds the step where the belief is 0, so a subnormal eps is refused (counterexample of the fuzz property)", () => {
    // beta1 = 0 makes m = g, so (g − m)² is 0 and ŝ = eps / (1 − beta2): the step is about lr · g / √eps.
    // With eps 5e-324 that took finite float32 weights to -Infinity in one step.
    expect(() => stepsWith(AdaBelief, { betas: [0, 0.999], eps: 5e-324 }, [1], [])).toThrow("AdaBelief: option eps must be >= 2^-126 (got 5e-324)");
    const p = tensor([0.5, -1], { requiresGrad: true });
    const opt = new AdaBelief([p], { betas: [0, 0.999], eps: 2 ** -126 });
    p.grad = tensor([1, 1]);
    opt.step();
    expect(Array.from(p.data).every(Number.isFinite)).toBe(true);
  });

  it("rejects bad options", () => {
    expect(() => stepsWith(AdaBelief, { eps: 0 }, [1], [])).toThrow("AdaBelief: option eps must be >= 2^-126 (got 0)");
    expect(() => stepsWith(AdaBelief, { betas: [0.9, 1] }, [1], [])).toThrow("AdaBelief: option betas[1] must be in [0, 1) (got 1)");
  });
});
