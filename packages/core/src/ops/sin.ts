import { apply } from "../autodiff/apply.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { unary } from "./define.js";
import { cos } from "./cos.js";
export const sinOp = unary({
  name: "sin",
  f: Math.sin,
  df: ({ x }) => cos(x),
  domain: [-3, 3],
});

/**
 * Elementwise sine.
 * @example
 * ```ts
 * sin(tensor([0])).toArray(); // [0]
 * ```
 */
export function sin(x: TensorLike): Tensor {
  return apply(sinOp, [x], undefined);
}
