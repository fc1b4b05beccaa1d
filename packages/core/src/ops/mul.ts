import { apply } from "../autodiff/apply.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { broadcastCases, elementwiseBinary, sumPresent } from "./define.js";
import type { OpRule } from "./rule.js";

export const mulOp: OpRule = {
  name: "mul",
  takesInt32: true,
  ...elementwiseBinary("mul", (x, y) => x * y),
  jvpBroadcasts: true,
  jvp: ([x, y], [dx, dy]) => sumPresent(dx && mul(dx, y!), dy && mul(x!, dy)), // d(xy) = dx·y + x·dy
  vjp: (ct, [x, y], _, __, needed) => [needed[0] ? mul(ct, y!) : null, needed[1] ? mul(ct, x!) : null],
  test: { cases: broadcastCases },
};

/**
 * Elementwise product with NumPy broadcasting.
 * @example
 * ```ts
 * mul(tensor([1, 2]), tensor([3, 4])).toArray(); // [3, 8]
 * ```
 */
export function mul(x: TensorLike, y: TensorLike): Tensor {
  return apply(mulOp, [x, y], undefined);
}
