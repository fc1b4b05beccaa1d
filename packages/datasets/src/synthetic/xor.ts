import { generate, type SyntheticOptions } from "./generate.js";
import type { Split } from "../types.js";

/**
 * The XOR problem: points in the square [−1, 1]², class 1 in the quadrants where the signs of the two
 * coordinates differ and class 0 where they agree. Noise (0.05 by default) is added after labelling, so
 * it blurs the boundary.
 * @example
 * ```ts
 * xor({ n: 40 }).y.toArray().length; // 40
 * ```
 */
export function xor(options: SyntheticOptions = {}): Split {
  return generate("xor", options, 0.05, (label, rng) => {
    // Draw a point in the first quadrant, then flip signs into a quadrant of the right class.
    const a = rng.uniform();
    const b = rng.uniform();
    const flipA = rng.uniform() < 0.5 ? -1 : 1;
    const flipB = label === 1 ? -flipA : flipA;
    return [flipA * a, flipB * b];
  });
}
