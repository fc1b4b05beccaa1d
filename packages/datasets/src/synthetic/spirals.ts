import { generate, type SyntheticOptions } from "./generate.js";
import type { Split } from "../types.js";

/**
 * Two interleaved Archimedean spirals, each turning `turns` times (1.5 by default) out to radius 1;
 * class 1 is class 0 rotated by half a turn. Noise 0.02 by default.
 * @example
 * ```ts
 * spirals({ n: 300, seed: 1 }).x.shape; // [300, 2]
 * ```
 */
export function spirals(options: SyntheticOptions & { turns?: number } = {}): Split {
  const { turns = 1.5, ...rest } = options;
  return generate("spirals", rest, 0.02, (label, rng) => {
    const t = rng.uniform();
    const angle = 2 * Math.PI * turns * t + label * Math.PI;
    return [t * Math.cos(angle), t * Math.sin(angle)];
  });
}
