import { ShapeError } from "../errors.js";
import { sameShape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { zeros } from "../creation.js";
import { checkReturned } from "./arguments.js";
import { withBatchedLevel } from "./batching.js";
import { closeLevel, openLevel } from "./mode.js";
import type { TensorFunction } from "./transforms.js";

/**
 * Forward mode with a batch of `batch` directions at once: evaluates f at `primals` and pushes every
 * `tangents[i]`, of shape `[batch, ...primals[i].shape]` (row k is direction k), through the JVP rules
 * in ONE pass. Returns `[f(primals), T]` with `T` of shape `[batch, ...out.shape]`: row k is J·(direction
 * k). With the identity as the tangents this is the Jacobian, computed as the lecture's product of
 * Jacobians from the input side. See batching.ts for how the rules see the batch axis.
 * @internal The public faces are `jacfwd` and `hessian`.
 */
export function jvpBatch(op: string, f: TensorFunction, primals: readonly Tensor[], tangents: readonly Tensor[], batch: number): [Tensor, Tensor] {
  primals.forEach((x, i) => {
    const dx = tangents[i]!;
    if (!sameShape(dx.shape, [batch, ...x.shape])) {
      throw new ShapeError(op, `tangent batch ${i} must be [batch, ...primal shape] with batch ${batch}`, [x.shape, dx.shape]);
    }
  });
  const level = openLevel();
  try {
    return withBatchedLevel(level, batch, () => {
      const duals = primals.map((x, i) => new Tensor(null, x.shape, x.dtype, { level, primal: x, tangent: tangents[i]! }));
      const out = checkReturned(op, f(...duals));
      const dual = out.dual?.level === level ? out.dual : null;
      const primal = dual ? dual.primal : out;
      return [primal, dual?.tangent ?? zeros([batch, ...primal.shape], { dtype: primal.dtype })];
    });
  } finally {
    closeLevel(level);
  }
}
