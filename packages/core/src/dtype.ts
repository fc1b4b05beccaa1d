import { DTypeError } from "./errors.js";

/** The element types a tensor can hold. `float32` is the default; `float64` is for exact checks. */
export type DType = "float32" | "float64";

/** The typed array behind a tensor of each dtype. */
export type Storage = Float32Array | Float64Array;

/** Allocates zeroed storage for `size` elements of `dtype`. */
export function allocate(dtype: DType, size: number): Storage {
  return dtype === "float64" ? new Float64Array(size) : new Float32Array(size);
}

/**
 * The 32-bit words of a storage's elements (two per float64), over the same memory: kernels that choose
 * between values on their bits (a select under a mask) read and write these.
 * @example
 * ```ts
 * words(Float32Array.of(1)); // Int32Array [1065353216]
 * ```
 */
export const words = (x: Storage): Int32Array => new Int32Array(x.buffer, x.byteOffset, (x.length * x.BYTES_PER_ELEMENT) / 4);

/** The dtype of a typed array. */
export function dtypeOf(storage: Storage): DType {
  return storage instanceof Float64Array ? "float64" : "float32";
}

/**
 * Promotion rule for ops that mix dtypes: the wider type wins, as in NumPy, PyTorch and JAX. Mixing is
 * promoted rather than refused because float64 checks routinely combine float32 constants; the cast is a
 * recorded op, so gradients come back in each input's own dtype.
 */
export function promote(a: DType, b: DType): DType {
  return a === "float64" || b === "float64" ? "float64" : "float32";
}

/**
 * Checks that a user-supplied dtype name is one tapegrad knows, throwing a DTypeError under `op`: the
 * name of the function the user called, so that a layer's constructor can report its own option.
 * @example
 * ```ts
 * checkDType("Linear", "float64"); // "float64"
 * checkDType("Linear", "int8");    // throws DTypeError: Linear: unknown dtype "int8"; ...
 * ```
 */
export function checkDType(op: string, dtype: unknown): DType {
  if (dtype === "float32" || dtype === "float64") return dtype;
  throw new DTypeError(op, `unknown dtype ${JSON.stringify(dtype)}; use "float32" or "float64"`);
}
