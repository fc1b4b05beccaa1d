import type { Tensor } from "@tapegrad/core";
import type { Dataset } from "./dataLoader.js";

/**
 * Inputs and targets of one part of a data set: `x` is `[n, features]` float32, `y` is `[n]` float32. A
 * {@link Dataset} (what a `DataLoader` draws batches from).
 */
export interface Split {
  /** Features, one row per example. */
  readonly x: Tensor;
  /** Class indices (0, 1, …) for classification; the target value for regression. */
  readonly y: Tensor;
}

/**
 * A real data set split into a training and a test part (what `loadDigits` and the other loaders return).
 * Not itself a {@link Dataset}: each of its parts is one.
 */
export interface TrainTestSplit {
  readonly train: Split;
  readonly test: Split;
  /** Class names, index by label; empty for regression. */
  readonly classNames: readonly string[];
  /** Number of features per example. */
  readonly numFeatures: number;
}

/** How a real data set is split and scaled. */
export interface LoadOptions {
  /** Fraction of the examples held out for testing; 0.2 by default. */
  testFraction?: number;
  /** Seed of the shuffle that makes the split; 0 by default. Same seed, same split. */
  seed?: number;
  /**
   * Scale every feature to mean 0 and standard deviation 1, with the statistics of the training part
   * only (so nothing about the test part leaks into training). False by default.
   */
  standardize?: boolean;
}
