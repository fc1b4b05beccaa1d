import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ValueError } from "@tapegrad/core";
import type { Split } from "../types.js";
import { blobs } from "./blobs.js";
import { circles } from "./circles.js";
import { moons } from "./moons.js";
import { spirals } from "./spirals.js";
import { xor } from "./xor.js";
import type { SyntheticOptions } from "./generate.js";
import { runs } from "../../../../test-support/fuzz.js";

const sets: Record<string, (o?: SyntheticOptions) => Split> = { moons, circles, spirals, xor, blobs };
const points = ({ x, y }: Split): { a: number; b: number; label: number }[] =>
  Array.from({ length: y.size }, (_, i) => ({ a: x.data[2 * i]!, b: x.data[2 * i + 1]!, label: y.data[i]! }));

describe.each(Object.entries(sets))("%s", (name, make) => {
  it("gives n float32 points in the plane, classes 0 and 1 balanced", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 60 }), fc.integer(), (n, seed) => {
        const { x, y } = make({ n, seed });
        expect(x.shape).toEqual([n, 2]);
        expect(x.dtype).toBe("float32");
        const ones = Array.from(y.data).filter((v) => v === 1).length;
        expect(Array.from(y.data).every((v) => v === 0 || v === 1)).toBe(true);
        expect(ones).toBe(Math.floor(n / 2));
      }),
      runs(20),
    );
  });

  it("is fixed by its seed", () => {
    expect(Array.from(make({ seed: 7 }).x.data)).toEqual(Array.from(make({ seed: 7 }).x.data));
    expect(Array.from(make({ seed: 7 }).x.data)).not.toEqual(Array.from(make({ seed: 8 }).x.data));
  });

  it("refuses bad options naming the generator", () => {
    expect(() => make({ n: 1 })).toThrow(ValueError);
    expect(() => make({ n: 2.5 })).toThrow(new RegExp(`${name}: n must be an integer`));
    expect(() => make({ noise: -1 })).toThrow(/noise must be a finite number >= 0, got -1/);
    expect(() => make({ noise: Number.NaN })).toThrow(ValueError);
  });

  it("noise moves points away from the noiseless set", () => {
    const clean = make({ noise: 0, seed: 1 }).x.data;
    const noisy = make({ noise: 0.3, seed: 1 }).x.data;
    expect(Array.from(clean)).not.toEqual(Array.from(noisy));
  });
});

describe("noiseless geometry", () => {
  it("moons: class 0 on the upper unit arc, class 1 on the lower arc centred at (1, 0.5)", () => {
    for (const { a, b, label } of points(moons({ noise: 0 }))) {
      const [ca, cb] = label === 0 ? [0, 0] : [1, 0.5];
      expect(Math.hypot(a - ca, b - cb)).toBeCloseTo(1, 5);
      expect(label === 0 ? b >= 0 : b <= 0.5).toBe(true);
    }
  });

  it("circles: radius 1 for class 0 and `factor` for class 1", () => {
    for (const { a, b, label } of points(circles({ noise: 0, factor: 0.3 }))) {
      expect(Math.hypot(a, b)).toBeCloseTo(label === 0 ? 1 : 0.3, 5);
    }
  });

  it("spirals: the angle grows with the radius, and class 1 is class 0 turned by π", () => {
    for (const { a, b, label } of points(spirals({ noise: 0, turns: 1 }))) {
      const r = Math.hypot(a, b);
      const expected = 2 * Math.PI * r + label * Math.PI;
      expect(Math.cos(expected) * r).toBeCloseTo(a, 4);
      expect(Math.sin(expected) * r).toBeCloseTo(b, 4);
    }
  });

  it("xor: class 1 exactly where the coordinates' signs differ, inside [-1, 1]²", () => {
    for (const { a, b, label } of points(xor({ noise: 0 }))) {
      expect(label).toBe(Math.sign(a) === Math.sign(b) ? 0 : 1);
      expect(Math.max(Math.abs(a), Math.abs(b))).toBeLessThanOrEqual(1);
    }
  });

  it("blobs: without noise every point sits on its class centre, with noise the spread is `noise`", () => {
    for (const { a, b, label } of points(blobs({ noise: 0 }))) expect([a, b]).toEqual(label === 0 ? [-1, -1] : [1, 1]);
    const spread = points(blobs({ n: 4000, noise: 0.3 })).map(({ a, label }) => a - (label === 0 ? -1 : 1));
    const sd = Math.sqrt(spread.reduce((s, v) => s + v * v, 0) / spread.length);
    expect(sd).toBeGreaterThan(0.28);
    expect(sd).toBeLessThan(0.32);
  });
});
