import { apply } from "../autodiff/apply.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { broadcastCases, elementwiseBinary, sumPresent } from "./define.js";
import type { OpRule } from "./rule.js";

const product = elementwiseBinary("mul", (x, y) => x * y);
// An int32 product wraps modulo 2^32 exactly, as PyTorch's does: x·y in double precision loses the low
// bits of products beyond 2^53 before the store wraps them.
const intProduct = elementwiseBinary("imul", Math.imul);

export const mulOp: OpRule = {
  name: "mul",
  takesInt32: true,
  ...product,
  forward: (inputs, params, outShape, dtype) => (dtype === "int32" ? intProduct : product).forward(inputs, params, outShape, dtype),
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
