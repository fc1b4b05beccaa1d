import { apply } from "../autodiff/apply.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { f32x4Neg } from "../kernels/wasm/assembler.js";
import { elementwiseUnary } from "./define.js";
import type { OpRule } from "./rule.js";

export const negOp: OpRule<[Tensor]> = {
  ...elementwiseUnary("neg", (v) => -v),
  takesInt32: true,
  simd: (x) => [...x, ...f32x4Neg],
  jvp: ({ tangents: [dx] }) => dx && neg(dx), // linear: the tangent goes through the op itself
  vjp: ({ ct }) => [neg(ct)],
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
