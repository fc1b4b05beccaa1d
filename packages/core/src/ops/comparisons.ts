import { apply } from "../autodiff/apply.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { f32x4Const, f32x4Eq, f32x4Ge, f32x4Gt, f32x4Le, f32x4Lt, f32x4Ne, v128And, type Code } from "../kernels/wasm/assembler.js";
import { elementwiseBinary } from "./define.js";
import type { OpRule } from "./rule.js";
import { add } from "./add.js";
import { neg } from "./neg.js";

/**
 * The six comparisons share one file because they differ only in the predicate. Each returns 1 where
 * the predicate holds and 0 elsewhere, in the inputs' dtype. They are piecewise constant: their output
 * carries no tangent and is never taped, so `where(x.gt(0), x, 0)` differentiates through `x` only.
 */
function comparison(name: string, test: (x: number, y: number) => number, lanes: Code): OpRule<[Tensor, Tensor]> {
  // The lane test gives all ones or all zeros; and-ed with 1.0's bits, 1 or +0 (as +true and +false).
  const simd = (x: Code, y: Code): Code => [...x, ...y, ...lanes, ...f32x4Const(1), ...v128And];
  return { ...elementwiseBinary(name, test), takesInt32: true, constant: true, simd, test: {} };
}

// Each formula gives 1 or 0 as a number (+true is 1), which the fast kernel compiles into its loop.
export const gtOp = comparison("gt", (x, y) => +(x > y), f32x4Gt);
export const geOp = comparison("ge", (x, y) => +(x >= y), f32x4Ge);
export const ltOp = comparison("lt", (x, y) => +(x < y), f32x4Lt);
export const leOp = comparison("le", (x, y) => +(x <= y), f32x4Le);
export const eqOp = comparison("eq", (x, y) => +(x === y), f32x4Eq);
export const neOp = comparison("ne", (x, y) => +(x !== y), f32x4Ne);

/** 1 where x > y, else 0. @example `gt(tensor([1, 3]), 2).toArray(); // [0, 1]` */
export function gt(x: TensorLike, y: TensorLike): Tensor { return apply(gtOp, [x, y], undefined); }
/** 1 where x >= y, else 0. @example `ge(tensor([1, 2]), 2).toArray(); // [0, 1]` */
export function ge(x: TensorLike, y: TensorLike): Tensor { return apply(geOp, [x, y], undefined); }
/** 1 where x < y, else 0. @example `lt(tensor([1, 3]), 2).toArray(); // [1, 0]` */
export function lt(x: TensorLike, y: TensorLike): Tensor { return apply(ltOp, [x, y], undefined); }
/** 1 where x <= y, else 0. @example `le(tensor([2, 3]), 2).toArray(); // [1, 0]` */
export function le(x: TensorLike, y: TensorLike): Tensor { return apply(leOp, [x, y], undefined); }
/** 1 where x == y, else 0. @example `eq(tensor([2, 3]), 2).toArray(); // [1, 0]` */
export function eq(x: TensorLike, y: TensorLike): Tensor { return apply(eqOp, [x, y], undefined); }
/** 1 where x != y, else 0. @example `ne(tensor([2, 3]), 2).toArray(); // [0, 1]` */
export function ne(x: TensorLike, y: TensorLike): Tensor { return apply(neOp, [x, y], undefined); }

/** -1, 0 or 1 by the sign of each element (a constant: its derivative is zero). @example `sign(tensor([-2, 0, 5])).toArray(); // [-1, 0, 1]` */
export function sign(x: TensorLike): Tensor {
  return add(gt(x, 0), neg(lt(x, 0)));
}
