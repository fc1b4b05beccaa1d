import type { Storage } from "@tapegrad/core";

/**
 * The two ways weight decay λ enters an update: coupled (L2, added to the gradient, as torch's
 * `weight_decay` in SGD, RMSprop, AdaDelta and Adam) or decoupled (applied to θ directly, as AdamW).
 */

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
