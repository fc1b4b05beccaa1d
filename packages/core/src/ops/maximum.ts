import { apply } from "../autodiff/apply.js";
import { sizeOf } from "../shape.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { add } from "./add.js";
import { eq, gt } from "./comparisons.js";
import { f32x4Ge, f32x4Ne, v128Bitselect, v128Or } from "../kernels/wasm/assembler.js";
import { elementwiseBinary, sumPresent } from "./define.js";
import { mul } from "./mul.js";
import { neg } from "./neg.js";
import type { OpRule } from "./rule.js";

/** How much of the derivative goes to x: 1 where x wins, 0 where y wins, ½ each on a tie (as PyTorch). */
const shareOfX = (x: Tensor, y: Tensor): Tensor => add(gt(x, y), mul(eq(x, y), 0.5));

export const maximumOp: OpRule<[Tensor, Tensor]> = {
  ...elementwiseBinary("maximum", (x, y) => (x >= y || x !== x ? x : y)), // x !== x: a NaN in x propagates
  takesInt32: true,
  // Not f32x4.max, which makes max(−0, +0) +0 where the formula keeps x's −0: a select on the formula's own test.
  simd: (x, y) => [...x, ...y, ...x, ...y, ...f32x4Ge, ...x, ...x, ...f32x4Ne, ...v128Or, ...v128Bitselect],
  jvp: ({ primals: [x, y], tangents: [dx, dy] }) => {
    const share = shareOfX(x, y);
    return sumPresent(dx && mul(dx, share), dy && mul(dy, add(neg(share), 1)));
  },
  vjp: ({ primals: [x, y], ct }) => {
    const share = shareOfX(x, y);
    return [mul(ct, share), mul(ct, add(neg(share), 1))];
  },
  test: {
    // Keep x and y apart so that finite differences never straddle the kink x = y.
    values: (g, shapes) => shapes.map((s, i) => Array.from({ length: sizeOf(s) }, () => g.real(-2, 2) + (i === 0 ? 0 : g.bool() ? 5 : -5))),
  },
};

/**
 * Elementwise maximum with broadcasting; a NaN in x propagates.
 * @example
 * ```ts
 * maximum(tensor([-1, 2]), 0).toArray(); // [0, 2]
 * ```
 */
export function maximum(x: TensorLike, y: TensorLike): Tensor {
  return apply(maximumOp, [x, y], undefined);
}
