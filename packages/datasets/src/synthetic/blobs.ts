import { generate, type SyntheticOptions } from "./generate.js";
import type { Split } from "../types.js";

/**
 * Two Gaussian blobs centred at (−1, −1) (class 0) and (1, 1) (class 1), each with standard deviation
 * `noise` (0.5 by default) per coordinate.
 * @example
 * ```ts
 * blobs({ n: 20, noise: 0.3 }).x.shape; // [20, 2]
 * ```
 */
export function blobs(options: SyntheticOptions = {}): Split {
  return generate("blobs", options, 0.5, (label) => (label === 0 ? [-1, -1] : [1, 1]));
}
