import { apply } from "../autodiff/apply.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { unary } from "./define.js";

export const expOp = unary({
  name: "exp",
  f: Math.exp,
  df: ({ out }) => out, // e^x is its own derivative,
  domain: [-3, 3],
});

/**
 * Elementwise e^x.
 * @example
 * ```ts
 * exp(tensor([0, 1])).toArray(); // [1, 2.718281828459045] (float32-rounded)
 * ```
 */
export function exp(x: TensorLike): Tensor {
  return apply(expOp, [x], undefined);
}
