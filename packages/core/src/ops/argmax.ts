import { apply } from "../autodiff/apply.js";
import { argReduceBatching } from "../autodiff/batchRules.js";
import { ShapeError } from "../errors.js";
import { kernels } from "../kernels/active.js";
import { normalizeAxis, reducedShape, sizeOf } from "../shape.js";
import type { ReduceOptions, Tensor, TensorLike } from "../tensor.js";
import type { CaseGen, OpRule } from "./rule.js";

/**
 * argmax and argmin share one file because they differ only in the comparison. Each returns int32
 * positions, which carry no derivative: the ops are constant, as comparisons are.
 */

/** Params of argmax/argmin: one axis (null for the flattened tensor) and whether it is kept as size 1. */
export interface ArgReduceParams {
  readonly axis: number | null;
  readonly keepDims: boolean;
}

function argReduction(name: "argmax" | "argmin"): OpRule<[Tensor], ArgReduceParams> {
  return {
    name,
    arity: 1,
    constant: true,
    batching: (b) => argReduceBatching(argmaxOrArgmin[name], b),
    takesInt32: true,
    dtype: () => "int32",
    shape: ({ inputs: [x], params: p }) => {
      const shape = x.shape;
      const axes = p.axis === null ? shape.map((_, i) => i) : [normalizeAxis(name, p.axis, shape.length, shape)];
      if (sizeOf(shape) === 0) throw new ShapeError(name, `cannot take the ${name} of an empty tensor`, [shape]);
      return reducedShape(shape, axes, p.keepDims);
    },
    forward: ({ inputs: [x], params: p }) => kernels.argReduce(name, x.data, x.shape, p.axis === null ? null : normalizeAxis(name, p.axis, x.shape.length, x.shape)),
    cost: ({ inputShapes: [x] }) => sizeOf(x),
    test: { cases: argCases },
  };
}

function argCases(g: CaseGen): { shapes: [number[]]; params: ArgReduceParams } {
  const shape = g.shape(0, 3, 4);
  const axis = shape.length === 0 || g.bool() ? null : g.int(-shape.length, shape.length - 1);
  return { shapes: [shape], params: { axis, keepDims: g.bool() } };
}

export const argmaxOp = argReduction("argmax");
export const argminOp = argReduction("argmin");
const argmaxOrArgmin = { argmax: argmaxOp, argmin: argminOp };

/**
 * Int32 positions of the largest element along `axis`, or in the flattened tensor when `axis` is left
 * out, as `torch.argmax`: ties go to the first, and a NaN counts as the largest.
 * @example
 * ```ts
 * argmax(tensor([[1, 5, 5], [7, 0, 2]]), -1).toArray(); // [1, 0]
 * argmax(tensor([[1, 5], [7, 0]])).item();              // 2
 * ```
 */
export function argmax(x: TensorLike, axis?: number, options?: ReduceOptions): Tensor {
  return apply(argmaxOp, [x], { axis: axis ?? null, keepDims: options?.keepDims ?? false });
}

/**
 * Int32 positions of the smallest element along `axis`, or in the flattened tensor when `axis` is left
 * out, as `torch.argmin`: ties go to the first, and a NaN counts as the smallest.
 * @example
 * ```ts
 * argmin(tensor([[1, 5, 0], [7, 0, 2]]), -1, { keepDims: true }).toArray(); // [[2], [1]]
 * ```
 */
export function argmin(x: TensorLike, axis?: number, options?: ReduceOptions): Tensor {
  return apply(argminOp, [x], { axis: axis ?? null, keepDims: options?.keepDims ?? false });
}
