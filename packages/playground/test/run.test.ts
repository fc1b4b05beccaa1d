import { describe, expect, it } from "vitest";
import { gradientCost } from "../src/app/cost.js";
import { makeData } from "../src/app/data.js";
import { probabilityField } from "../src/app/field.js";
import { raceRun, Run, singleRun } from "../src/app/run.js";
import { defaultSettings, optimizerNames, type Settings } from "../src/app/settings.js";

const small: Settings = { ...defaultSettings, points: 100, hidden: [6], batch: 10 };

describe("training in the playground", () => {
  it("lowers the train and test loss of the main network on moons", () => {
    const run = singleRun(small, makeData(small));
    const [trainer] = run.trainers;
    for (let i = 0; i < 150; i++) run.step();
    run.record();
    const [first, last] = [trainer!.history[0]!, trainer!.history.at(-1)!];
    expect(last.step).toBe(150);
    expect(last.train).toBeLessThan(0.6 * first.train);
    expect(last.test).toBeLessThan(0.6 * first.test);
  });

  it("starts every racer from the same weights and changes them only through its update rule", () => {
    const run = raceRun(small, makeData(small));
    expect(run.trainers.map((t) => t.name)).toEqual([...optimizerNames]);
    const starts = run.trainers.map((t) => t.history[0]!.train);
    for (const loss of starts) expect(loss).toBe(starts[0]);
    for (let i = 0; i < 20; i++) run.step();
    run.record();
    const after = run.trainers.map((t) => t.history.at(-1)!.train);
    expect(new Set(after).size).toBe(optimizerNames.length);
    for (const loss of after) expect(loss).toBeLessThan(starts[0]!);
  });

  it("feeds every network the same batches: two Adams from one start stay identical", () => {
    const data = makeData(small);
    const run = new Run(small, data, [{ optimizer: "adam", lr: 0.01 }, { optimizer: "adam", lr: 0.01 }]);
    const batchLosses = Array.from({ length: 25 }, () => run.trainers.map((t) => t.step()));
    for (const [a, b] of batchLosses) expect(a).toBe(b);
    // Successive batches differ, so equal losses mean equal batches, not a constant.
    expect(new Set(batchLosses.map(([a]) => a)).size).toBeGreaterThan(20);
    const [p, q] = run.trainers.map((t) => t.model.parameters().map((w) => Array.from(w.data)));
    expect(p).toEqual(q);
  });

  it("draws a probability field that the training changes", () => {
    const data = makeData(small);
    const run = singleRun(small, data);
    const model = run.trainers[0]!.model;
    const before = probabilityField(model, data.region, 8);
    expect(before.length).toBe(64);
    for (const p of before) expect(p > 0 && p < 1).toBe(true);
    for (let i = 0; i < 30; i++) run.step();
    const after = probabilityField(model, data.region, 8);
    expect(after.some((p, i) => Math.abs(p - before[i]!) > 1e-3)).toBe(true);
  });

  it("puts every point inside the region the boundary covers", () => {
    const data = makeData({ ...small, data: "spirals" });
    const { xMin, yMin, size } = data.region;
    for (const { x } of [data.train, data.test]) {
      const v = x.data;
      for (let i = 0; i < v.length; i += 2) {
        expect(v[i]!).toBeGreaterThan(xMin);
        expect(v[i]!).toBeLessThan(xMin + size);
        expect(v[i + 1]!).toBeGreaterThan(yMin);
        expect(v[i + 1]!).toBeLessThan(yMin + size);
      }
    }
  });
});

describe("the cost panel", () => {
  const data = makeData(small);
  const model = singleRun(small, data).trainers[0]!.model;
  const x = data.train.x, y = data.train.y;

  it("counts forward mode as costlier than reverse mode for a loss of many parameters", () => {
    const cost = gradientCost(model, x, y);
    expect(cost.parameters).toBe(2 * 6 + 6 + 6 + 1);
    expect(cost.batch).toBe(100);
    expect(cost.reverse.flops).toBeGreaterThan(0);
    expect(cost.forward.ms).not.toBeNull();
    expect(cost.forward.flops).toBeGreaterThan(cost.reverse.flops);
    expect(cost.ratio).toBeCloseTo(cost.forward.flops / cost.reverse.flops, 12);
  });

  it("extrapolates forward mode instead of running it when it would be too slow, with the same count", () => {
    const run = gradientCost(model, x, y);
    const skipped = gradientCost(model, x, y, { maxForwardFlops: 1 });
    expect(skipped.forward.ms).toBeNull();
    expect(skipped.forward.flops).toBe(run.forward.flops);
  });

  it("bounds the tangents' memory by chunks, each re-running the primal pass", () => {
    const whole = gradientCost(model, x, y);
    const chunked = gradientCost(model, x, y, { maxTangentElements: 600 * 5 });
    // Each chunk re-runs the primal forward pass, so chunking can only add FLOPs.
    expect(chunked.forward.flops).toBeGreaterThan(whole.forward.flops);
    expect(chunked.reverse.flops).toBe(whole.reverse.flops);
  });
});
