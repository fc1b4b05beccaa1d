import { apply } from "../autodiff/apply.js";
import { checkDType, type DType } from "../dtype.js";
import { kernels } from "../kernels/active.js";
import type { Tensor, TensorLike } from "../tensor.js";
import type { OpRule } from "./rule.js";

export const castOp: OpRule<{ dtype: DType }> = {
  name: "cast",
  batching: "broadcasts",
  takesInt32: true,
  shape: ([x], p) => {
    checkDType("cast", p.dtype);
    return x!.shape;
  },
  dtype: (_, p) => p.dtype,
  forward: ([x], p) => kernels.cast(x!.data, p.dtype),
  jvp: (_, [dx], __, p) => cast(dx!, p.dtype),
  vjp: (ct, [x]) => [cast(ct, x!.dtype)], // the gradient returns in the input's own dtype
  cost: () => 0,
  test: { cases: (g) => ({ shapes: [g.shape()], params: { dtype: "float64" } }) },
};

/**
 * The same values in another dtype (float64 → float32 rounds to nearest).
 * @example
 * ```ts
 * cast(tensor([1.5]), "float64").dtype; // "float64"
 * ```
 */
export function cast(x: TensorLike, dtype: DType): Tensor {
  return apply(castOp, [x], { dtype });
}
