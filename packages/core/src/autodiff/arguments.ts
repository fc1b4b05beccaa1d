import { describeValue, notATensor, ValueError } from "../errors.js";
import { scalarStorage, type DType } from "../dtype.js";
import { Tensor } from "../tensor.js";

/**
 * The checks every transform makes of what the user hands it (the function, its arguments, what the
 * function returns), in one place so that every transform words them alike and names the offending value.
 */

/** `f` itself, or a ValueError naming the transform and what was passed instead. */
export function checkFunction<F>(op: string, f: F): F {
  if (typeof f !== "function") throw new ValueError(op, `expected a function of Tensors, got ${describeValue(f)}`);
  return f;
}

/** What the function returned, when it is a Tensor. */
export function checkReturned(op: string, out: unknown): Tensor {
  if (!(out instanceof Tensor)) throw new ValueError(op, `the function must return a Tensor, got ${describeValue(out)}`);
  return out;
}

/** A transform's argument as a tensor: a number becomes a scalar of `dtype`. */
export function tensorArgument(op: string, what: string, value: unknown, dtype: DType = "float32"): Tensor {
  if (value instanceof Tensor) return value;
  if (typeof value === "number") return new Tensor(scalarStorage(dtype, value), [], dtype);
  throw notATensor(op, what, value);
}
