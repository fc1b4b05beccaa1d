import { apply } from "../autodiff/apply.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { f32x4Const, f32x4Div } from "../kernels/wasm/assembler.js";
import { unary } from "./define.js";
import { mul } from "./mul.js";
import { neg } from "./neg.js";
export const reciprocalOp = unary({
  name: "reciprocal",
  f: (v) => 1 / v,
  simd: (x) => [...f32x4Const(1), ...x, ...f32x4Div],
  df: ({ out }) => neg(mul(out, out)), // -1/x²,
  domain: [0.2, 3],
});

/**
 * Elementwise 1/x.
 * @example
 * ```ts
 * reciprocal(tensor([2, 4])).toArray(); // [0.5, 0.25]
 * ```
 */
export function reciprocal(x: TensorLike): Tensor {
  return apply(reciprocalOp, [x], undefined);
}
