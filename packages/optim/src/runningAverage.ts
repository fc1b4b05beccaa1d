import type { Storage } from "@tapegrad/core";

/**
 * The lecture's exponential moving average (§6), s := ρ s + (1 − ρ) a: the heart of RMSprop, AdaDelta,
 * Adam and AdaBelief, kept here once. Results are stored into typed arrays of the parameter's dtype, so
 * float32 parameters see float32 rounding at the same points as torch's kernels.
 */

/**
 * In place: avg := ρ avg + (1 − ρ) x (the running average of x; Adam's and AdaBelief's first moment,
 * centered RMSprop's gradient average).
 * @example
 * ```ts
 * const m = new Float64Array(1); runningAverage(m, Float64Array.of(2), 0.9); // m = [0.2]
 * ```
 */
export function runningAverage(avg: Storage, x: Storage, rho: number): void {
  for (let i = 0; i < avg.length; i++) avg[i] = rho * avg[i]! + (1 - rho) * x[i]!;
}

/**
 * In place: avg := ρ avg + (1 − ρ) x² (the running average of squared gradients shared by RMSprop,
 * AdaDelta and Adam).
 * @example
 * ```ts
 * const s = new Float64Array(1); runningSquareAverage(s, Float64Array.of(2), 0.9); // s = [0.4]
 * ```
 */
export function runningSquareAverage(avg: Storage, x: Storage, rho: number): void {
  for (let i = 0; i < avg.length; i++) avg[i] = rho * avg[i]! + (1 - rho) * x[i]! * x[i]!;
}
