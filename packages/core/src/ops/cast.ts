import { apply } from "../autodiff/apply.js";
import { checkDType, type DType } from "../dtype.js";
import { kernels } from "../kernels/active.js";
import type { Tensor, TensorLike } from "../tensor.js";
import type { OpRule } from "./rule.js";

export const castOp: OpRule<[Tensor], { dtype: DType }> = {
  name: "cast",
  arity: 1,
  batching: "broadcasts",
  takesInt32: true,
  shape: ({ inputs: [x], params: p }) => {
    checkDType("cast", p.dtype);
    return x.shape;
  },
  dtype: ({ params: p }) => p.dtype,
  forward: ({ inputs: [x], params: p }) => kernels.cast(x.data, p.dtype),
  jvp: ({ tangents: [dx], params: p }) => dx && cast(dx, p.dtype),
  vjp: ({ primals: [x], ct }) => [cast(ct, x.dtype)], // the gradient returns in the input's own dtype
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
