import { apply } from "../autodiff/apply.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { f32x4Abs } from "../kernels/wasm/assembler.js";
import { unary } from "./define.js";
import { sign } from "./comparisons.js";
export const absOp = unary({
  name: "abs",
  takesInt32: true,
  f: Math.abs,
  simd: (x) => [...x, ...f32x4Abs],
  df: ({ x }) => sign(x), // the derivative at the kink 0 is taken as 0, as PyTorch does,
  domain: [-3, 3],
  kinks: [0],
});

/**
 * Elementwise absolute value.
 * @example
 * ```ts
 * abs(tensor([-2, 3])).toArray(); // [2, 3]
 * ```
 */
export function abs(x: TensorLike): Tensor {
  return apply(absOp, [x], undefined);
}
