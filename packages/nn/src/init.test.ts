import { describe, expect, it } from "vitest";
import { Rng, ValueError } from "@tapegrad/core";
import { calculateGain, fans, kaimingNormal, kaimingUniform, normal, pytorchDefault, uniform, xavierNormal, xavierUniform, type Init } from "./init.js";

const draw = (init: Init, shape: number[]): number[] => Array.from(init(shape, { rng: new Rng(11), dtype: "float64" }).data);
const std = (v: number[]): number => Math.sqrt(v.reduce((s, e) => s + e * e, 0) / v.length);
const maxAbs = (v: number[]): number => Math.max(...v.map(Math.abs));

describe("initialisers", () => {
  it("fans read PyTorch's [out, in, ...receptive] layout", () => {
    expect(fans([32, 64])).toEqual({ fanIn: 64, fanOut: 32 });
    expect(fans([8, 3, 5, 5])).toEqual({ fanIn: 75, fanOut: 200 });
    expect(() => fans([4])).toThrow(ValueError);
  });

  it("gains are PyTorch's calculate_gain", () => {
    expect(calculateGain("relu")).toBe(Math.SQRT2);
    expect(calculateGain("leakyRelu", 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04), 15);
    expect(calculateGain("tanh")).toBe(5 / 3);
    expect(calculateGain("sigmoid")).toBe(1);
  });

  // Uniform U(−b, b) has standard deviation b/√3; with 40 000 draws the sample's is within 2%.
  it.each([
    ["xavierUniform", xavierUniform(), Math.sqrt(6 / (100 + 400))],
    ["xavierUniform gain 2", xavierUniform(2), 2 * Math.sqrt(6 / 500)],
    ["kaimingUniform relu", kaimingUniform({ nonlinearity: "relu" }), Math.SQRT2 * Math.sqrt(3 / 100)],
    ["kaimingUniform fanOut", kaimingUniform({ nonlinearity: "relu", mode: "fanOut" }), Math.SQRT2 * Math.sqrt(3 / 400)],
    ["pytorchDefault", pytorchDefault(), 1 / Math.sqrt(100)],
  ])("%s stays within its bound b and fills it", (_, init, bound) => {
    const v = draw(init, [400, 100]);
    expect(maxAbs(v)).toBeLessThanOrEqual(bound);
    expect(maxAbs(v)).toBeGreaterThan(0.99 * bound);
    expect(std(v) / (bound / Math.sqrt(3))).toBeCloseTo(1, 1);
  });

  it.each([
    ["xavierNormal", xavierNormal(), Math.sqrt(2 / 500)],
    ["kaimingNormal relu", kaimingNormal({ nonlinearity: "relu" }), Math.SQRT2 / Math.sqrt(100)],
    ["normal", normal(0, 0.3), 0.3],
  ])("%s has the standard deviation of its formula", (_, init, sigma) => {
    expect(std(draw(init, [400, 100])) / sigma).toBeCloseTo(1, 1);
  });

  it("uniform and normal take a shift, and refuse bad arguments", () => {
    const v = draw(uniform(2, 3), [1000]);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...v)).toBeLessThan(3);
    const mean = draw(normal(5, 0.1), [1000]).reduce((s, e) => s + e, 0) / 1000;
    expect(mean).toBeCloseTo(5, 1);
    expect(() => uniform(1, 0)).toThrow("uniform: needs finite low <= high, got 1, 0");
    expect(() => normal(0, -1)).toThrow(ValueError);
  });

  it("draws from the default generator without an rng and in float32 by default", () => {
    const t = xavierUniform()([3, 3]);
    expect(t.dtype).toBe("float32");
    expect(Array.from(t.data)).not.toEqual(Array.from(xavierUniform()([3, 3]).data));
  });
});
