import { apply } from "../autodiff/apply.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { add } from "./add.js";
import { gt } from "./comparisons.js";
import { elementwiseBinary, sumPresent } from "./define.js";
import { log } from "./log.js";
import { mul } from "./mul.js";
import type { OpRule } from "./rule.js";
import { where } from "./where.js";

/** ∂(x^y)/∂x = y·x^(y-1). */
const dBase = (x: Tensor, y: Tensor): Tensor => mul(y, pow(x, add(y, -1)));

/**
 * ∂(x^y)/∂y = x^y·log x, taken as 0 where x <= 0 (the limit at x = 0, as PyTorch does). The log reads a
 * safe input there, so no NaN is made in the unselected branch (the masked-`where` trap).
 */
const dExponent = (x: Tensor, out: Tensor): Tensor => {
  const positive = gt(x, 0);
  return where(positive, mul(out, log(where(positive, x, 1))), 0);
};

export const powOp: OpRule<[Tensor, Tensor]> = {
  ...elementwiseBinary("pow", (x, y) => x ** y),
  jvp: ({ primals: [x, y], tangents: [dx, dy], out }) => sumPresent(dx && mul(dx, dBase(x, y)), dy && mul(dy, dExponent(x, out))),
  vjp: ({ primals: [x, y], out, ct, needed }) => [
    needed[0] ? mul(ct, dBase(x, y)) : null,
    needed[1] ? mul(ct, dExponent(x, out)) : null,
  ],
  test: { domain: [[0.3, 2], [-2, 2]] },
};

/**
 * Elementwise power x^y with broadcasting.
 * @example
 * ```ts
 * pow(tensor([2, 3]), 2).toArray(); // [4, 9]
 * ```
 */
export function pow(x: TensorLike, y: TensorLike): Tensor {
  return apply(powOp, [x, y], undefined);
}
