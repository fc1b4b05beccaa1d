import { generate, type SyntheticOptions } from "./generate.js";
import type { Split } from "../types.js";

/**
 * Two concentric circles (scikit-learn's `make_circles`): class 0 on radius 1, class 1 on radius
 * `factor` (0.5 by default). Noise 0.05 by default.
 * @example
 * ```ts
 * circles({ n: 50, factor: 0.3 }).y.shape; // [50]
 * ```
 */
export function circles(options: SyntheticOptions & { factor?: number } = {}): Split {
  const { factor = 0.5, ...rest } = options;
  return generate("circles", rest, 0.05, (label, rng) => {
    const angle = 2 * Math.PI * rng.uniform();
    const r = label === 0 ? 1 : factor;
    return [r * Math.cos(angle), r * Math.sin(angle)];
  });
}
