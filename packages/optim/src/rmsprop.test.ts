import { describe, expect, it } from "vitest";
import { tensor, ValueError } from "@tapegrad/core";
import { RMSprop } from "./rmsprop.js";
import { stepsWith } from "../test/steps.js";

describe("RMSprop single steps against closed forms", () => {
  const p0 = [0.5, -1];
  const g1 = [0.4, -2];
  const g2 = [-0.1, 1];
  const [lr, alpha] = [0.01, 0.9];

  it("first step: θ − α g / (√((1 − ρ) g²) + ε)", () => {
    const [p1] = stepsWith(RMSprop, { lr, alpha }, p0, [g1]);
    p1!.forEach((v, i) => expect(v).toBeCloseTo(p0[i]! - (lr * g1[i]!) / (Math.sqrt(1 - alpha) * Math.abs(g1[i]!) + 1e-8), 15));
  });

  it("puts ε outside the root (where it matters: a gradient far below √ε)", () => {
    const eps = 1e-3;
    const g = [1e-5];
    const [p1] = stepsWith(RMSprop, { lr: 1, alpha, eps }, [0], [g]);
    const outside = -g[0]! / (Math.sqrt((1 - alpha) * g[0]! ** 2) + eps);
    const inside = -g[0]! / Math.sqrt((1 - alpha) * g[0]! ** 2 + eps);
    expect(p1![0]).toBeCloseTo(outside, 15);
    expect(Math.abs(outside - inside)).toBeGreaterThan(1e-4); // the two placements really differ here
  });

  it("second step: the running average s = ρ s + (1 − ρ) g²", () => {
    const [p1, p2] = stepsWith(RMSprop, { lr, alpha }, p0, [g1, g2]);
    p2!.forEach((v, i) => {
      const s = alpha * (1 - alpha) * g1[i]! ** 2 + (1 - alpha) * g2[i]! ** 2;
      expect(v).toBeCloseTo(p1![i]! - (lr * g2[i]!) / (Math.sqrt(s) + 1e-8), 15);
    });
  });

  it("centered: divides by the standard deviation √(s − u²)", () => {
    const [p1] = stepsWith(RMSprop, { lr, alpha, centered: true }, p0, [g1]);
    p1!.forEach((v, i) => {
      const s = (1 - alpha) * g1[i]! ** 2;
      const u = (1 - alpha) * g1[i]!;
      expect(v).toBeCloseTo(p0[i]! - (lr * g1[i]!) / (Math.sqrt(s - u * u) + 1e-8), 15);
    });
  });

  it("centered: a variance estimate that rounds below zero counts as zero, not NaN", () => {
    // Under a constant gradient s − u² = alpha^k (1 − alpha^k) g² shrinks towards 0; in float32, with
    // alpha 0.5 and g 0.3, it rounds below zero at step 24, where the root would be NaN.
    const p = tensor([0.37], { requiresGrad: true });
    const opt = new RMSprop([p], { lr, alpha: 0.5, centered: true });
    for (let k = 1; k <= 30; k++) {
      const before = p.data[0]!;
      p.grad = tensor([0.3]);
      opt.step();
      expect(Number.isFinite(p.data[0]!)).toBe(true);
      expect(p.data[0]!).toBeLessThan(before);
    }
  });

  it("centered: refuses an alpha so small that the first step divides by almost nothing (found by the fuzz test)", () => {
    // The fuzz counterexample { eps: 5e-324, alpha: 0, centered: [] } (an array, read as true) took finite
    // float32 weights to -Infinity; each of its three values is now refused on its own.
    expect(() => stepsWith(RMSprop, { eps: 5e-324, alpha: 0, centered: [] as never }, [1], [])).toThrow(ValueError);
    expect(() => stepsWith(RMSprop, { eps: 5e-324, alpha: 0, centered: true }, [1], [])).toThrow("RMSprop: option eps must be >= 2^-126 (got 5e-324)");
    expect(() => stepsWith(RMSprop, { alpha: 0, centered: true }, [1], [])).toThrow("RMSprop: option alpha must be >= 1e-6 when centered (got 0)");
    expect(() => stepsWith(RMSprop, { alpha: 5e-324, centered: true }, [1], [])).toThrow("RMSprop: option alpha must be >= 1e-6 when centered (got 5e-324)");
    expect(stepsWith(RMSprop, { alpha: 0, centered: false }, [1], [[2]])[0]![0]).toBeCloseTo(1 - 1e-2 * (2 / (2 + 1e-8)), 15);
  });

  it("momentum accumulates the scaled steps: b = μ b + g / r", () => {
    const mu = 0.5;
    const [p1, p2] = stepsWith(RMSprop, { lr, alpha, momentum: mu }, p0, [g1, g2]);
    p2!.forEach((v, i) => {
      const r1 = Math.sqrt((1 - alpha) * g1[i]! ** 2) + 1e-8;
      const r2 = Math.sqrt(alpha * (1 - alpha) * g1[i]! ** 2 + (1 - alpha) * g2[i]! ** 2) + 1e-8;
      expect(p1![i]).toBeCloseTo(p0[i]! - (lr * g1[i]!) / r1, 15);
      expect(v).toBeCloseTo(p1![i]! - lr * (mu * (g1[i]! / r1) + g2[i]! / r2), 15);
    });
  });

  it("rejects bad options", () => {
    expect(() => stepsWith(RMSprop, { alpha: 1 }, [1], [])).toThrow("RMSprop: option alpha must be in [0, 1) (got 1)");
    expect(() => stepsWith(RMSprop, { eps: 0 }, [1], [])).toThrow("RMSprop: option eps must be >= 2^-126 (got 0)");
    expect(() => stepsWith(RMSprop, { lr: -1 }, [1], [])).toThrow("RMSprop: option lr must be >= 0 (got -1)");
  });
});
