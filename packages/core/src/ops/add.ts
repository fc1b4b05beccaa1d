import { apply } from "../autodiff/apply.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { f32x4Add } from "../kernels/wasm/assembler.js";
import { elementwiseBinary, sumPresent } from "./define.js";
import type { OpRule } from "./rule.js";

export const addOp: OpRule<[Tensor, Tensor]> = {
  ...elementwiseBinary("add", (x, y) => x + y),
  takesInt32: true,
  simd: (x, y) => [...x, ...y, ...f32x4Add],
  jvp: ({ tangents: [dx, dy] }) => sumPresent(dx, dy), // d(x + y) = dx + dy
  vjp: ({ ct }) => [ct, ct], // the engine un-broadcasts each to its input's shape
  test: {},
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
