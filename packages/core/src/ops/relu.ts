import { apply } from "../autodiff/apply.js";
import { kernels } from "../kernels/active.js";
import { sizeOf } from "../shape.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { broadcastCases, elementwiseBinary } from "./define.js";
import type { OpRule } from "./rule.js";

/**
 * ReLU and its derivative mask, two primitives in one file because each is the other's rule.
 *
 * ReLU could be the composite `where(x > 0, x, 0)`, and was: that costs a comparison and a select forward
 * and another select backward, three passes over the activations, each allocating. As a primitive it is
 * one pass forward and one backward (`reluGrad`), which is most of what a ReLU costs in a training step,
 * since elementwise work is bound by memory traffic. It also lets a NaN through, as PyTorch's and JAX's
 * ReLU do, where `where(x > 0, ...)` turned it into 0.
 */

const reluOf = (v: number): number => Math.max(v, 0); // NaN stays NaN; −0 becomes 0

export const reluOp: OpRule = {
  name: "relu",
  batching: "broadcasts",
  shape: ([x]) => x!.shape,
  forward: ([x], _, __, dtype) => kernels.map("relu", x!.data, dtype, reluOf),
  jvp: ([x], [dx]) => reluGrad(dx!, x!),
  vjp: (ct, [x]) => [reluGrad(ct, x!)],
  cost: (_, out) => sizeOf(out),
  test: { kinks: [0] },
};

/**
 * `reluGrad(g, x)`: g where x > 0, else 0 (also for x = 0, as PyTorch takes ReLU's derivative there).
 * Linear in g, and piecewise constant in x, whose derivative is zero wherever it exists.
 */
export const reluGradOp: OpRule = {
  name: "reluGrad",
  // Broadcasting, like the other binary ops: a batch of tangents (jacfwd) meets one x.
  ...elementwiseBinary("reluGrad", (g, x) => (x > 0 ? g : 0)),
  jvp: ([, x], [dg]) => (dg ? reluGrad(dg, x!) : null),
  vjp: (ct, [, x], _, __, needed) => [needed[0] ? reluGrad(ct, x!) : null, null],
  test: { cases: broadcastCases, kinks: [0] },
};

/**
 * max(0, x) elementwise; the derivative at 0 is taken as 0, as PyTorch does, and a NaN stays NaN.
 * @example
 * ```ts
 * relu(tensor([-1, 0, 2])).toArray(); // [0, 0, 2]
 * ```
 */
export function relu(x: TensorLike): Tensor {
  return apply(reluOp, [x], undefined);
}

/**
 * ReLU's derivative applied to a cotangent: `g` where `x > 0`, else 0 (the VJP and JVP of `relu`).
 * @example
 * ```ts
 * reluGrad(tensor([5, 6, 7]), tensor([-1, 0, 2])).toArray(); // [0, 0, 7]
 * ```
 */
export function reluGrad(g: TensorLike, x: TensorLike): Tensor {
  return apply(reluGradOp, [g, x], undefined);
}
