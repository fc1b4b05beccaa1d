import { ValueError } from "@tapegrad/core";
import { describe, expect, it } from "vitest";
import { constant, cosine, exponential, inverse, inverseSqrt, linear, sequence, step, warmup } from "./schedules.js";

const ks = Array.from({ length: 40 }, (_, i) => i + 1);

describe("the lecture's schedules (§5)", () => {
  it("linear: (k/K) α̈ + (1 − k/K) α̇ up to K, then α̈", () => {
    const [a0, a1, K] = [0.5, 0.02, 25];
    const s = linear(a0, a1, K);
    for (const k of ks) expect(s(k)).toBeCloseTo(k <= K ? (k / K) * a1 + (1 - k / K) * a0 : a1, 15);
    expect(s(K)).toBe(a1);
  });

  it("α̇ / k and α̇ / √k", () => {
    for (const k of ks) {
      expect(inverse(0.3)(k)).toBeCloseTo(0.3 / k, 15);
      expect(inverseSqrt(0.3)(k)).toBeCloseTo(0.3 / Math.sqrt(k), 15);
    }
  });
});

describe("the usual schedules, counted from k = 1 like torch's first step", () => {
  it("constant, step and exponential", () => {
    for (const k of ks) {
      expect(constant(0.2)(k)).toBe(0.2);
      expect(step(0.2, { stepSize: 7, gamma: 0.5 })(k)).toBeCloseTo(0.2 * 0.5 ** Math.floor((k - 1) / 7), 15);
      expect(exponential(0.2, 0.9)(k)).toBeCloseTo(0.2 * 0.9 ** (k - 1), 15);
    }
    expect(step(1, { stepSize: 10 })(11)).toBeCloseTo(0.1, 15); // torch's default gamma
  });

  it("cosine runs from α̇ to min over `steps` and stays there", () => {
    const s = cosine(1, { steps: 20, min: 0.1 });
    expect(s(1)).toBe(1);
    expect(s(11)).toBeCloseTo(0.55, 15);
    expect(s(21)).toBeCloseTo(0.1, 15);
    expect(s(40)).toBeCloseTo(0.1, 15);
    for (const k of ks.slice(1)) expect(s(k)).toBeLessThanOrEqual(s(k - 1));
  });

  it("warmup ramps linearly to the wrapped schedule's start, then runs it", () => {
    const inner = inverse(0.6);
    const s = warmup(4, inner);
    [0.15, 0.3, 0.45, 0.6].forEach((v, i) => expect(s(i + 1)).toBeCloseTo(v, 15));
    for (const k of ks.slice(4)) expect(s(k)).toBe(inner(k - 4));
  });

  it("sequence runs parts one after another, each counting its own steps", () => {
    const s = sequence([{ schedule: linear(0, 1, 5), steps: 5 }, { schedule: constant(1), steps: 3 }, { schedule: exponential(1, 0.5) }]);
    for (const k of [1, 2, 3, 4, 5]) expect(s(k)).toBe(linear(0, 1, 5)(k));
    expect([6, 7, 8].map(s)).toEqual([1, 1, 1]);
    expect([9, 10, 11].map(s)).toEqual([1, 0.5, 0.25]);
  });

  it("composes: warm-up then cosine", () => {
    const s = warmup(10, cosine(1e-3, { steps: 90 }));
    expect(s(5)).toBeCloseTo(5e-4, 15);
    expect(s(11)).toBe(1e-3);
    expect(s(100)).toBeGreaterThan(0);
    expect(s(101)).toBeCloseTo(0, 15);
  });

  it("reject bad options and steps, naming them", () => {
    expect(() => linear(-1, 0, 10)).toThrow("linear: option start must be >= 0 (got -1)");
    expect(() => linear(1, 0, 0)).toThrow("linear: option steps must be an integer >= 1 (got 0)");
    expect(() => step(1, { stepSize: 2.5 })).toThrow("step: option stepSize must be an integer >= 1 (got 2.5)");
    expect(() => sequence([{ schedule: constant(1) }, { schedule: constant(2) }])).toThrow("option parts[0].steps must be an integer >= 1 (got NaN)");
    expect(() => inverse(1)(0)).toThrow(ValueError);
    expect(() => inverse(1)(0)).toThrow("schedule: step k must be an integer >= 1 (got 0)");
  });
});

describe("exponential and step far from their start (found by pnpm fuzz)", () => {
  it("a start of 0 stays 0 however far the power grows (fuzz counterexample exponential(0, 2)(1000000))", () => {
    expect(exponential(0, 2)(1_000_000)).toBe(0);
    expect(step(0, { stepSize: 1, gamma: 2 })(1_000_000)).toBe(0);
  });

  it("a rate that is a double is given even where the power alone is not", () => {
    // 2^1099 overflows and 0.5^1099 underflows, but the products are ordinary doubles.
    expect(exponential(1e-300, 2)(1100) / (1e-300 * 2 ** 99 * 2 ** 1000)).toBeCloseTo(1, 12);
    expect(exponential(1e300, 0.5)(1100) / (1e300 * 0.5 ** 99 * 0.5 ** 1000)).toBeCloseTo(1, 12);
    expect(step(1e-300, { stepSize: 1, gamma: 2 })(1100) / (1e-300 * 2 ** 99 * 2 ** 1000)).toBeCloseTo(1, 12);
  });

  it("a growing rate that leaves the doubles is refused, naming the step and the arguments", () => {
    expect(() => exponential(1, 2)(1_000_000)).toThrow(ValueError);
    expect(() => exponential(1, 2)(1_000_000)).toThrow("exponential: the rate start · gamma^(k − 1) overflows at step k = 1000000 (start 1, gamma 2)");
    expect(() => step(1, { stepSize: 2, gamma: 10 })(1000)).toThrow("step: the rate start · gamma^⌊(k − 1) / stepSize⌋ overflows at step k = 1000 (start 1, gamma 10)");
  });
});
