import type { AnyOpRule, JvpContext } from "../ops/rule.js";
import { engineOps } from "./engineOps.js";
import { zeros } from "../creation.js";
import type { Tensor } from "../tensor.js";

/**
 * Batched tangents: how `jacfwd` pushes many input directions through the JVP rules in one pass.
 *
 * The decision. A forward-mode level opened by `jacfwd` is *batched*: every tangent at that level carries
 * one extra LEADING axis, `[B, ...primal shape]`, one row per input direction, so the tangent matrix of
 * the lecture's product of Jacobians travels as one tensor. The batch size belongs to the level (kept
 * here, looked up by `apply`), not to each dual, so a level is batched or not as a whole, and nesting
 * (`hessian` = jacfwd over grad, jacfwd of jacfwd) needs nothing more: an inner level's tangents are
 * ordinary tensors, possibly duals of an outer level, whose own batch axis comes first.
 *
 * Which rules need to know. JVP rules are written with broadcasting tensor ops, so a rule that only
 * multiplies, adds or matmuls its tangents is already right on a batch, once each tangent has been
 * lined up with the output's rank (`[B, 1, ..., 1, ...input shape]`; matmul's batch dims broadcast the
 * same way). Rules whose params name axes or shapes would misread the extra axis; they give a
 * `batchedJvp` in their own file. The alternative, a generic "move the batch axis into the params"
 * rewrite in the engine, would have to know every op's params anyway, so it is no simpler. A rule that
 * declares neither (`jvpBroadcasts` or `batchedJvp`), as a user's op usually does, runs once per
 * direction: the engine cannot know what its rule does with axes, so it never assumes. A property test
 * runs every primitive in the registry through both paths and compares them with one unbatched JVP per
 * direction, so a primitive that declares `jvpBroadcasts` wrongly fails there.
 *
 * Reverse mode keeps one pullback per output element (see `jacrev`): batching cotangents would also
 * need the engine's un-broadcasting step to know about the batch axis, for no change in the FLOP count.
 */
const batchSizes = new Map<number, number>();

/** The batch size of a forward-mode level, or null for a plain (one-direction) `jvp` level. */
export function batchSizeAt(level: number): number | null {
  return batchSizes.get(level) ?? null;
}

/** Runs `fn` with `level` marked as carrying `batch` directions per tangent. */
export function withBatchedLevel<T>(level: number, batch: number, fn: () => T): T {
  batchSizes.set(level, batch);
  try {
    return fn();
  } finally {
    batchSizes.delete(level);
  }
}

/**
 * The output tangent of one op at a batched level: the op's `batchedJvp` when it has one; its plain `jvp`
 * on tangents lined up with the output's rank when the rule declares `jvpBroadcasts`; otherwise its plain
 * `jvp` once per direction, the rows stacked again. The last is the fallback for rules that say nothing
 * about batches (users' own ops): slower, but never a wrong answer.
 */
export function batchedTangent(rule: AnyOpRule, context: JvpContext<readonly Tensor[], unknown>): Tensor | null {
  if (rule.constant) return null;
  if (rule.batchedJvp) return rule.batchedJvp(context);
  const { tangents, out } = context;
  if (rule.jvpBroadcasts) {
    const rank = out.shape.length;
    return rule.jvp({ ...context, tangents: tangents.map((dt) => dt && alignBatch(dt, rank)) });
  }
  const batch = tangents.find((dt) => dt !== null)?.shape[0] ?? 0;
  const rows = Array.from({ length: batch }, (_, k) => {
    const row = rule.jvp({ ...context, tangents: tangents.map((dt) => dt && directionOf(dt, k)) });
    // A rule may return null (no tangent) or a tangent in a shape that broadcasts to the output's.
    const fitted = row === null ? zeros(out.shape, { dtype: out.dtype }) : engineOps().broadcastTo(row, out.shape);
    return engineOps().reshape(fitted, [1, ...out.shape]);
  });
  return engineOps().concat(rows, 0);
}

/** Row `k` of a batched tangent `[B, ...shape]`, as a tangent of shape `shape`. */
export function directionOf(dt: Tensor, k: number): Tensor {
  const shape = dt.shape.slice(1);
  const { reshape, slice } = engineOps();
  return reshape(slice(dt, [k, ...shape.map(() => 0)], [1, ...shape]), shape);
}

/**
 * `[B, ...shape]` → `[B, 1, ..., 1, ...shape]` with `rank` dims after the batch axis, so that NumPy
 * broadcasting against an operand of rank `rank` pairs the primal dims, not the batch axis, with it.
 */
export function alignBatch(dt: Tensor, rank: number): Tensor {
  const inner = dt.shape.length - 1;
  if (inner >= rank) return dt;
  return engineOps().reshape(dt, [dt.shape[0]!, ...new Array<number>(rank - inner).fill(1), ...dt.shape.slice(1)]);
}

/**
 * A reduction's axes on a batched tangent of a rank-`rank` primal: non-negative axes move up by one,
 * negative ones (counted from the end) stay, and "all axes" becomes every axis but the batch axis.
 */
export function batchedAxes(axes: readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i + 1);
  return axes.map((a) => (a < 0 ? a : a + 1));
}
