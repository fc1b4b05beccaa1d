import type { BatchArgs } from "../ops/rule.js";
import { engineOps } from "./engineOps.js";
import type { Tensor } from "../tensor.js";

/**
 * Helpers for ops' `batching` rules: how an op runs on a whole vmap batch in one call.
 *
 * There is one batching machinery. `vmap` unpacks each batched input to its values, batch axis first,
 * and asks the op's `batching` rule for the batched output (batchedApply.ts). `jacfwd` is `vmap` over the
 * input directions of one `jvp`: the tangents are batched, the primals are not, so each JVP rule, being
 * ordinary tensor code, runs its tangent arithmetic through the same batching rules, and the primal
 * computation runs once. A rule that names axes or shapes (reshape, sum, concat, ...) moves them past the
 * batch axis; a rule that broadcasts needs only the batch lined up (`alignBatch`). An op without a rule
 * runs once per example: slower, never a wrong answer. A property test holds every primitive's rule to
 * that loop, in both dtypes, with every combination of batched and shared inputs.
 */

/** Row `k` of a batch `[B, ...shape]`, as one example of shape `shape`. */
export function directionOf(values: Tensor, k: number): Tensor {
  const shape = values.shape.slice(1);
  const { reshape, slice } = engineOps();
  return reshape(slice(values, [k, ...shape.map(() => 0)], [1, ...shape]), shape);
}

/**
 * `[B, ...shape]` → `[B, 1, ..., 1, ...shape]` with `rank` dims after the batch axis, so that NumPy
 * broadcasting against an operand of rank `rank` pairs the examples' dims, not the batch axis, with it.
 */
export function alignBatch(values: Tensor, rank: number): Tensor {
  const inner = values.shape.length - 1;
  if (inner >= rank) return values;
  return engineOps().reshape(values, [values.shape[0]!, ...new Array<number>(rank - inner).fill(1), ...values.shape.slice(1)]);
}

/**
 * A reduction's axes on a batch of rank-`rank` examples: non-negative axes move up by one, negative ones
 * (counted from the end) stay, and "all axes" becomes every axis but the batch axis.
 */
export function batchedAxes(axes: readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i + 1);
  return axes.map((a) => (a < 0 ? a : a + 1));
}

/** One axis of a rank-`rank` example (negative counts from the end) as an axis of the batch. */
export function batchedAxis(axis: number, rank: number): number {
  return (axis < 0 ? axis + rank : axis) + 1;
}

/** Input `i` of a batched op call as a batch `[B, ...shape]`: its values, or the shared input repeated. */
export function batchOf<P>(b: BatchArgs<P, readonly Tensor[]>, i: number): Tensor {
  const x = b.inputs[i]!;
  const { broadcastTo, reshape } = engineOps();
  return b.values[i] ?? broadcastTo(reshape(x, [1, ...x.shape]), [b.size, ...x.shape]);
}
