import { apply } from "../autodiff/apply.js";
import { erfcScalar } from "../special/erf.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { unary } from "./define.js";
import { exp } from "./exp.js";
import { mul } from "./mul.js";
import { neg } from "./neg.js";

export const erfcOp = unary({
  name: "erfc",
  f: erfcScalar,
  df: ({ x }) => mul(exp(neg(mul(x, x))), -2 / Math.sqrt(Math.PI)), // −2/√π · e^(−x²)
  domain: [-3, 3],
});

/**
 * Elementwise complementary error function 1 − erf(x), accurate also where it is tiny (erfc(10) ≈ 2e-45,
 * where 1 − erf(10) is 0). A primitive for that accuracy: exact GELU is x/2 · erfc(−x/√2), which keeps
 * full relative precision for large negative x.
 * @example
 * ```ts
 * erfc(tensor([0, 10], { dtype: "float64" })).toArray(); // [1, 2.088487583762545e-45]
 * ```
 */
export function erfc(x: TensorLike): Tensor {
  return apply(erfcOp, [x], undefined);
}
