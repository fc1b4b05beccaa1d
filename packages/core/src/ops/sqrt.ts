import { apply } from "../autodiff/apply.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { f32x4Sqrt } from "../kernels/wasm/assembler.js";
import { unary } from "./define.js";
import { mul } from "./mul.js";
import { reciprocal } from "./reciprocal.js";
export const sqrtOp = unary({
  name: "sqrt",
  f: Math.sqrt,
  simd: (x) => [...x, ...f32x4Sqrt], // correctly rounded, as sqrt in double then rounded to float32 is
  df: ({ out }) => mul(reciprocal(out), 0.5), // 1 / (2 sqrt(x)),
  domain: [0.1, 4],
});

/**
 * Elementwise square root.
 * @example
 * ```ts
 * sqrt(tensor([4, 9])).toArray(); // [2, 3]
 * ```
 */
export function sqrt(x: TensorLike): Tensor {
  return apply(sqrtOp, [x], undefined);
}
