import { describeValue, DTypeError, ShapeError, ValueError } from "../errors.js";
import { argShape, checkIndices } from "../ops/args.js";
import { broadcastTo } from "../ops/broadcastTo.js";
import { gt, lt } from "../ops/comparisons.js";
import { gather } from "../ops/gather.js";
import { reshape } from "../ops/reshape.js";
import { where } from "../ops/where.js";
import { normalizeAxis } from "../shape.js";
import { Tensor, type TensorLike } from "../tensor.js";

/**
 * `torch.index_select`: the slices of `x` along `axis` at the positions a 1-D int32 `index` names, in its
 * order (repeats allowed); the result has the index's length on that axis. A gather of the index
 * broadcast across the other axes, so its gradient scatter-adds (an embedding lookup is
 * `indexSelect(weight, 0, ids)`).
 * @example
 * ```ts
 * const x = tensor([[1, 2], [3, 4], [5, 6]]);
 * indexSelect(x, 0, tensor([2, 0, 2], { dtype: "int32" })).toArray(); // [[5, 6], [1, 2], [5, 6]]
 * ```
 */
export function indexSelect(x: TensorLike, axis: number, index: Tensor): Tensor {
  const shape = argShape("indexSelect", x);
  const at = normalizeAxis("indexSelect", axis, shape.length, shape);
  if (!(index instanceof Tensor) || index.dtype !== "int32") {
    throw new DTypeError("indexSelect", `the index must be an int32 tensor, got ${describeValue(index)}`);
  }
  if (index.shape.length !== 1) throw new ShapeError("indexSelect", `the index must be 1-D`, [shape, index.shape]);
  checkIndices("indexSelect", index, shape[at]!, at);
  const lined = reshape(index, shape.map((_, i) => (i === at ? index.shape[0]! : 1)));
  return gather(x, at, broadcastTo(lined, shape.map((d, i) => (i === at ? index.shape[0]! : d))));
}

/**
 * Limits each element to `[min, max]`, as `torch.clamp`: either bound may be left out (undefined), and
 * each may be a number or a tensor that broadcasts. The gradient passes where min ≤ x ≤ max (bounds
 * included, as PyTorch's), and where min > max every element becomes max, as in PyTorch.
 * @example
 * ```ts
 * clamp(tensor([-2, 0.5, 3]), 0, 1).toArray();         // [0, 0.5, 1]
 * clamp(tensor([-2, 0.5, 3]), undefined, 1).toArray(); // [-2, 0.5, 1]
 * ```
 */
export function clamp(x: TensorLike, min?: TensorLike, max?: TensorLike): Tensor {
  if (min === undefined && max === undefined) throw new ValueError("clamp", `needs a min or a max bound, got neither`);
  for (const [name, bound] of [["min", min], ["max", max]] as const) {
    if (bound !== undefined && typeof bound !== "number" && !(bound instanceof Tensor)) {
      throw new ValueError("clamp", `${name} must be a number, a Tensor or undefined, got ${describeValue(bound)}`);
    }
  }
  if (max === undefined) return where(lt(x, min!), min!, x);
  const low = min === undefined ? x : where(lt(x, min), min, x);
  return where(gt(low, max), max, low);
}
