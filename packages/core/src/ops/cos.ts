import { apply } from "../autodiff/apply.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { unary } from "./define.js";
import { neg } from "./neg.js";
export const cosOp = unary({
  name: "cos",
  f: Math.cos,
  df: ({ x }) => neg(x.sin()), // the method, not sin.ts, which imports this file
  domain: [-3, 3],
});

/**
 * Elementwise cosine.
 * @example
 * ```ts
 * cos(tensor([0])).toArray(); // [1]
 * ```
 */
export function cos(x: TensorLike): Tensor {
  return apply(cosOp, [x], undefined);
}
