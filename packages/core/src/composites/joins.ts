import { describeValue, ShapeError, ValueError } from "../errors.js";
import { argShape, tensorList } from "../ops/args.js";
import { concat } from "../ops/concat.js";
import { slice } from "../ops/slice.js";
import { normalizeAxis } from "../shape.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { unsqueeze } from "./shape.js";

/**
 * Joins tensors of one shape along a new axis at `axis` (from `-(rank + 1)` to `rank`), as `torch.stack`:
 * each gains a size-1 axis there and the results are concatenated along it.
 * @example
 * ```ts
 * stack([tensor([1, 2]), tensor([3, 4])]).toArray();    // [[1, 2], [3, 4]]
 * stack([tensor([1, 2]), tensor([3, 4])], 1).toArray(); // [[1, 3], [2, 4]]
 * ```
 */
export function stack(xs: readonly TensorLike[], axis = 0): Tensor {
  const list = tensorList("stack", xs);
  if (list.length === 0) throw new ValueError("stack", `needs at least one tensor`);
  const shapes = list.map((x) => argShape("stack", x));
  const first = shapes[0]!;
  if (!shapes.every((s) => s.length === first.length && s.every((d, i) => d === first[i]))) {
    throw new ShapeError("stack", `all tensors must have one shape`, shapes);
  }
  const at = normalizeAxis("stack", axis, first.length + 1, first);
  return concat(list.map((x) => unsqueeze(x, at)), at);
}

/**
 * Cuts `x` along `axis` into pieces, as `torch.split`: `sizes` is either each piece's length (they must add
 * up to the axis) or one length for every piece, the last piece taking what is left.
 * @example
 * ```ts
 * split(tensor([1, 2, 3, 4, 5]), 2).map((t) => t.toArray());      // [[1, 2], [3, 4], [5]]
 * split(tensor([1, 2, 3, 4, 5]), [1, 4]).map((t) => t.toArray()); // [[1], [2, 3, 4, 5]]
 * ```
 */
export function split(x: TensorLike, sizes: number | readonly number[], axis = 0): Tensor[] {
  const shape = argShape("split", x);
  const at = normalizeAxis("split", axis, shape.length, shape);
  const length = shape[at]!;
  const pieces = pieceLengths(sizes, length, shape);
  let begin = 0;
  return pieces.map((size) => {
    const piece = slice(x, shape.map((_, i) => (i === at ? begin : 0)), shape.map((d, i) => (i === at ? size : d)));
    begin += size;
    return piece;
  });
}

/** The length of each piece of `split`, from one length for all or a list that must add up to the axis. */
function pieceLengths(sizes: number | readonly number[], length: number, shape: readonly number[]): number[] {
  const isLength = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;
  if (typeof sizes === "number") {
    if (!isLength(sizes) || sizes === 0) throw new ValueError("split", `a piece length must be a positive integer, got ${describeValue(sizes)}`);
    return Array.from({ length: Math.max(1, Math.ceil(length / sizes)) }, (_, i) => Math.min(sizes, length - i * sizes));
  }
  if (!Array.isArray(sizes) || !sizes.every(isLength)) {
    throw new ValueError("split", `sizes must be a non-negative integer or an array of them, got ${describeValue(sizes)}`);
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== length) throw new ShapeError("split", `sizes [${sizes.join(",")}] add up to ${total}, not the axis length ${length}`, [shape]);
  return [...sizes];
}
