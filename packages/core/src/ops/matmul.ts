import { apply } from "../autodiff/apply.js";
import { ShapeError } from "../errors.js";
import { kernels } from "../kernels/active.js";
import { broadcastShapes, sizeOf } from "../shape.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { sumPresent } from "./define.js";
import type { OpRule } from "./rule.js";
import { transpose } from "./transpose.js";

/** Swaps the last two axes: the matrix transpose of every matrix in a batch. */
function mT(x: Tensor): Tensor {
  const rank = x.shape.length;
  return transpose(x, [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2]);
}

export const matmulOp: OpRule = {
  name: "matmul",
  shape: ([x, y]) => {
    const a = x!.shape;
    const b = y!.shape;
    if (a.length < 2 || b.length < 2) {
      throw new ShapeError("matmul", `operands need rank >= 2 (reshape a vector to [1,n] or [n,1])`, [a, b]);
    }
    const k = a[a.length - 1]!;
    if (k !== b[b.length - 2]) throw new ShapeError("matmul", `inner dimensions differ (${k} != ${b[b.length - 2]})`, [a, b]);
    return [...broadcastShapes("matmul", a.slice(0, -2), b.slice(0, -2)), a[a.length - 2]!, b[b.length - 1]!];
  },
  forward: ([x, y], _, outShape, dtype) => kernels.matmul(x!.data, x!.shape, y!.data, y!.shape, outShape, dtype),
  jvp: ([x, y], [dx, dy]) => sumPresent(dx && matmul(dx, y!), dy && matmul(x!, dy)), // d(XY) = dX·Y + X·dY
  // Batch dims that were broadcast are summed back by the engine.
  vjp: (ct, [x, y], _, __, needed) => [needed[0] ? matmul(ct, mT(y!)) : null, needed[1] ? matmul(mT(x!), ct) : null],
  cost: ([a], out) => 2 * sizeOf(out) * a![a!.length - 1]!, // a multiply and an add per (i, j, k)
  test: {
    cases: (g) => {
      const [m, k, n] = [g.int(1, 4), g.int(1, 4), g.int(1, 4)];
      // Trailing dims of a broadcast pair stay aligned, so at most two batch dims that still broadcast.
      const [ba, bb] = g.bool() ? [[], []] : g.broadcastPair().map((s) => s.slice(-2));
      return { shapes: [[...ba!, m, k], [...bb!, k, n]], params: undefined };
    },
  },
};

/**
 * Matrix product of the last two axes, `[..., m, k] × [..., k, n] → [..., m, n]`, with the leading
 * (batch) axes broadcast against each other.
 * @example
 * ```ts
 * matmul(tensor([[1, 2]]), tensor([[3], [4]])).toArray(); // [[11]]
 * ```
 */
export function matmul(x: TensorLike, y: TensorLike): Tensor {
  return apply(matmulOp, [x, y], undefined);
}
