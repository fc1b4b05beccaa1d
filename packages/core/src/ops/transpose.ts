import { apply } from "../autodiff/apply.js";
import { ShapeError } from "../errors.js";
import { kernels } from "../kernels/active.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { argShape, intList } from "./args.js";
import type { OpRule } from "./rule.js";

function checkPerm(shape: readonly number[], perm: readonly number[]): void {
  const rank = shape.length;
  const ok = perm.length === rank && perm.every((p) => Number.isInteger(p) && p >= 0 && p < rank) && new Set(perm).size === rank;
  if (!ok) throw new ShapeError("transpose", `[${perm.join(",")}] is not a permutation of the ${rank} axes`, [shape]);
}

function inverse(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

export const transposeOp: OpRule<[Tensor], { perm: readonly number[] }> = {
  name: "transpose",
  arity: 1,
  takesInt32: true,
  shape: ({ inputs: [x], params: p }) => {
    checkPerm(x.shape, p.perm);
    return p.perm.map((a) => x.shape[a]!);
  },
  forward: ({ inputs: [x], params: p, dtype }) => kernels.transpose(x.data, x.shape, p.perm, dtype),
  jvp: ({ tangents: [dx], params: p }) => dx && transpose(dx, p.perm),
  batching: ({ values: [x], params }) => transpose(x!, [0, ...params.perm.map((a) => a + 1)]), // the batch axis stays first
  vjp: ({ params: p, ct }) => [transpose(ct, inverse(p.perm))],
  cost: () => 0,
  test: {
    cases: (g) => {
      const shape = g.shape(0, 4, 4);
      return { shapes: [shape], params: { perm: g.permutation(shape.length) } };
    },
  },
};

/**
 * Permutes the axes: `perm[i]` is the input axis that becomes output axis i. Without `perm`, the axes
 * are reversed (a matrix's transpose).
 * @example
 * ```ts
 * transpose(tensor([[1, 2, 3]])).shape; // [3, 1]
 * transpose(zeros([2, 3, 4]), [0, 2, 1]).shape; // [2, 4, 3]
 * ```
 */
export function transpose(x: TensorLike, perm?: readonly number[]): Tensor {
  const rank = argShape("transpose", x).length;
  const order = perm === undefined ? Array.from({ length: rank }, (_, i) => rank - 1 - i) : intList("transpose", "perm", perm);
  return apply(transposeOp, [x], { perm: order });
}
