import { apply } from "../autodiff/apply.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { add } from "./add.js";
import { unary } from "./define.js";
import { reciprocal } from "./reciprocal.js";

export const log1pOp = unary({
  name: "log1p",
  f: Math.log1p,
  df: ({ x }) => reciprocal(add(x, 1)), // 1/(1 + x)
  domain: [-0.9, 3],
});

/**
 * Elementwise log(1 + x), exact for tiny x where `log(1 + x)` would round 1 + x to 1 and return 0: the
 * stable softplus and logSigmoid need it for the e^−|x| terms of large |x|.
 * @example
 * ```ts
 * log1p(tensor([1e-20], { dtype: "float64" })).item(); // 1e-20
 * ```
 */
export function log1p(x: TensorLike): Tensor {
  return apply(log1pOp, [x], undefined);
}
