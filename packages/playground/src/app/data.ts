import type { Split, SyntheticOptions } from "@tapegrad/datasets";
import { blobs, circles, moons, spirals, xor } from "@tapegrad/datasets";
import type { DataSetName, Settings } from "./settings.js";

const generators: Readonly<Record<DataSetName, (o: SyntheticOptions) => Split>> = { moons, circles, spirals, xor, blobs };

/** The square region of the plane that the boundary picture covers. */
export interface Region {
  readonly xMin: number;
  readonly yMin: number;
  /** Side length of the square. */
  readonly size: number;
}

/** A training and a test set of the same shape, and the region that shows both. */
export interface PlaygroundData {
  readonly train: Split;
  readonly test: Split;
  readonly region: Region;
}

/** The test set's seed is offset from the training set's so the two never share points. */
const testSeedOffset = 7919;

/** The smallest square around every point, with a margin of a tenth of its side. */
function regionAround(...sets: Split[]): Region {
  let xMin = Infinity, xMax = -Infinity, yMin = Infinity, yMax = -Infinity;
  for (const { x } of sets) {
    const v = x.data;
    for (let i = 0; i + 1 < v.length; i += 2) {
      const a = v[i]!, b = v[i + 1]!;
      xMin = Math.min(xMin, a); xMax = Math.max(xMax, a);
      yMin = Math.min(yMin, b); yMax = Math.max(yMax, b);
    }
  }
  const side = Math.max(xMax - xMin, yMax - yMin) * 1.2;
  return { xMin: (xMin + xMax - side) / 2, yMin: (yMin + yMax - side) / 2, size: side };
}

/**
 * Draws the training and test sets the settings describe, both of `points` points, from seeds that
 * differ, so the test loss measures generalisation rather than memory.
 */
export function makeData(s: Pick<Settings, "data" | "points" | "noise" | "seed">): PlaygroundData {
  const generate = generators[s.data];
  const train = generate({ n: s.points, noise: s.noise, seed: s.seed });
  const test = generate({ n: s.points, noise: s.noise, seed: s.seed + testSeedOffset });
  return { train, test, region: regionAround(train, test) };
}
