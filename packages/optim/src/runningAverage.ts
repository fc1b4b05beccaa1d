import type { Storage } from "@tapegrad/core";

/**
 * The elementwise pieces the optimizers share. The lecture's exponential moving average (§6),
 * s := ρ s + (1 − ρ) a, is the heart of RMSprop, AdaDelta, Adam and AdaBelief; it lives here once.
 * Results are stored into typed arrays of the parameter's dtype, so float32 parameters see float32
 * rounding at the same points as torch's kernels.
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

/**
 * The gradient with L2 weight decay folded in, g + λ θ (torch's coupled `weight_decay`); the gradient
 * itself when λ = 0. A new array of the parameter's dtype: the caller's gradient is never written.
 * @example
 * ```ts
 * withWeightDecay(Float64Array.of(1), Float64Array.of(0.5), 0.1); // [0.6]
 * ```
 */
export function withWeightDecay(param: Storage, grad: Storage, weightDecay: number): Storage {
  if (weightDecay === 0) return grad;
  const out = param instanceof Float64Array ? new Float64Array(param.length) : new Float32Array(param.length);
  for (let i = 0; i < out.length; i++) out[i] = grad[i]! + weightDecay * param[i]!;
  return out;
}

/**
 * In place: θ := θ (1 − α λ), decoupled weight decay (Loshchilov & Hutter), applied before the
 * gradient step as torch's AdamW does.
 * @example
 * ```ts
 * const p = Float64Array.of(1); decoupledDecay(p, 0.1, 0.01); // p = [0.999]
 * ```
 */
export function decoupledDecay(param: Storage, lr: number, weightDecay: number): void {
  if (weightDecay === 0) return;
  const factor = 1 - lr * weightDecay;
  for (let i = 0; i < param.length; i++) param[i] = param[i]! * factor;
}
