import { apply } from "../autodiff/apply.js";
import { describeValue, ShapeError, ValueError } from "../errors.js";
import { sizeOf, type Shape } from "../shape.js";
import type { Tensor, TensorLike } from "../tensor.js";
import type { OpRule } from "./rule.js";

/** Resolves one `-1` entry from the element count, or throws naming both shapes. */
function resolveShape(from: Shape, to: readonly number[]): number[] {
  if (!Array.isArray(to)) throw new ValueError("reshape", `shape must be an array of integers, got ${describeValue(to)}`);
  const unknown = to.filter((d) => d === -1).length;
  if (unknown > 1 || to.some((d) => !Number.isInteger(d) || d < -1)) {
    throw new ShapeError("reshape", `target shape must hold non-negative integers and at most one -1`, [from, to]);
  }
  const known = to.reduce((a, d) => (d === -1 ? a : a * d), 1);
  const total = sizeOf(from);
  const resolved = to.map((d) => (d === -1 ? (known === 0 ? 0 : total / known) : d));
  if (sizeOf(resolved) !== total || resolved.some((d) => !Number.isInteger(d))) {
    throw new ShapeError("reshape", `cannot reshape ${total} elements into this shape`, [from, to]);
  }
  return resolved;
}

export const reshapeOp: OpRule<[Tensor], { shape: readonly number[] }> = {
  name: "reshape",
  arity: 1,
  takesInt32: true,
  shape: ({ inputs: [x], params: p }) => resolveShape(x.shape, p.shape),
  // Storage is shared: tensors are immutable, so a reshape needs no copy (a view, as in PyTorch).
  forward: ({ inputs: [x] }) => x.data,
  jvp: ({ tangents: [dx], out }) => dx && reshape(dx, out.shape),
  batching: ({ values: [x], size, outShape }) => reshape(x!, [size, ...outShape]),
  vjp: ({ primals: [x], ct }) => [reshape(ct, x.shape)],
  cost: () => 0,
  test: {
    cases: (g) => {
      const shape = g.shape(0, 4, 4);
      const flat = sizeOf(shape);
      const target = g.bool() ? [flat] : g.bool() ? [-1] : [...shape].reverse();
      return { shapes: [shape], params: { shape: target } };
    },
  },
};

/**
 * The same elements in a new shape (one entry may be -1, inferred from the rest).
 * @example
 * ```ts
 * reshape(tensor([1, 2, 3, 4]), [2, -1]).shape; // [2, 2]
 * ```
 */
export function reshape(x: TensorLike, shape: readonly number[]): Tensor {
  return apply(reshapeOp, [x], { shape });
}
