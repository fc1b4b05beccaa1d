import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Rng, ShapeError, tensor, zeros, type Storage } from "@tapegrad/core";
import { xavierUniform } from "./init.js";
import { Linear } from "./linear.js";
import { runs } from "../../../test-support/fuzz.js";

/** x Wᵀ + b with plain loops, in float64. */
function reference(x: number[][], w: Storage, b: Storage | null, out: number): number[][] {
  return x.map((row) => Array.from({ length: out }, (_, o) => row.reduce((s, v, i) => s + v * w[o * row.length + i]!, b?.[o] ?? 0)));
}

describe("Linear", () => {
  it("holds weight [out, in] and bias [out] as leaves that require grad", () => {
    const layer = new Linear(3, 2);
    expect(layer.weight.shape).toEqual([2, 3]);
    expect(layer.bias?.shape).toEqual([2]);
    expect(layer.weight.requiresGrad && layer.bias?.requiresGrad).toBe(true);
    expect(layer.namedParameters().map(([n]) => n)).toEqual(["weight", "bias"]);
    expect(new Linear(3, 2, { bias: false }).parameters()).toHaveLength(1);
    expect(new Linear(3, 2, { dtype: "float64" }).weight.dtype).toBe("float64");
  });

  it("computes x Wᵀ + b for batches of any size, in float64 to rounding", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 }), fc.boolean(), fc.integer(), (inF, outF, batch, bias, seed) => {
        const rng = new Rng(seed);
        const layer = new Linear(inF, outF, { bias, rng, dtype: "float64" });
        const x = Array.from({ length: batch }, () => Array.from({ length: inF }, () => rng.normal()));
        const got = layer.forward(tensor(x, { dtype: "float64" })).toArray() as number[][];
        const want = reference(x, layer.weight.data, layer.bias?.data ?? null, outF);
        got.flat().forEach((v, i) => expect(v).toBeCloseTo(want.flat()[i]!, 12));
      }),
      runs(30),
    );
  });

  it("maps a single vector [in] to [out], and leading batch axes through", () => {
    const layer = new Linear(2, 3, { rng: new Rng(0) });
    const single = layer.forward(tensor([1, -1]));
    expect(single.shape).toEqual([3]);
    expect(Array.from(single.data)).toEqual(Array.from(layer.forward(tensor([[1, -1]])).data));
    expect(layer.forward(zeros([4, 5, 2])).shape).toEqual([4, 5, 3]);
  });

  it("initialises like PyTorch: weight and bias in U(−1/√in, 1/√in), filling the range", () => {
    const layer = new Linear(16, 200, { rng: new Rng(3) });
    const bound = 1 / Math.sqrt(16);
    for (const p of [layer.weight, layer.bias!]) {
      const values = Array.from(p.data);
      expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(Math.max(...values)).toBeGreaterThan(0.9 * bound);
      expect(Math.min(...values)).toBeLessThan(-0.9 * bound);
    }
  });

  it("is reproducible from its rng, and a custom initialiser starts the bias at zero", () => {
    const a = new Linear(3, 3, { rng: new Rng(5) });
    const b = new Linear(3, 3, { rng: new Rng(5) });
    expect(Array.from(a.weight.data)).toEqual(Array.from(b.weight.data));
    const x = new Linear(3, 3, { init: xavierUniform(), rng: new Rng(5) });
    expect(Array.from(x.bias!.data)).toEqual([0, 0, 0]);
    expect(Array.from(x.weight.data)).not.toEqual(Array.from(a.weight.data));
  });

  it("refuses a wrong input width or bad sizes, naming the layer and the shapes", () => {
    const layer = new Linear(3, 2);
    expect(() => layer.forward(zeros([4, 2]))).toThrow(ShapeError);
    expect(() => layer.forward(zeros([4, 2]))).toThrow("Linear: input's last dimension must be inFeatures = 3 (got [4,2], [2,3])");
    expect(() => layer.forward(zeros([]))).toThrow(ShapeError);
    expect(() => new Linear(0, 2)).toThrow(/inFeatures must be a positive integer, got 0/);
    expect(() => new Linear(2, 1.5)).toThrow(/outFeatures must be a positive integer, got 1.5/);
  });
});
