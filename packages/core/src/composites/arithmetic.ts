import { add } from "../ops/add.js";
import { mul } from "../ops/mul.js";
import { neg } from "../ops/neg.js";
import { reciprocal } from "../ops/reciprocal.js";
import { maximum } from "../ops/maximum.js";
import type { Tensor, TensorLike } from "../tensor.js";

/** x − y with broadcasting. @example `sub(tensor([3]), 1).toArray(); // [2]` */
export function sub(x: TensorLike, y: TensorLike): Tensor {
  return add(x, neg(y));
}

/** x / y with broadcasting. @example `div(tensor([3]), 2).toArray(); // [1.5]` */
export function div(x: TensorLike, y: TensorLike): Tensor {
  return mul(x, reciprocal(y));
}

/** x². @example `square(tensor([3])).toArray(); // [9]` */
export function square(x: TensorLike): Tensor {
  return mul(x, x);
}

/** Elementwise minimum with broadcasting. @example `minimum(tensor([1, 5]), 3).toArray(); // [1, 3]` */
export function minimum(x: TensorLike, y: TensorLike): Tensor {
  return neg(maximum(neg(x), neg(y)));
}
