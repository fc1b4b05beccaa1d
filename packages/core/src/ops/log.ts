import { apply } from "../autodiff/apply.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { unary } from "./define.js";
import { reciprocal } from "./reciprocal.js";
export const logOp = unary({
  name: "log",
  f: Math.log,
  df: ({ x }) => reciprocal(x), // 1/x,
  domain: [0.1, 4],
});

/**
 * Elementwise natural logarithm (NaN below 0, -Infinity at 0, as in IEEE arithmetic).
 * @example
 * ```ts
 * log(tensor([1])).toArray(); // [0]
 * ```
 */
export function log(x: TensorLike): Tensor {
  return apply(logOp, [x], undefined);
}
