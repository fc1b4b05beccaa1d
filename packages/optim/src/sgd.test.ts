import { ValueError } from "@tapegrad/core";
import { describe, expect, it } from "vitest";
import { SGD } from "./sgd.js";
import { stepsWith } from "../test/steps.js";

describe("SGD single steps against closed forms", () => {
  const p0 = [1.5, -2];
  const g1 = [0.3, -0.7];
  const g2 = [-0.2, 0.5];

  it("plain: θ − α v (the lecture's step)", () => {
    const [p1] = stepsWith(SGD, { lr: 0.1 }, p0, [g1]);
    p1!.forEach((v, i) => expect(v).toBeCloseTo(p0[i]! - 0.1 * g1[i]!, 15));
  });

  it("weight decay adds λθ to the gradient", () => {
    const [p1] = stepsWith(SGD, { lr: 0.1, weightDecay: 0.01 }, p0, [g1]);
    p1!.forEach((v, i) => expect(v).toBeCloseTo(p0[i]! - 0.1 * (g1[i]! + 0.01 * p0[i]!), 15));
  });

  it("momentum starts its buffer at the gradient, then b = μb + (1 − τ)g", () => {
    const [lr, mu, tau] = [0.1, 0.9, 0.25];
    const [p1, p2] = stepsWith(SGD, { lr, momentum: mu, dampening: tau }, p0, [g1, g2]);
    p1!.forEach((v, i) => expect(v).toBeCloseTo(p0[i]! - lr * g1[i]!, 15));
    p2!.forEach((v, i) => expect(v).toBeCloseTo(p1![i]! - lr * (mu * g1[i]! + (1 - tau) * g2[i]!), 15));
  });

  it("nesterov steps along g + μb", () => {
    const [lr, mu] = [0.1, 0.9];
    const [p1, p2] = stepsWith(SGD, { lr, momentum: mu, nesterov: true }, p0, [g1, g2]);
    p1!.forEach((v, i) => expect(v).toBeCloseTo(p0[i]! - lr * (1 + mu) * g1[i]!, 15));
    p2!.forEach((v, i) => {
      const b = mu * g1[i]! + g2[i]!;
      expect(v).toBeCloseTo(p1![i]! - lr * (g2[i]! + mu * b), 15);
    });
  });

  it("rejects bad options, naming the option and the value", () => {
    const p = [1];
    expect(() => stepsWith(SGD, { lr: -0.1 }, p, [])).toThrow(ValueError);
    expect(() => stepsWith(SGD, { lr: -0.1 }, p, [])).toThrow("SGD: option lr must be >= 0 (got -0.1)");
    expect(() => stepsWith(SGD, { momentum: -1 }, p, [])).toThrow("option momentum must be >= 0 (got -1)");
    expect(() => stepsWith(SGD, { dampening: 2 }, p, [])).toThrow("option dampening must be in [0, 1] (got 2)");
    expect(() => stepsWith(SGD, { weightDecay: Number.NaN }, p, [])).toThrow("option weightDecay must be >= 0 (got NaN)");
    expect(() => stepsWith(SGD, { nesterov: true }, p, [])).toThrow("option nesterov needs momentum > 0 and dampening 0 (got momentum 0, dampening 0)");
  });
});
