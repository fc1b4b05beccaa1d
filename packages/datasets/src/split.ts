import { Rng, ValueError, tensor } from "@tapegrad/core";
import { standardizeColumns } from "./standardize.js";
import type { TrainTestSplit, LoadOptions, Split } from "./types.js";

/** Examples as plain rows, before they become tensors. @internal */
export interface Table {
  readonly features: readonly (readonly number[])[];
  readonly targets: readonly number[];
  readonly classNames: readonly string[];
}

/**
 * Shuffles a table with a seeded generator, holds out `testFraction` of it, optionally standardises with
 * the training statistics, and packs both parts as float32 tensors.
 * @internal
 */
export function splitTable(name: string, table: Table, options: LoadOptions = {}): TrainTestSplit {
  const { testFraction = 0.2, seed = 0, standardize = false } = options;
  const n = table.targets.length;
  const nTest = Math.round(n * testFraction);
  if (!(testFraction > 0 && testFraction < 1) || nTest === 0 || nTest === n) {
    throw new ValueError(name, `testFraction must leave examples on both sides of the split (0 < testFraction < 1), got ${testFraction} for ${n} examples`);
  }
  if (!Number.isInteger(seed)) throw new ValueError(name, `seed must be an integer, got ${seed}`);
  const order = new Rng(seed).permutation(n);
  const numFeatures = table.features[0]?.length ?? 0;
  const pick = (indices: readonly number[]): { x: Float32Array; y: Float32Array } => {
    const x = new Float32Array(indices.length * numFeatures);
    const y = new Float32Array(indices.length);
    indices.forEach((row, i) => {
      x.set(table.features[row]!, i * numFeatures);
      y[i] = table.targets[row]!;
    });
    return { x, y };
  };
  const test = pick(order.slice(0, nTest));
  const train = pick(order.slice(nTest));
  if (standardize) standardizeColumns(train.x, numFeatures, [train.x, test.x]);
  const pack = (part: { x: Float32Array; y: Float32Array }): Split => ({
    x: tensor(part.x, { shape: [part.y.length, numFeatures] }),
    y: tensor(part.y),
  });
  return { train: pack(train), test: pack(test), classNames: table.classNames, numFeatures };
}
