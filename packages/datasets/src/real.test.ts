import { describe, expect, it } from "vitest";
import { ValueError, type Tensor } from "@tapegrad/core";
import { loadBreastCancer, loadDiabetes, loadDigits, loadIris } from "./real.js";
import type { TrainTestSplit } from "./types.js";

const labels = (t: Tensor): number[] => Array.from(t.data);
const counts = (ds: TrainTestSplit, k: number): number[] => {
  const c = new Array<number>(k).fill(0);
  for (const v of [...labels(ds.train.y), ...labels(ds.test.y)]) c[v]! += 1;
  return c;
};
/** Every example as a string of its features and target, to compare splits as multisets of rows. */
const rows = (ds: TrainTestSplit): string[] =>
  [ds.train, ds.test].flatMap(({ x, y }) =>
    Array.from({ length: y.size }, (_, i) => `${Array.from(x.data.subarray(i * ds.numFeatures, (i + 1) * ds.numFeatures))}|${y.data[i]}`),
  );

describe("real data sets", () => {
  it("digits: 1797 × 64 in pixels 0..16 with the published class counts", () => {
    const ds = loadDigits();
    expect(ds.train.x.shape).toEqual([1438, 64]);
    expect(ds.test.x.shape).toEqual([359, 64]);
    expect(ds.train.x.dtype).toBe("float32");
    expect(Math.max(...ds.train.x.data)).toBe(16);
    expect(Math.min(...ds.train.x.data)).toBe(0);
    expect(counts(ds, 10)).toEqual([178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
  });

  it("breast cancer: 569 × 30, 212 malignant (0) and 357 benign (1)", () => {
    const ds = loadBreastCancer({ testFraction: 0.25 });
    expect(ds.train.x.shape[1]).toBe(30);
    expect(ds.train.y.size + ds.test.y.size).toBe(569);
    expect(ds.test.y.size).toBe(142);
    expect(ds.classNames).toEqual(["malignant", "benign"]);
    expect(counts(ds, 2)).toEqual([212, 357]);
  });

  it("iris: 150 × 4, 50 per class, first row of the file present", () => {
    const ds = loadIris();
    expect(ds.classNames).toEqual(["setosa", "versicolor", "virginica"]);
    expect(counts(ds, 3)).toEqual([50, 50, 50]);
    expect(rows(ds)).toContain(`${Array.from(Float32Array.of(5.1, 3.5, 1.4, 0.2))}|0`);
  });

  it("diabetes: 442 × 10 regression targets between 25 and 346", () => {
    const ds = loadDiabetes();
    expect(ds.numFeatures).toBe(10);
    expect(ds.classNames).toEqual([]);
    const y = [...labels(ds.train.y), ...labels(ds.test.y)];
    expect(y).toHaveLength(442);
    expect(Math.min(...y)).toBe(25);
    expect(Math.max(...y)).toBe(346);
  });

  it("the split is a seeded permutation: same seed same split, other seed other split, no row lost", () => {
    const a = loadIris({ seed: 3 });
    const b = loadIris({ seed: 3 });
    const c = loadIris({ seed: 4 });
    expect(Array.from(a.test.x.data)).toEqual(Array.from(b.test.x.data));
    expect(Array.from(a.test.x.data)).not.toEqual(Array.from(c.test.x.data));
    expect(rows(a).sort()).toEqual(rows(c).sort());
  });

  it("standardize uses training statistics: train columns get mean 0 and std 1, test columns only roughly", () => {
    const ds = loadBreastCancer({ standardize: true });
    const col = (x: Tensor, j: number): number[] => Array.from({ length: x.shape[0]! }, (_, i) => x.data[i * 30 + j]!);
    const mean = (v: number[]): number => v.reduce((s, e) => s + e, 0) / v.length;
    const std = (v: number[]): number => Math.sqrt(mean(v.map((e) => (e - mean(v)) ** 2)));
    for (let j = 0; j < 30; j++) {
      expect(mean(col(ds.train.x, j))).toBeCloseTo(0, 5);
      expect(std(col(ds.train.x, j))).toBeCloseTo(1, 5);
    }
    // The test part was scaled with the training statistics, so its means are not all exactly 0.
    expect(Math.max(...Array.from({ length: 30 }, (_, j) => Math.abs(mean(col(ds.test.x, j)))))).toBeGreaterThan(1e-3);
  });

  it("standardize leaves a constant column at 0 instead of NaN (digits' always-blank pixels)", () => {
    const ds = loadDigits({ standardize: true });
    expect(ds.train.x.data.every(Number.isFinite)).toBe(true);
    expect(ds.test.x.data.every(Number.isFinite)).toBe(true);
  });

  it("refuses a split that leaves one side empty, naming the loader and the value", () => {
    expect(() => loadIris({ testFraction: 0 })).toThrow(ValueError);
    expect(() => loadIris({ testFraction: 1 })).toThrow(/loadIris: testFraction .* got 1/);
    expect(() => loadIris({ testFraction: 0.001 })).toThrow(ValueError);
    expect(() => loadIris({ seed: 0.5 })).toThrow(/seed must be an integer/);
  });
});
