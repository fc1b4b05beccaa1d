import { Rng, ValueError, tensor } from "@tapegrad/core";
import type { Split } from "../types.js";

/** Options shared by the synthetic two-class sets. */
export interface SyntheticOptions {
  /** Number of points, split evenly between the two classes (odd counts give class 0 one more); 200 by default. */
  n?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate; each set has its own default. */
  noise?: number;
  /** Seed of the generator; 0 by default. Same seed, same points. */
  seed?: number;
}

/**
 * Draws `n` points, alternating class 0 and class 1 so both are equally represented, from `point`
 * (a noiseless point of the class), then adds Gaussian noise of standard deviation `noise` to each
 * coordinate. All draws come from one seeded `Rng`, so a seed fixes the whole set.
 * @internal
 */
export function generate(
  name: string,
  options: SyntheticOptions,
  defaultNoise: number,
  point: (label: 0 | 1, rng: Rng) => readonly [number, number],
): Split {
  const { n = 200, noise = defaultNoise, seed = 0 } = options;
  if (!Number.isInteger(n) || n < 2) throw new ValueError(name, `n must be an integer of at least 2, got ${n}`);
  if (!(noise >= 0 && Number.isFinite(noise))) throw new ValueError(name, `noise must be a finite number >= 0, got ${noise}`);
  if (!Number.isInteger(seed)) throw new ValueError(name, `seed must be an integer, got ${seed}`);
  const rng = new Rng(seed);
  const x = new Float32Array(2 * n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 2 === 0 ? 0 : 1;
    const [a, b] = point(label, rng);
    x[2 * i] = a + noise * rng.normal();
    x[2 * i + 1] = b + noise * rng.normal();
    y[i] = label;
  }
  return { x: tensor(x, { shape: [n, 2] }), y: tensor(y) };
}
