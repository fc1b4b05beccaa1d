import { apply } from "../autodiff/apply.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { unary } from "./define.js";
import { mul } from "./mul.js";
import { neg } from "./neg.js";
export const reciprocalOp = unary({
  name: "reciprocal",
  f: (v) => 1 / v,
  df: ({ out }) => neg(mul(out, out)), // -1/x²,
  domain: [0.2, 3],
});

/**
 * Elementwise 1/x.
 * @example
 * ```ts
 * reciprocal(tensor([2, 4])).toArray(); // [0.5, 0.25]
 * ```
 */
export function reciprocal(x: TensorLike): Tensor {
  return apply(reciprocalOp, [x], undefined);
}
