import { apply } from "../autodiff/apply.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { add } from "./add.js";
import { eq, gt } from "./comparisons.js";
import { broadcastCases, elementwiseBinary, sumPresent } from "./define.js";
import { mul } from "./mul.js";
import { neg } from "./neg.js";
import type { OpRule } from "./rule.js";

/** How much of the derivative goes to x: 1 where x wins, 0 where y wins, ½ each on a tie (as PyTorch). */
const shareOfX = (x: Tensor, y: Tensor): Tensor => add(gt(x, y), mul(eq(x, y), 0.5));

export const maximumOp: OpRule = {
  name: "maximum",
  takesInt32: true,
  ...elementwiseBinary("maximum", (x, y) => (x >= y || Number.isNaN(x) ? x : y)),
  jvp: ([x, y], [dx, dy]) => {
    const share = shareOfX(x!, y!);
    return sumPresent(dx && mul(dx, share), dy && mul(dy, add(neg(share), 1)));
  },
  vjp: (ct, [x, y]) => {
    const share = shareOfX(x!, y!);
    return [mul(ct, share), mul(ct, add(neg(share), 1))];
  },
  test: {
    cases: broadcastCases,
    // Keep x and y apart so that finite differences never straddle the kink x = y.
    values: (g, [xs, ys]) => {
      const x = Array.from({ length: size(xs!) }, () => g.real(-2, 2));
      const y = Array.from({ length: size(ys!) }, () => g.real(-2, 2) + (g.bool() ? 5 : -5));
      return [x, y];
    },
  },
};

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

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
