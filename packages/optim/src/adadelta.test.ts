import { tensor } from "@tapegrad/core";
import { describe, expect, it } from "vitest";
import { AdaDelta } from "./adadelta.js";
import { stepsWith } from "../test/steps.js";

describe("AdaDelta", () => {
  it("on w² from w = 1 (ρ = 0.95, ε = 1e-6, as Zeiler) gives 0.99553, 0.99101, 0.98646", () => {
    const w = tensor([1], { dtype: "float64", requiresGrad: true });
    const opt = new AdaDelta([w], { rho: 0.95 });
    const path = [1, 2, 3].map(() => {
      opt.zeroGrad();
      w.square().sum().backward();
      opt.step();
      return w.item();
    });
    expect(path[0]).toBeCloseTo(0.99553, 5);
    expect(path[1]).toBeCloseTo(0.99101, 5);
    expect(path[2]).toBeCloseTo(0.98646, 5);
  });

  it("first step: −α √ε / √((1 − ρ) g² + ε) · g, the squared average including the current gradient", () => {
    const [lr, rho, eps] = [1, 0.9, 1e-6];
    const [p1] = stepsWith(AdaDelta, { lr, rho, eps }, [2, -1], [[0.5, -3]]);
    [0.5, -3].forEach((g, i) => expect(p1![i]).toBeCloseTo([2, -1][i]! - lr * (Math.sqrt(eps) / Math.sqrt((1 - rho) * g * g + eps)) * g, 15));
  });

  it("second step uses the first step's squared update t = (1 − ρ) d₁²", () => {
    const [lr, rho, eps] = [0.5, 0.9, 1e-4];
    const [g1, g2] = [0.5, -0.2];
    const [p1, p2] = stepsWith(AdaDelta, { lr, rho, eps, weightDecay: 0 }, [0], [[g1], [g2]]);
    const s1 = (1 - rho) * g1 * g1;
    const d1 = (Math.sqrt(eps) / Math.sqrt(s1 + eps)) * g1;
    const t1 = (1 - rho) * d1 * d1;
    const s2 = rho * s1 + (1 - rho) * g2 * g2;
    const d2 = (Math.sqrt(t1 + eps) / Math.sqrt(s2 + eps)) * g2;
    expect(p1![0]).toBeCloseTo(-lr * d1, 15);
    expect(p2![0]).toBeCloseTo(-lr * d1 - lr * d2, 15);
  });

  it("rejects bad options", () => {
    expect(() => stepsWith(AdaDelta, { rho: 1.5 }, [1], [])).toThrow("AdaDelta: option rho must be in [0, 1] (got 1.5)");
    expect(() => stepsWith(AdaDelta, { eps: -1e-6 }, [1], [])).toThrow("AdaDelta: option eps must be >= 2^-126 (got -0.000001)");
  });
});
