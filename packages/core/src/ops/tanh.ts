import { apply } from "../autodiff/apply.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { unary } from "./define.js";
import { mul } from "./mul.js";
import { add } from "./add.js";
import { neg } from "./neg.js";

const sub1 = (t: Tensor): Tensor => add(neg(t), 1);
export const tanhOp = unary({
  name: "tanh",
  f: Math.tanh,
  df: ({ out }) => sub1(mul(out, out)), // 1 - tanh²,
  domain: [-3, 3],
});

/**
 * Elementwise hyperbolic tangent. A primitive rather than a composite: every formula in exp loses relative precision near 0 (1 - e^(-2x) cancels), and Math.tanh does not.
 * @example
 * ```ts
 * tanh(tensor([0])).toArray(); // [0]
 * ```
 */
export function tanh(x: TensorLike): Tensor {
  return apply(tanhOp, [x], undefined);
}
