import { add } from "../ops/add.js";
import { mul } from "../ops/mul.js";
import { neg } from "../ops/neg.js";
import { reciprocal } from "../ops/reciprocal.js";
import { maximum } from "../ops/maximum.js";
import type { Tensor, TensorLike } from "../tensor.js";

/*
 * A plain number is negated or inverted in JavaScript's doubles, not by an op: an op would first make it
 * a float32 scalar (a number alone has no other dtype to take), so x.sub(0.1) on a float64 x would subtract
 * float32's 0.1. Folded here, the number meets x's dtype only once, in the op that combines them.
 */
const negated = (y: TensorLike): TensorLike => (typeof y === "number" ? -y : neg(y));
const inverted = (y: TensorLike): TensorLike => (typeof y === "number" ? 1 / y : reciprocal(y));

/** x − y with broadcasting. @example `sub(tensor([3]), 1).toArray(); // [2]` */
export function sub(x: TensorLike, y: TensorLike): Tensor {
  return add(x, negated(y));
}

/** x / y with broadcasting. @example `div(tensor([3]), 2).toArray(); // [1.5]` */
export function div(x: TensorLike, y: TensorLike): Tensor {
  return mul(x, inverted(y));
}

/** x². @example `square(tensor([3])).toArray(); // [9]` */
export function square(x: TensorLike): Tensor {
  return mul(x, x);
}

/** Elementwise minimum with broadcasting. @example `minimum(tensor([1, 5]), 3).toArray(); // [1, 3]` */
export function minimum(x: TensorLike, y: TensorLike): Tensor {
  return neg(maximum(negated(x), negated(y)));
}
