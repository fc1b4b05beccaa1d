import { arange, ShapeError, tensor, ValueError } from "@tapegrad/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DataLoader } from "./dataLoader.js";
import { runs } from "../../../test-support/fuzz.js";

/** A dataset whose x rows are [i, 10 i] and y is i, so a batch tells which items it holds. */
function indexed(n: number) {
  const x = tensor(Float64Array.from({ length: 2 * n }, (_, j) => (j % 2 === 0 ? j / 2 : 5 * j - 5)), { shape: [n, 2] });
  return { x, y: arange(n, undefined, 1, { dtype: "float64" }) };
}

const itemsOf = (batch: { y: { data: ArrayLike<number> } }) => Array.from(batch.y.data);

describe("DataLoader", () => {
  it("keeps each item's x and y together and the row layout", () => {
    const loader = new DataLoader(indexed(10), { batchSize: 4, shuffle: true, seed: 3 });
    for (const { x, y } of loader) {
      expect(x.shape).toEqual([y.shape[0], 2]);
      Array.from(y.data).forEach((i, b) => expect([x.data[2 * b], x.data[2 * b + 1]]).toEqual([i, 10 * i]));
    }
  });

  it("keeps each column's dtype: int32 labels stay int32, float32 inputs float32", () => {
    const loader = new DataLoader({ x: tensor([[1, 2], [3, 4], [5, 6]]), y: tensor([2, 0, 1], { dtype: "int32" }) }, { batchSize: 2, shuffle: false });
    const [first] = loader;
    expect(first!.y.dtype).toBe("int32");
    expect(first!.y.toArray()).toEqual([2, 0]);
    expect(first!.x.dtype).toBe("float32");
    expect(first!.x.toArray()).toEqual([[1, 2], [3, 4]]);
  });

  it("without shuffle gives items in order, the last batch short unless dropLast", () => {
    expect([...new DataLoader(indexed(7), { batchSize: 3 })].map(itemsOf)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect([...new DataLoader(indexed(7), { batchSize: 3, dropLast: true })].map(itemsOf)).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(new DataLoader(indexed(7), { batchSize: 3, dropLast: true }).batchesPerEpoch).toBe(2);
  });

  it("property: every index exactly once per epoch, for any size and batch size", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 70 }), fc.integer(), fc.boolean(), (n, b, seed, shuffle) => {
        const loader = new DataLoader(indexed(n), { batchSize: b, shuffle, seed });
        for (let epoch = 1; epoch <= 3; epoch++) {
          const batches = [...loader].map(itemsOf);
          expect(loader.epoch).toBe(epoch);
          expect(batches.length).toBe(Math.ceil(n / b));
          batches.slice(0, -1).forEach((batch) => expect(batch.length).toBe(b));
          expect(batches.flat().sort((p, q) => p - q)).toEqual(Array.from({ length: n }, (_, i) => i));
        }
      }),
      runs(),
    );
  });

  it("property: with dropLast every batch is full and no index repeats within an epoch", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 20 }), fc.integer(), (n, b, seed) => {
        const loader = new DataLoader(indexed(n), { batchSize: b, shuffle: true, seed, dropLast: true });
        const items = [...loader].map(itemsOf);
        items.forEach((batch) => expect(batch.length).toBe(b));
        expect(new Set(items.flat()).size).toBe(Math.floor(n / b) * b);
      }),
      runs(),
    );
  });

  it("property: two loaders with one seed agree, epoch after epoch", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 16 }), fc.integer(), (n, b, seed) => {
        const [l1, l2] = [0, 1].map(() => new DataLoader(indexed(n), { batchSize: b, shuffle: true, seed }));
        for (let epoch = 0; epoch < 3; epoch++) expect([...l1!].map(itemsOf)).toEqual([...l2!].map(itemsOf));
      }),
      runs(),
    );
  });

  it("draws a fresh permutation each epoch, and other seeds give other orders", () => {
    const loader = new DataLoader(indexed(50), { batchSize: 50, shuffle: true, seed: 1 });
    const [e1, e2] = [[...loader].map(itemsOf)[0], [...loader].map(itemsOf)[0]];
    expect(e1).not.toEqual(e2);
    expect([...new DataLoader(indexed(50), { batchSize: 50, shuffle: true, seed: 2 })].map(itemsOf)[0]).not.toEqual(e1);
  });

  it("a loop that stops early continues the same epoch", () => {
    const whole = [...new DataLoader(indexed(10), { batchSize: 3, shuffle: true, seed: 5 })].map(itemsOf);
    const loader = new DataLoader(indexed(10), { batchSize: 3, shuffle: true, seed: 5 });
    const got: number[][] = [];
    for (const batch of loader) {
      got.push(itemsOf(batch));
      break;
    }
    for (const batch of loader) got.push(itemsOf(batch));
    expect(got).toEqual(whole);
    expect(loader.epoch).toBe(1);
  });

  it("resumes mid-epoch from its state dict, drawing what it would have drawn", () => {
    const reference = new DataLoader(indexed(23), { batchSize: 5, shuffle: true, seed: 9 });
    const stream = Array.from({ length: 20 }, () => reference.nextIndices());
    const loader = new DataLoader(indexed(23), { batchSize: 5, shuffle: true, seed: 9 });
    const head = Array.from({ length: 7 }, () => loader.nextIndices());
    const saved = JSON.stringify(loader.stateDict());
    const resumed = new DataLoader(indexed(23), { batchSize: 5, shuffle: true, seed: 1234 });
    resumed.loadStateDict(JSON.parse(saved));
    const tail = Array.from({ length: 13 }, () => resumed.nextIndices());
    expect([...head, ...tail]).toEqual(stream);
    expect(resumed.epoch).toBe(reference.epoch);
  });

  it("rejects a bad batch size, mismatched lengths and an empty set", () => {
    const { x, y } = indexed(5);
    expect(() => new DataLoader({ x, y }, { batchSize: 0 })).toThrow("DataLoader: option batchSize must be an integer >= 1 (got 0)");
    expect(() => new DataLoader({ x, y }, { batchSize: 1.5 })).toThrow(ValueError);
    expect(() => new DataLoader({ x, y }, { batchSize: 2, seed: 0.5 })).toThrow("DataLoader: option seed must be an integer (got 0.5)");
    const short = tensor([1, 2, 3]);
    expect(() => new DataLoader({ x, y: short }, { batchSize: 2 })).toThrow(ShapeError);
    expect(() => new DataLoader({ x, y: short }, { batchSize: 2 })).toThrow("DataLoader: data.x has 5 items but data.y has 3");
    expect(() => new DataLoader({ x: tensor(new Float32Array(0), { shape: [0, 2] }) }, { batchSize: 2 })).toThrow("holds no items");
    expect(() => new DataLoader({ x, y }, { batchSize: 2 }).loadStateDict({ rng: [1, 2, 3, 4, null], epoch: 1, order: [0, 1], cursor: 0 })).toThrow(
      "state order has 2 items, the dataset 5",
    );
  });
});
