import { apply } from "../autodiff/apply.js";
import { batchedAxis, batchOf } from "../autodiff/batching.js";
import { zeros } from "../creation.js";
import { ShapeError } from "../errors.js";
import { kernels } from "../kernels/active.js";
import { normalizeAxis, sizeOf } from "../shape.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { checkIndices } from "./args.js";
import { broadcastTo } from "./broadcastTo.js";
import { reshape } from "./reshape.js";
import type { CaseGen, OpRule } from "./rule.js";

/** Params of gather and scatterAdd: the axis the index runs along. */
export interface IndexAxisParams {
  readonly axis: number;
}

export const gatherOp: OpRule<[Tensor, Tensor], IndexAxisParams> = {
  name: "gather",
  arity: 2,
  takesInt32: true,
  indexInputs: [1],
  shape: ({ inputs: [x, index], params: p }) => {
    const [xs, is] = [x.shape, index.shape];
    const axis = normalizeAxis("gather", p.axis, xs.length, xs);
    if (is.length !== xs.length || is.some((d, i) => i !== axis && d > xs[i]!)) {
      throw new ShapeError("gather", `the index must have the input's rank and no dim larger than the input's, but along axis ${axis}`, [xs, is]);
    }
    checkIndices("gather", index, xs[axis]!, axis);
    return is;
  },
  forward: ({ inputs: [x, index], params: p, dtype }) =>
    kernels.gather(x.data, x.shape, normalizeAxis("gather", p.axis, x.shape.length, x.shape), index.data as Int32Array, index.shape, dtype),
  // Linear in x: the tangent is gathered as the values are; the cotangent is added back where each came from.
  jvp: ({ primals: [, index], tangents: [dx], params: p }) => dx && gather(dx, p.axis, index),
  batching: (b) => gather(batchOf(b, 0), batchedAxis(b.params.axis, b.inputs[0]!.shape.length), batchOf(b, 1)),
  // The method, not scatterAdd.ts, which imports this file.
  vjp: ({ primals: [x, index], params: p, ct }) => [zeros(x.shape, { dtype: ct.dtype }).scatterAdd(p.axis, index, ct), null],
  cost: () => 0,
  test: { cases: indexCases, fixed: () => [1], values: indexValues },
};

/** A random input shape, an axis (negative half the time), and an index shape no larger off the axis. */
export function indexCases(g: CaseGen): { shapes: [number[], number[]]; params: IndexAxisParams } {
  const shape = g.shape(1, 3, 4);
  const axis = g.int(0, shape.length - 1);
  const index = shape.map((d, i) => (i === axis ? g.int(1, 5) : g.int(1, d)));
  return { shapes: [shape, index], params: { axis: g.bool() ? axis : axis - shape.length } };
}

/** Values for [x, index, ...rest]: reals, then valid positions along the axis, then reals. */
export function indexValues(g: CaseGen, shapes: readonly (readonly number[])[], p: IndexAxisParams): number[][] {
  const length = shapes[0]![p.axis < 0 ? p.axis + shapes[0]!.length : p.axis]!;
  return shapes.map((s, i) => Array.from({ length: sizeOf(s) }, () => (i === 1 ? g.int(0, length - 1) : g.real(-2, 2))));
}

/**
 * `torch.gather`: picks along `axis` the elements that `index` names. `index` is int32 with `x`'s rank
 * and, off the axis, no dim larger than `x`'s; the result has the index's shape, and
 * `out[i][j] = x[i][index[i][j]]` for axis 1. Its gradient adds each cotangent back where its value came
 * from (a scatter-add), so repeated indices accumulate.
 * @example
 * ```ts
 * const x = tensor([[1, 2], [3, 4]]);
 * gather(x, 1, tensor([[0, 0], [1, 0]], { dtype: "int32" })).toArray(); // [[1, 1], [4, 3]]
 * ```
 */
export function gather(x: TensorLike, axis: number, index: Tensor): Tensor {
  return apply(gatherOp, [x, index], { axis });
}
