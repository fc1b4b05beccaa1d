import { apply } from "../autodiff/apply.js";
import { batchedAxis, batchOf } from "../autodiff/batching.js";
import { zeros } from "../creation.js";
import { ShapeError } from "../errors.js";
import { kernels } from "../kernels/active.js";
import { normalizeAxis, sizeOf } from "../shape.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { checkIndices } from "./args.js";
import { gather, indexCases, indexValues, type IndexAxisParams } from "./gather.js";
import { pad } from "./pad.js";
import type { CaseGen, OpRule } from "./rule.js";

export const scatterAddOp: OpRule<[Tensor, Tensor, Tensor], IndexAxisParams> = {
  name: "scatterAdd",
  arity: 3,
  takesInt32: true,
  indexInputs: [1],
  shape: ({ inputs: [x, index, src], params: p }) => {
    const [xs, is, ss] = [x.shape, index.shape, src.shape];
    const axis = normalizeAxis("scatterAdd", p.axis, xs.length, xs);
    const fits = is.length === xs.length && ss.length === xs.length && is.every((d, i) => d <= ss[i]! && (i === axis || d <= xs[i]!));
    if (!fits) {
      throw new ShapeError("scatterAdd", `input, index and src must have one rank, the index no dim larger than src's, nor than the input's but along axis ${axis}`, [xs, is, ss]);
    }
    checkIndices("scatterAdd", index, xs[axis]!, axis);
    return xs;
  },
  forward: ({ inputs: [x, index, src], params: p, dtype }) =>
    kernels.scatterAdd(x.data, x.shape, normalizeAxis("scatterAdd", p.axis, x.shape.length, x.shape), index.data as Int32Array, index.shape, src.data, src.shape, dtype),
  // Linear in x and src together: the tangent is the scatter-add of the tangents.
  jvp: ({ primals: [x, index, src], tangents: [dx, , dsrc], params: p }) => scatterAdd(dx ?? zeros(x.shape, { dtype: x.dtype }), p.axis, index, dsrc ?? zeros(src.shape, { dtype: src.dtype })),
  // The index runs along one axis and pairs the others element by element, so a leading batch axis is one more of them.
  batching: (b) => scatterAdd(batchOf(b, 0), batchedAxis(b.params.axis, b.outShape.length), batchOf(b, 1), batchOf(b, 2)),
  // x's cotangent passes through; src's is gathered from where each element was added, and is zero for
  // the elements of src outside the index's shape (they were never added).
  vjp: ({ primals: [, index, src], params: p, ct, needed }) => [
    needed[0] ? ct : null,
    null,
    needed[2] ? pad(gather(ct, p.axis, index), src.shape.map(() => 0), src.shape.map((d, i) => d - index.shape[i]!)) : null,
  ],
  cost: ({ inputShapes: [, index] }) => sizeOf(index),
  test: { cases: scatterCases, fixed: () => [1], values: indexValues },
};

/** gather's cases with a src at least as large as the index. */
function scatterCases(g: CaseGen): { shapes: [number[], number[], number[]]; params: IndexAxisParams } {
  const { shapes: [shape, index], params } = indexCases(g);
  return { shapes: [shape, index, index.map((d) => d + g.int(0, 1))], params };
}

/**
 * `torch.scatter_add`, out of place: a copy of `x` to which each element of `src` at a position of
 * `index` is added along `axis` at the place the index names (`out[i][index[i][j]] += src[i][j]` for
 * axis 1). `index` is int32 with `x`'s rank, no dim larger than `src`'s, nor than `x`'s off the axis;
 * repeated indices accumulate. Its gradient for `src` gathers, for `x` passes through.
 * @example
 * ```ts
 * scatterAdd(zeros([3]), 0, tensor([0, 2, 0], { dtype: "int32" }), tensor([1, 2, 3])).toArray(); // [4, 0, 2]
 * ```
 */
export function scatterAdd(x: TensorLike, axis: number, index: Tensor, src: TensorLike): Tensor {
  return apply(scatterAddOp, [x, index, src], { axis });
}
