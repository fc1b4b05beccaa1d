import { apply } from "../autodiff/apply.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { f32x4Mul } from "../kernels/wasm/assembler.js";
import { elementwiseBinary, sumPresent } from "./define.js";
import type { OpRule } from "./rule.js";

const product = elementwiseBinary("mul", (x, y) => x * y);
// An int32 product wraps modulo 2^32 exactly, as PyTorch's does: x·y in double precision loses the low
// bits of products beyond 2^53 before the store wraps them.
const intProduct = elementwiseBinary("imul", Math.imul);

export const mulOp: OpRule<[Tensor, Tensor]> = {
  ...product,
  takesInt32: true,
  simd: (x, y) => [...x, ...y, ...f32x4Mul],
  forward: (ctx) => (ctx.dtype === "int32" ? intProduct : product).forward(ctx),
  jvp: ({ primals: [x, y], tangents: [dx, dy] }) => sumPresent(dx && mul(dx, y), dy && mul(x, dy)), // d(xy) = dx·y + x·dy
  vjp: ({ primals: [x, y], ct, needed }) => [needed[0] ? mul(ct, y) : null, needed[1] ? mul(ct, x) : null],
  test: {},
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
