import { exp } from "../ops/exp.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { sub } from "./arithmetic.js";
import { logSumExp, nonEmptyAxes } from "./reductions.js";

/**
 * exp(x) / Σ exp(x) along `axis` (the lecture's output activation for classification), stable for any x.
 * @example
 * ```ts
 * softmax(tensor([1, 1])).toArray(); // [0.5, 0.5]
 * ```
 */
export function softmax(x: TensorLike, axis = -1): Tensor {
  nonEmptyAxes("softmax", x, axis);
  return exp(logSoftmax(x, axis));
}

/** x − logSumExp(x) along `axis`: log-probabilities, stable for any x. @example `logSoftmax(tensor([0, 0])).toArray(); // [-0.693…, -0.693…]` */
export function logSoftmax(x: TensorLike, axis = -1): Tensor {
  nonEmptyAxes("logSoftmax", x, axis);
  return sub(x, logSumExp(x, axis, { keepDims: true }));
}
