import { apply } from "../autodiff/apply.js";
import { erfScalar } from "../special/erf.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { unary } from "./define.js";
import { exp } from "./exp.js";
import { mul } from "./mul.js";
import { neg } from "./neg.js";

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

export const erfOp = unary({
  name: "erf",
  f: erfScalar,
  df: ({ x }) => mul(exp(neg(mul(x, x))), TWO_OVER_SQRT_PI), // 2/√π · e^(−x²)
  domain: [-3, 3],
});

/**
 * Elementwise error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt, accurate to float64 rounding (Cody's rational
 * approximations; see special/erf.ts). A primitive because no composite of exp and the others reaches
 * that accuracy; exact GELU is built on it.
 * @example
 * ```ts
 * erf(tensor([0, 0.5], { dtype: "float64" })).toArray(); // [0, 0.5204998778130465]
 * ```
 */
export function erf(x: TensorLike): Tensor {
  return apply(erfOp, [x], undefined);
}
