import { apply } from "../autodiff/apply.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { unary } from "./define.js";

export const atanOp = unary({
  name: "atan",
  f: Math.atan,
  df: ({ x }) => x.square().add(1).reciprocal(), // 1 / (1 + x²)
  domain: [-3, 3],
  reference: (v) => Math.asin(v / Math.sqrt(1 + v * v)), // the same angle by another road
});

/**
 * Elementwise arctangent, in radians.
 * @example
 * ```ts
 * atan(tensor([0, 1], { dtype: "float64" })).toArray(); // [0, 0.7853981633974483]
 * ```
 */
export function atan(x: TensorLike): Tensor {
  return apply(atanOp, [x], undefined);
}
