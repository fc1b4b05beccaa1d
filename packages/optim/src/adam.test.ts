import { describe, expect, it } from "vitest";
import { Adam, AdamW } from "./adam.js";
import { stepsWith } from "../test/steps.js";

describe("Adam and AdamW single steps against closed forms", () => {
  const p0 = [0.5, -1.5];
  const g1 = [0.2, -3];
  const g2 = [-0.1, 1];
  const [lr, b1, b2, eps] = [0.01, 0.9, 0.999, 1e-8];

  it("first step: bias correction makes it α g / (|g| + ε)", () => {
    const [p1] = stepsWith(Adam, { lr }, p0, [g1]);
    p1!.forEach((v, i) => expect(v).toBeCloseTo(p0[i]! - (lr * g1[i]!) / (Math.abs(g1[i]!) + eps), 15));
  });

  it("second step: α m̂ / (√ŝ + ε) with both moments bias-corrected", () => {
    const [p1, p2] = stepsWith(Adam, { lr }, p0, [g1, g2]);
    p2!.forEach((v, i) => {
      const m = b1 * (1 - b1) * g1[i]! + (1 - b1) * g2[i]!;
      const s = b2 * (1 - b2) * g1[i]! ** 2 + (1 - b2) * g2[i]! ** 2;
      const step = (lr * (m / (1 - b1 ** 2))) / (Math.sqrt(s / (1 - b2 ** 2)) + eps);
      expect(v).toBeCloseTo(p1![i]! - step, 15);
    });
  });

  it("amsgrad divides by the largest second moment so far", () => {
    // After a large gradient then a small one, s shrinks; AMSGrad keeps the first step's s. A fast
    // second-moment decay (β2 = 0.5) makes the two denominators differ clearly.
    const [big, small, beta2] = [1, 0.01, 0.5];
    const betas = [b1, beta2] as const;
    const [p1, p2] = stepsWith(Adam, { lr, betas, amsgrad: true }, [0], [[big], [small]]);
    const s1 = (1 - beta2) * big ** 2;
    const s2 = beta2 * s1 + (1 - beta2) * small ** 2;
    expect(s2).toBeLessThan(s1);
    const m = b1 * (1 - b1) * big + (1 - b1) * small;
    const step = (lr * (m / (1 - b1 ** 2))) / (Math.sqrt(s1 / (1 - beta2 ** 2)) + eps);
    expect(p2![0]).toBeCloseTo(p1![0]! - step, 15);
    const [, plain] = stepsWith(Adam, { lr, betas }, [0], [[big], [small]]);
    expect(Math.abs(plain![0]! - p2![0]!)).toBeGreaterThan(1e-4);
  });

  it("Adam's weightDecay is L2: it enters the gradient before normalization", () => {
    const wd = 0.5;
    const [p1] = stepsWith(Adam, { lr, weightDecay: wd }, p0, [g1]);
    p1!.forEach((v, i) => {
      const g = g1[i]! + wd * p0[i]!;
      expect(v).toBeCloseTo(p0[i]! - (lr * g) / (Math.abs(g) + eps), 15);
    });
  });

  it("AdamW decays θ directly: θ(1 − αλ) − α g / (|g| + ε), default λ = 0.01", () => {
    const [p1] = stepsWith(AdamW, { lr }, p0, [g1]);
    p1!.forEach((v, i) => expect(v).toBeCloseTo(p0[i]! * (1 - lr * 0.01) - (lr * g1[i]!) / (Math.abs(g1[i]!) + eps), 15));
  });

  it("rejects betas outside [0, 1) and eps <= 0", () => {
    expect(() => stepsWith(Adam, { betas: [1, 0.999] }, [1], [])).toThrow("Adam: option betas[0] must be in [0, 1) (got 1)");
    expect(() => stepsWith(AdamW, { betas: [0.9, -0.1] }, [1], [])).toThrow("AdamW: option betas[1] must be in [0, 1) (got -0.1)");
    expect(() => stepsWith(Adam, { eps: 0 }, [1], [])).toThrow("Adam: option eps must be >= 2^-126 (got 0)");
    expect(() => stepsWith(Adam, { lr: -1e-3 }, [1], [])).toThrow("Adam: option lr must be >= 0 (got -0.001)");
  });
});
