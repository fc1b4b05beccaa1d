import { add } from "../ops/add.js";
import { gt, ge } from "../ops/comparisons.js";
import { exp } from "../ops/exp.js";
import { erfc } from "../ops/erfc.js";
import { log1p } from "../ops/log1p.js";
import { maximum } from "../ops/maximum.js";
import { mul } from "../ops/mul.js";
import { neg } from "../ops/neg.js";
import { reciprocal } from "../ops/reciprocal.js";
import { where } from "../ops/where.js";
import { abs } from "../ops/abs.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { div } from "./arithmetic.js";
import { describeValue, ValueError } from "../errors.js";

/**
 * The logistic function 1 / (1 + e^−x), stable for any x: the branch for x ≥ 0 reads max(x, 0) and the
 * branch for x < 0 reads min(x, 0), so neither exponent ever overflows and neither branch makes a NaN
 * that `where` would pass into the gradient.
 * @example
 * ```ts
 * sigmoid(tensor([0, 1000, -1000])).toArray(); // [0.5, 1, 0]
 * ```
 */
export function sigmoid(x: TensorLike): Tensor {
  const nonNegative = ge(x, 0);
  const ePos = exp(neg(where(nonNegative, x, 0))); // e^−x for x ≥ 0, ≤ 1
  const eNeg = exp(where(nonNegative, 0, x)); // e^x for x < 0, ≤ 1
  return where(nonNegative, reciprocal(add(ePos, 1)), div(eNeg, add(eNeg, 1)));
}

/**
 * x for x > 0, αx otherwise (the lecture's leaky ReLU).
 * @example
 * ```ts
 * leakyRelu(tensor([-10, 2]), 0.1).toArray(); // [-1, 2]
 * ```
 */
export function leakyRelu(x: TensorLike, alpha = 0.01): Tensor {
  if (typeof alpha !== "number" || !Number.isFinite(alpha)) throw new ValueError("leakyRelu", `option alpha must be a finite number (got ${String(alpha)})`);
  return where(gt(x, 0), x, mul(x, alpha));
}

/**
 * log(1 + e^x), computed as max(x, 0) + log1p(e^−|x|): the exponent is never positive, so nothing
 * overflows, and log1p keeps the tiny tail of large negative x (softplus(−100) = e^−100, not 0).
 * @example
 * ```ts
 * softplus(tensor([0])).toArray(); // [0.6931…]
 * softplus(tensor([-100, 100], { dtype: "float64" })).toArray(); // [3.720075976020836e-44, 100]
 * ```
 */
export function softplus(x: TensorLike): Tensor {
  return add(maximum(x, 0), log1p(exp(neg(abs(x)))));
}

/**
 * log σ(x) = −softplus(−x), computed as min(x, 0) − log1p(e^−|x|) so that it is exact for large |x| of
 * either sign (`log(sigmoid(x))` gives −Infinity below about −745 and 0 above 37 in float64).
 * @example
 * ```ts
 * logSigmoid(tensor([0, -100, 100], { dtype: "float64" })).toArray(); // [-0.6931…, -100, -3.720075976020836e-44]
 * ```
 */
export function logSigmoid(x: TensorLike): Tensor {
  return neg(softplus(neg(x)));
}

/**
 * x·σ(x), the sigmoid-weighted linear unit (also called swish), as `torch.nn.functional.silu`.
 * @example
 * ```ts
 * silu(tensor([0, 1], { dtype: "float64" })).toArray(); // [0, 0.7310585786300049]
 * ```
 */
export function silu(x: TensorLike): Tensor {
  return mul(x, sigmoid(x));
}

/** Options of `gelu`. */
export interface GeluOptions {
  /** `"none"` (the default) for the exact erf form, `"tanh"` for the tanh approximation, as in PyTorch. */
  readonly approximate?: "none" | "tanh";
}

const SQRT_HALF = Math.SQRT1_2;
const SQRT_TWO_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * The Gaussian error linear unit, as `torch.nn.functional.gelu`: exactly x·Φ(x) = x/2·erfc(−x/√2) by
 * default (which keeps its relative precision for large negative x, where PyTorch's x/2·(1 + erf(x/√2))
 * rounds to 0), or with `approximate: "tanh"` the approximation x/2·(1 + tanh(√(2/π)(x + 0.044715x³))).
 * @example
 * ```ts
 * gelu(tensor([1], { dtype: "float64" })).item();                          // 0.8413447460685429
 * gelu(tensor([1], { dtype: "float64" }), { approximate: "tanh" }).item(); // 0.8411919906082768
 * ```
 */
export function gelu(x: TensorLike, options: GeluOptions = {}): Tensor {
  const form = geluForm(options);
  // Φ(x) as erfc(−x/√2)/2 rather than (1 + erf(x/√2))/2, which cancels to 0 below x ≈ −8.
  if (form === "none") return mul(mul(x, 0.5), erfc(mul(x, -SQRT_HALF)));
  // (1 + tanh(u))/2 as σ(2u), which keeps its relative precision where tanh(u) rounds to −1.
  const inner = mul(add(x, mul(mul(mul(x, x), x), 0.044715)), 2 * SQRT_TWO_OVER_PI);
  return mul(x, sigmoid(inner));
}

function geluForm(options: GeluOptions): "none" | "tanh" {
  if (typeof options !== "object" || options === null) throw new ValueError("gelu", `options must be an object, got ${describeValue(options)}`);
  const form: unknown = options.approximate ?? "none";
  if (form !== "none" && form !== "tanh") throw new ValueError("gelu", `option approximate must be "none" or "tanh", got ${describeValue(form)}`);
  return form;
}
