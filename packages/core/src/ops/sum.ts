import { apply } from "../autodiff/apply.js";
import { batchedAxes } from "../autodiff/batching.js";
import { kernels } from "../kernels/active.js";
import { normalizeAxes, sizeOf } from "../shape.js";
import type { Axes, ReduceOptions, Tensor, TensorLike } from "../tensor.js";
import { broadcastTo } from "./broadcastTo.js";
import { keptShape, reduceParams, reductionCases, reductionShape, type ReduceParams } from "./reduceParams.js";
import { reshape } from "./reshape.js";
import type { OpRule } from "./rule.js";

export const sumOp: OpRule<[Tensor], ReduceParams> = {
  name: "sum",
  arity: 1,
  takesInt32: true,
  shape: ({ inputs: [x], params: p }) => reductionShape("sum", x.shape, p),
  forward: ({ inputs: [x], params: p, dtype }) => kernels.reduce("sum", x.data, x.shape, normalizeAxes("sum", p.axes, x.shape), dtype, 0, (a, v) => a + v),
  jvp: ({ tangents: [dx], params: p }) => dx && sum(dx, p.axes, p), // linear
  batching: ({ values: [x], inputs: [one], params }) => sum(x!, batchedAxes(params.axes, one.shape.length), params),
  vjp: ({ primals: [x], params: p, ct }) => [broadcastTo(reshape(ct, keptShape("sum", x.shape, p)), x.shape)],
  cost: ({ inputShapes: [x] }) => sizeOf(x),
  test: { cases: reductionCases },
};

/**
 * Sum over `axis` (one, several, or all when omitted), optionally keeping reduced axes as size 1.
 * @example
 * ```ts
 * const x = tensor([[1, 2], [3, 4]]);
 * x.sum().item();                 // 10
 * sum(x, 0).toArray();            // [4, 6]
 * sum(x, -1, { keepDims: true }).shape; // [2, 1]
 * ```
 */
export function sum(x: TensorLike, axis?: Axes, options?: ReduceOptions): Tensor {
  return apply(sumOp, [x], reduceParams(axis, options));
}
