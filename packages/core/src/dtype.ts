import { DTypeError } from "./errors.js";

/**
 * The element types a tensor can hold. `float32` is the default; `float64` is for exact checks; `int32`
 * holds indices, class labels and counts (it never requires grad, and ops that need floats refuse it).
 */
export type DType = "float32" | "float64" | "int32";

/** The typed array behind a tensor of each dtype. */
export type Storage = Float32Array | Float64Array | Int32Array;

/** Allocates zeroed storage for `size` elements of `dtype`. */
export function allocate(dtype: DType, size: number): Storage {
  return allocateToOverwrite(dtype, size, true);
}

/**
 * Storage for `size` elements of `dtype` that the caller writes in full before reading any: a new
 * array, or the buffer a compiled program planned for this output (`planned`), which keeps the previous
 * call's values unless `zero` (zeroing a matrix product's output of 800 KB cost a measurable share of a
 * jitted training step, and the product writes every element anyway). @internal
 */
export function allocateToOverwrite(dtype: DType, size: number, zero = false): Storage {
  if (planned.next !== null) {
    const out = planned.next;
    const kind = dtype === "float64" ? Float64Array : dtype === "int32" ? Int32Array : Float32Array;
    if (out.length === size && out instanceof kind) {
      planned.next = null;
      return zero ? out.fill(0) : out;
    }
  }
  if (dtype === "float64") return new Float64Array(size);
  return dtype === "int32" ? new Int32Array(size) : new Float32Array(size);
}

/**
 * The array a compiled program (`jit`) has planned for the output of the kernel it is about to run: the
 * first `allocate` of that size and dtype returns it (zeroed, as a new array would be) instead of a new
 * array, so kernels write into the program's buffers without knowing about them. @internal
 */
export const planned = { next: null as Storage | null };

/** One-element storage of `dtype` holding `value` (an int32 truncates it toward zero, as a cast does). */
export function scalarStorage(dtype: DType, value: number): Storage {
  const out = allocate(dtype, 1);
  out[0] = value;
  return out;
}

/** Whether a dtype is a floating-point one (float32 or float64): the ones that can carry gradients. */
export function isFloat(dtype: DType): boolean {
  return dtype !== "int32";
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
  if (storage instanceof Float64Array) return "float64";
  return storage instanceof Int32Array ? "int32" : "float32";
}

/**
 * Promotion rule for ops that mix dtypes: the wider type wins, and an integer meeting a float becomes that
 * float, as in NumPy, PyTorch and JAX. Mixing is promoted rather than refused because float64 checks
 * routinely combine float32 constants; the cast is a recorded op, so gradients come back in each input's
 * own dtype.
 */
export function promote(a: DType, b: DType): DType {
  if (a === b) return a;
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
  if (dtype === "float32" || dtype === "float64" || dtype === "int32") return dtype;
  throw new DTypeError(op, `unknown dtype ${JSON.stringify(dtype)}; use "float32", "float64" or "int32"`);
}
