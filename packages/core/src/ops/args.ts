import { describeValue, notATensor, ValueError } from "../errors.js";
import { Tensor, type TensorLike } from "../tensor.js";
import { valueCheck } from "../autodiff/effects.js";

/**
 * Checks of the plain arguments that ops take besides tensors (axes, shapes, offsets), made before they are
 * used, so that a malformed argument gets a ValueError naming the op and the argument rather than a
 * TypeError from inside a loop.
 */
export function intList(op: string, what: string, value: unknown): number[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === "number" && Number.isInteger(v))) {
    throw new ValueError(op, `${what} must be an array of integers, got ${describeValue(value)}`);
  }
  return value;
}

/** The shape of a tensor argument (`[]` for a number), or a ValueError for anything else. */
export function argShape(op: string, x: unknown): readonly number[] {
  if (x instanceof Tensor) return x.shape;
  if (typeof x === "number") return [];
  throw notATensor(op, "an input", x);
}

/** The list of tensor arguments of a variadic op, or a ValueError. */
export function tensorList(op: string, xs: unknown): readonly TensorLike[] {
  if (!Array.isArray(xs)) throw new ValueError(op, `expected an array of tensors, got ${describeValue(xs)}`);
  return xs as TensorLike[];
}

/**
 * Checks each value of an int32 index tensor against `[0, bound)`, the length of the axis it indexes, or
 * a ValueError naming the op, the offending index, where it sits and the bound. Run by the shape rules of
 * the indexing ops, before any kernel reads through an index.
 */
export function checkIndices(op: string, index: Tensor, bound: number, axis: number): void {
  const data = valueCheck(() => index.data); // a check of the indices: under jit, run on the traced call

  for (let p = 0; p < data.length; p++) {
    const v = data[p]!;
    if (v < 0 || v >= bound) {
      const at = index.shape.map((_, d) => Math.floor(p / index.shape.slice(d + 1).reduce((a, b) => a * b, 1)) % index.shape[d]!);
      throw new ValueError(op, `index ${v} at [${at.join(",")}] is out of range for axis ${axis} of length ${bound} (valid: 0 to ${bound - 1})`);
    }
  }
}
