import { generate, type SyntheticOptions } from "./generate.js";
import type { Split } from "../types.js";

/**
 * Two interleaving half circles (scikit-learn's `make_moons`): class 0 on the upper arc of the unit
 * circle, class 1 on the lower arc shifted to (1, 0.5). Noise 0.1 by default.
 * @example
 * ```ts
 * const { x, y } = moons({ n: 100, noise: 0.1, seed: 0 });
 * x.shape; // [100, 2]
 * ```
 */
export function moons(options: SyntheticOptions = {}): Split {
  return generate("moons", options, 0.1, (label, rng) => {
    const t = Math.PI * rng.uniform();
    return label === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
  });
}
