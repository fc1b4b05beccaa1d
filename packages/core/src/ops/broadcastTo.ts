import { apply } from "../autodiff/apply.js";
import { alignBatch } from "../autodiff/batching.js";
import { ShapeError } from "../errors.js";
import { kernels } from "../kernels/active.js";
import { checkShape } from "../shape.js";
import type { Tensor, TensorLike } from "../tensor.js";
import type { OpRule } from "./rule.js";

export const broadcastToOp: OpRule<[Tensor], { shape: readonly number[] }> = {
  name: "broadcastTo",
  arity: 1,
  takesInt32: true,
  shape: ({ inputs: [x], params: p }) => {
    const target = checkShape("broadcastTo", p.shape);
    const offset = target.length - x.shape.length;
    if (offset < 0 || x.shape.some((d, i) => d !== 1 && d !== target[i + offset])) {
      throw new ShapeError("broadcastTo", `cannot broadcast to the target shape`, [x.shape, target]);
    }
    return target;
  },
  forward: ({ inputs: [x], outShape, dtype }) => kernels.broadcast(x.data, x.shape, outShape, dtype),
  jvp: ({ tangents: [dx], out }) => dx && broadcastTo(dx, out.shape),
  batching: ({ values: [x], size, outShape }) => broadcastTo(alignBatch(x!, outShape.length), [size, ...outShape]),
  vjp: ({ ct }) => [ct], // the engine sums the cotangent back over the broadcast dims
  cost: () => 0,
  test: {
    cases: (g) => {
      const [a, b] = g.broadcastPair();
      const target = a.length >= b.length ? a.map((d, i) => Math.max(d, b[i - (a.length - b.length)] ?? 1)) : b.map((d, i) => Math.max(d, a[i - (b.length - a.length)] ?? 1));
      return { shapes: [a], params: { shape: target } };
    },
  },
};

/**
 * Repeats size-1 (and missing leading) dims to reach `shape`, as NumPy's broadcasting does.
 * @example
 * ```ts
 * broadcastTo(tensor([1, 2]), [3, 2]).toArray(); // [[1, 2], [1, 2], [1, 2]]
 * ```
 */
export function broadcastTo(x: TensorLike, shape: readonly number[]): Tensor {
  return apply(broadcastToOp, [x], { shape });
}

