import { apply } from "../autodiff/apply.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { broadcastCases, elementwiseBinary, sumPresent } from "./define.js";
import type { OpRule } from "./rule.js";

export const addOp: OpRule = {
  name: "add",
  takesInt32: true,
  ...elementwiseBinary("add", (x, y) => x + y),
  jvp: (_, [dx, dy]) => sumPresent(dx, dy), // d(x + y) = dx + dy
  vjp: (ct) => [ct, ct], // the engine un-broadcasts each to its input's shape
  test: { cases: broadcastCases },
};

/**
 * Elementwise sum with NumPy broadcasting.
 * @example
 * ```ts
 * add(tensor([1, 2]), 10).toArray(); // [11, 12]
 * ```
 */
export function add(x: TensorLike, y: TensorLike): Tensor {
  return apply(addOp, [x, y], undefined);
}
