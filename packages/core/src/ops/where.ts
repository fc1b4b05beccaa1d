import { apply } from "../autodiff/apply.js";
import { kernels } from "../kernels/active.js";
import { broadcastShapes, sizeOf } from "../shape.js";
import type { Tensor, TensorLike } from "../tensor.js";
import type { OpRule } from "./rule.js";

export const whereOp: OpRule<[Tensor, Tensor, Tensor]> = {
  name: "where",
  arity: 3,
  batching: "broadcasts",
  takesInt32: true,
  shape: ({ inputs: [c, x, y] }) => broadcastShapes("where", broadcastShapes("where", c.shape, x.shape), y.shape),
  forward: ({ inputs: [c, x, y], outShape, dtype }) => kernels.select(c.data, c.shape, x.data, x.shape, y.data, y.shape, outShape, dtype),
  // The condition is a constant; the tangent picks from the branch that was picked.
  jvp: ({ primals: [c], tangents: [, dx, dy] }) => where(c, dx ?? 0, dy ?? 0),
  vjp: ({ primals: [c], ct, needed }) => [null, needed[1] ? where(c, ct, 0) : null, needed[2] ? where(c, 0, ct) : null],
  cost: ({ outShape }) => sizeOf(outShape),
  test: {
    fixed: () => [0],
    cases: (g) => {
      const [a, b] = g.broadcastPair();
      return { shapes: [g.bool() ? a : b, a, b], params: undefined };
    },
    values: (g, shapes) => shapes.map((s, i) => Array.from({ length: sizeOf(s) }, () => (i === 0 ? (g.bool() ? 1 : 0) : g.real(-2, 2)))),
  },
};

/**
 * Picks `x` where `cond` is non-zero and `y` elsewhere, with broadcasting of all three. Gradients flow to
 * the picked branch only; but a NaN or Infinity computed in the other branch still poisons a product
 * in its own derivative, so give each branch a safe input (see docs: the masked-`where` trap).
 * @example
 * ```ts
 * const x = tensor([-1, 2]);
 * where(x.gt(0), x, 0).toArray(); // [0, 2]
 * ```
 */
export function where(cond: TensorLike, x: TensorLike, y: TensorLike): Tensor {
  return apply(whereOp, [cond, x, y], undefined);
}
