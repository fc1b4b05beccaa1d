import { DTypeError } from "../errors.js";
import type { Shape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { concat } from "../ops/concat.js";
import { reshape } from "../ops/reshape.js";
import { slice } from "../ops/slice.js";
import { leafPaths, type TreeDef } from "./tree.js";

/**
 * A pytree output as one flat tensor and back, for the machinery that handles one output tensor (a
 * primitive's output, the rows or columns of a Jacobian). Differentiable: packing is concat and
 * reshape, unpacking slice and reshape.
 * @internal
 */

/** The leaves flattened and laid end to end. */
export function pack(leaves: readonly Tensor[]): Tensor {
  return concat(leaves.map((t) => reshape(t, [t.size])), 0);
}

/**
 * The flat tensor cut back into leaves of `shapes`. With `trailing`, the flat tensor is `[total,
 * ...trailing]` (a Jacobian's rows) and each leaf `[...shape, ...trailing]`.
 */
export function unpack(flat: Tensor, shapes: readonly Shape[], trailing: Shape = []): Tensor[] {
  let offset = 0;
  return shapes.map((shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const leaf = reshape(slice(flat, [offset, ...trailing.map(() => 0)], [size, ...trailing]), [...shape, ...trailing]);
    offset += size;
    return leaf;
  });
}

/** Packing needs one dtype: the leaves are one tensor's parts. */
export function checkOneDType(op: string, leaves: readonly Tensor[], def: TreeDef): void {
  const paths = leafPaths(def, "output");
  const odd = leaves.findIndex((t) => t.dtype !== leaves[0]!.dtype);
  if (odd >= 0) {
    throw new DTypeError(op, `the function's output leaves must share one dtype: ${paths[0]} is ${leaves[0]!.dtype} but ${paths[odd]} is ${leaves[odd]!.dtype}`);
  }
}
