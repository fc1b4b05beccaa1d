import { apply } from "../autodiff/apply.js";
import { batchedAxes } from "../autodiff/batching.js";
import { ShapeError } from "../errors.js";
import { kernels } from "../kernels/active.js";
import { normalizeAxes, sizeOf } from "../shape.js";
import type { Axes, ReduceOptions, Tensor, TensorLike } from "../tensor.js";
import { eq } from "./comparisons.js";
import { mul } from "./mul.js";
import { reciprocal } from "./reciprocal.js";
import { keptShape, reduceParams, reductionCases, reductionShape, type ReduceParams } from "./reduceParams.js";
import { reshape } from "./reshape.js";
import type { OpRule } from "./rule.js";
import { sum } from "./sum.js";

/**
 * Which elements attain the maximum, each weighted 1/(number of ties): the derivative of max spread
 * evenly over ties (as `torch.amax`), so that it is the same in both modes and sums to one.
 */
function argmaxWeights(x: Tensor, out: Tensor, p: ReduceParams): Tensor {
  const hits = eq(x, reshape(out, keptShape("max", x.shape, p)));
  return mul(hits, reciprocal(sum(hits, p.axes, { keepDims: true })));
}

export const maxOp: OpRule<[Tensor], ReduceParams> = {
  name: "max",
  arity: 1,
  batching: ({ values: [x], inputs: [one], params }) => apply(maxOp, [x!], { ...params, axes: batchedAxes(params.axes, one.shape.length) }),
  takesInt32: true,
  shape: ({ inputs: [x], params: p }) => {
    const axes = normalizeAxes("max", p.axes, x.shape);
    if (axes.some((a) => x.shape[a] === 0)) throw new ShapeError("max", `cannot take the max over an empty axis`, [x.shape]);
    return reductionShape("max", x.shape, p);
  },
  forward: ({ inputs: [x], params: p, dtype }) =>
    kernels.reduce("max", x.data, x.shape, normalizeAxes("max", p.axes, x.shape), dtype, -Infinity, (a, v) => (v > a || Number.isNaN(v) ? v : a)),
  jvp: ({ primals: [x], tangents: [dx], out, params: p }) => dx && sum(mul(dx, argmaxWeights(x, out, p)), p.axes, p),
  vjp: ({ primals: [x], out, params: p, ct }) => [mul(reshape(ct, keptShape("max", x.shape, p)), argmaxWeights(x, out, p))],
  cost: ({ inputShapes: [x] }) => sizeOf(x),
  test: {
    cases: reductionCases,
    // Distinct values spaced 0.1 apart, so finite differences never change which element is largest.
    values: (g, [shape]) => {
      const n = sizeOf(shape);
      const order = g.permutation(n);
      return [order.map((k) => k * 0.1 - n * 0.05 + g.real(-0.02, 0.02))];
    },
    secondOrder: true,
  },
};

/**
 * Maximum over `axis` (one, several, or all when omitted). Ties share the gradient evenly.
 * @example
 * ```ts
 * max(tensor([[1, 5], [7, 2]]), -1).toArray(); // [5, 7]
 * ```
 */
export function max(x: TensorLike, axis?: Axes, options?: ReduceOptions): Tensor {
  return apply(maxOp, [x], reduceParams(axis, options));
}
