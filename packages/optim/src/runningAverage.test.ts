import { describe, expect, it } from "vitest";
import { runningAverage, runningSquareAverage } from "./runningAverage.js";
import { withWeightDecay } from "./weightDecay.js";

describe("the running average is the lecture's exponential moving average (§6)", () => {
  const a = [0.3, -1.2, 2.5, 0.7, -0.4, 1.1];
  const rho = 0.8;

  it("after k updates from 0, s / (1 − ρ^k) = (1 − ρ)/(1 − ρ^k) · Σ ρ^{k−j} a_j", () => {
    const s = new Float64Array(1);
    a.forEach((v, j) => {
      runningAverage(s, Float64Array.of(v), rho);
      const k = j + 1;
      const closed = ((1 - rho) / (1 - rho ** k)) * a.slice(0, k).reduce((sum, aj, i) => sum + rho ** (k - 1 - i) * aj, 0);
      expect(s[0]! / (1 - rho ** k)).toBeCloseTo(closed, 14);
    });
  });

  it("the square average is the average of squares, and a constant input is recovered after bias correction", () => {
    const [s, q] = [new Float64Array(1), new Float64Array(1)];
    a.forEach((v) => {
      runningSquareAverage(s, Float64Array.of(v), rho);
      runningAverage(q, Float64Array.of(v * v), rho);
    });
    expect(s[0]).toBeCloseTo(q[0]!, 15);
    const c = new Float64Array(1);
    for (let k = 1; k <= 5; k++) {
      runningAverage(c, Float64Array.of(4), rho);
      expect(c[0]! / (1 - rho ** k)).toBeCloseTo(4, 14);
    }
  });
});

describe("weight decay", () => {
  it("coupled adds λθ to a copy of the gradient, leaving the gradient alone", () => {
    const g = Float64Array.of(1, -2);
    const out = withWeightDecay(Float64Array.of(3, 4), g, 0.5);
    expect(Array.from(out)).toEqual([2.5, 0]);
    expect(Array.from(g)).toEqual([1, -2]);
    expect(withWeightDecay(Float64Array.of(3, 4), g, 0)).toBe(g);
  });
});
