import { add } from "../ops/add.js";
import { exp } from "../ops/exp.js";
import { log } from "../ops/log.js";
import { max } from "../ops/max.js";
import { mul } from "../ops/mul.js";
import { neg } from "../ops/neg.js";
import { reshape } from "../ops/reshape.js";
import { sum } from "../ops/sum.js";
import { normalizeAxes, reducedShape } from "../shape.js";
import type { Axes, ReduceOptions, Tensor, TensorLike } from "../tensor.js";
import { argShape } from "../ops/args.js";
import { ShapeError, ValueError } from "../errors.js";
import { stopGradient } from "../autodiff/stopGradient.js";
import { refuseInt32 } from "../autodiff/apply.js";
import { sub } from "./arithmetic.js";


/**
 * Mean over `axis` (one, several, or all when omitted).
 * @example
 * ```ts
 * mean(tensor([[1, 2], [3, 4]]), 1).toArray(); // [1.5, 3.5]
 * ```
 */
export function mean(x: TensorLike, axis?: Axes, options?: ReduceOptions): Tensor {
  const shape = argShape("mean", x);
  refuseInt32("mean", [x]); // as PyTorch: the mean of integers has no integer dtype to be in
  const count = normalizeAxes("mean", axis, shape).reduce((n, a) => n * shape[a]!, 1);
  if (count === 0) throw new ValueError("mean", `cannot average over an empty axis (shape [${shape.join(",")}])`);
  return mul(sum(x, axis, options), 1 / count);
}

/** Minimum over `axis`; ties share the gradient evenly. @example `min(tensor([3, 1, 2])).item(); // 1` */
export function min(x: TensorLike, axis?: Axes, options?: ReduceOptions): Tensor {
  return neg(max(neg(x), axis, options));
}

/**
 * log Σ exp(x) over `axis`, computed stably as m + log Σ exp(x − m) with m the max. The shift m is held
 * constant (its derivative cancels exactly), so ties in the max cannot disturb the gradient.
 * @example
 * ```ts
 * logSumExp(tensor([1000, 1000])).item(); // 1000.693…
 * ```
 */
export function logSumExp(x: TensorLike, axis?: Axes, options?: ReduceOptions): Tensor {
  nonEmptyAxes("logSumExp", x, axis);
  const shift = stopGradient(max(x, axis, { keepDims: true }));
  const lse = add(log(sum(exp(sub(x, shift)), axis, { keepDims: true })), shift);
  if (options?.keepDims) return lse;
  const shape = argShape("logSumExp", x);
  return reshape(lse, reducedShape(shape, normalizeAxes("logSumExp", axis, shape), false));
}

/**
 * Checks `axis` for a composite that reduces over it, so that a bad or empty axis is reported under the
 * composite's own name rather than that of the primitive inside it (`max`).
 * @internal
 */
export function nonEmptyAxes(op: string, x: TensorLike, axis: Axes | undefined): number[] {
  const shape = argShape(op, x);
  const axes = normalizeAxes(op, axis, shape);
  if (axes.some((a) => shape[a] === 0)) throw new ShapeError(op, `cannot reduce over an empty axis`, [shape]);
  return axes;
}
