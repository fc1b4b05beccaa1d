import { ShapeError } from "../errors.js";
import { argShape, intList } from "../ops/args.js";
import { reshape } from "../ops/reshape.js";
import { transpose } from "../ops/transpose.js";
import { normalizeAxes, normalizeAxis } from "../shape.js";
import type { Tensor, TensorLike } from "../tensor.js";

/**
 * Shape ops that only rename a reshape or a transpose. They are composites, not primitives: a reshape's
 * rules already cover them in both modes, and each checks its own arguments first so that an error names
 * the function the user called (`squeeze`) rather than the primitive inside it (`reshape`).
 */

/**
 * Removes size-1 axes: all of them, or only those named (a named axis that is not size 1 is left as it is,
 * as `torch.squeeze` does).
 * @example
 * ```ts
 * squeeze(zeros([2, 1, 3, 1])).shape;    // [2, 3]
 * squeeze(zeros([2, 1, 3, 1]), 1).shape; // [2, 3, 1]
 * ```
 */
export function squeeze(x: TensorLike, axis?: number | readonly number[]): Tensor {
  const shape = argShape("squeeze", x);
  const named = normalizeAxes("squeeze", axis, shape);
  return reshape(x, shape.filter((d, i) => !(d === 1 && named.includes(i))));
}

/**
 * Inserts a size-1 axis at `axis`, which may be anything from `-(rank + 1)` to `rank` (negative counts
 * from the end of the result, as in `torch.unsqueeze`).
 * @example
 * ```ts
 * unsqueeze(zeros([2, 3]), 0).shape;  // [1, 2, 3]
 * unsqueeze(zeros([2, 3]), -1).shape; // [2, 3, 1]
 * ```
 */
export function unsqueeze(x: TensorLike, axis: number): Tensor {
  const shape = argShape("unsqueeze", x);
  const at = normalizeAxis("unsqueeze", axis, shape.length + 1, shape);
  return reshape(x, [...shape.slice(0, at), 1, ...shape.slice(at)]);
}

/**
 * Merges the axes from `startDim` to `endDim` (both included, negative counting from the end) into one,
 * as `torch.flatten`: by default all of them, so the result is 1-D (a scalar becomes shape `[1]`).
 * @example
 * ```ts
 * flatten(zeros([2, 3, 4])).shape;        // [24]
 * flatten(zeros([2, 3, 4]), 1).shape;     // [2, 12]
 * flatten(zeros([2, 3, 4]), 0, 1).shape;  // [6, 4]
 * ```
 */
export function flatten(x: TensorLike, startDim = 0, endDim = -1): Tensor {
  const shape = argShape("flatten", x);
  if (shape.length === 0) return reshape(x, [1]);
  const start = normalizeAxis("flatten", startDim, shape.length, shape);
  const end = normalizeAxis("flatten", endDim, shape.length, shape);
  if (start > end) throw new ShapeError("flatten", `startDim ${startDim} comes after endDim ${endDim}`, [shape]);
  const merged = shape.slice(start, end + 1).reduce((a, b) => a * b, 1);
  return reshape(x, [...shape.slice(0, start), merged, ...shape.slice(end + 1)]);
}

/**
 * Reorders the axes: axis i of the result is axis `perm[i]` of the input (negative axes count from the
 * end), as `torch.permute`.
 * @example
 * ```ts
 * permute(zeros([2, 3, 4]), [2, 0, 1]).shape;  // [4, 2, 3]
 * permute(zeros([2, 3, 4]), [-1, 0, 1]).shape; // [4, 2, 3]
 * ```
 */
export function permute(x: TensorLike, perm: readonly number[]): Tensor {
  const shape = argShape("permute", x);
  const order = intList("permute", "perm", perm).map((a) => normalizeAxis("permute", a, shape.length, shape));
  if (order.length !== shape.length || new Set(order).size !== order.length) {
    throw new ShapeError("permute", `[${perm.join(",")}] is not a permutation of the ${shape.length} axes`, [shape]);
  }
  return transpose(x, order);
}
