import { add } from "../ops/add.js";
import { gt, ge } from "../ops/comparisons.js";
import { exp } from "../ops/exp.js";
import { log } from "../ops/log.js";
import { maximum } from "../ops/maximum.js";
import { mul } from "../ops/mul.js";
import { neg } from "../ops/neg.js";
import { reciprocal } from "../ops/reciprocal.js";
import { where } from "../ops/where.js";
import { abs } from "../ops/abs.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { div } from "./arithmetic.js";
import { ValueError } from "../errors.js";

/**
 * The logistic function 1 / (1 + e^−x), stable for any x: the branch for x ≥ 0 reads max(x, 0) and the
 * branch for x < 0 reads min(x, 0), so neither exponent ever overflows and neither branch makes a NaN
 * that `where` would pass into the gradient.
 * @example
 * ```ts
 * sigmoid(tensor([0, 1000, -1000])).toArray(); // [0.5, 1, 0]
 * ```
 */
export function sigmoid(x: TensorLike): Tensor {
  const nonNegative = ge(x, 0);
  const ePos = exp(neg(where(nonNegative, x, 0))); // e^−x for x ≥ 0, ≤ 1
  const eNeg = exp(where(nonNegative, 0, x)); // e^x for x < 0, ≤ 1
  return where(nonNegative, reciprocal(add(ePos, 1)), div(eNeg, add(eNeg, 1)));
}

/**
 * x for x > 0, αx otherwise (the lecture's leaky ReLU).
 * @example
 * ```ts
 * leakyRelu(tensor([-10, 2]), 0.1).toArray(); // [-1, 2]
 * ```
 */
export function leakyRelu(x: TensorLike, alpha = 0.01): Tensor {
  if (typeof alpha !== "number" || !Number.isFinite(alpha)) throw new ValueError("leakyRelu", `option alpha must be a finite number (got ${String(alpha)})`);
  return where(gt(x, 0), x, mul(x, alpha));
}

/** log(1 + e^x), computed as max(x, 0) + log(1 + e^−|x|) so it never overflows. @example `softplus(tensor([0])).toArray(); // [0.6931…]` */
export function softplus(x: TensorLike): Tensor {
  return add(maximum(x, 0), log(add(exp(neg(abs(x))), 1)));
}
