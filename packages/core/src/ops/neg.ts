import { apply } from "../autodiff/apply.js";
import { kernels } from "../kernels/active.js";
import { sizeOf } from "../shape.js";
import type { Tensor, TensorLike } from "../tensor.js";
import type { OpRule } from "./rule.js";

export const negOp: OpRule = {
  name: "neg",
  batching: "broadcasts",
  takesInt32: true,
  shape: ([x]) => x!.shape,
  forward: ([x], _, __, dtype) => kernels.map("neg", x!.data, dtype, (v) => -v),
  jvp: (_, [dx]) => neg(dx!), // linear: the tangent goes through the op itself
  vjp: (ct) => [neg(ct)],
  cost: (_, out) => sizeOf(out),
  test: {},
};

/**
 * Elementwise negation.
 * @example
 * ```ts
 * neg(tensor([1, -2])).toArray(); // [-1, 2]
 * ```
 */
export function neg(x: TensorLike): Tensor {
  return apply(negOp, [x], undefined);
}
