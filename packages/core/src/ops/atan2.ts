import { apply } from "../autodiff/apply.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { binary } from "./define.js";

// atan2 takes the sine side first, as Math.atan2 and torch.atan2 do: in the rules, `x` and `y` name the
// first and second inputs. ∂/∂first = second / r², ∂/∂second = −first / r², with r² = first² + second².
export const atan2Op = binary({
  name: "atan2",
  f: Math.atan2,
  dfdx: ({ x, y }) => y.div(x.square().add(y.square())),
  dfdy: ({ x, y }) => x.neg().div(x.square().add(y.square())),
  // A positive second input keeps the draws off the origin and off the branch cut along the negative axis.
  domain: [[-2, 2], [0.5, 2]],
  reference: (a, b) => 2 * Math.atan(a / (Math.sqrt(a * a + b * b) + b)), // the half-angle formula
});

/**
 * Elementwise angle of the point (x, y) = (`other`, `input`), in radians in [−π, π], with broadcasting:
 * `atan2(y, x)` as in NumPy and PyTorch.
 * @example
 * ```ts
 * atan2(tensor([1, 1], { dtype: "float64" }), tensor([1, -1], { dtype: "float64" })).toArray(); // [0.7853981633974483, 2.356194490192345]
 * ```
 */
export function atan2(input: TensorLike, other: TensorLike): Tensor {
  return apply(atan2Op, [input, other], undefined);
}
