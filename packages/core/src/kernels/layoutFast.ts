import type { DType, Storage } from "../dtype.js";
import { allocate, allocateToOverwrite, words } from "../dtype.js";
import type { Shape } from "../shape.js";
import { sameShape, sizeOf, stridesOf } from "../shape.js";
import { collapse } from "./collapse.js";
import * as reference from "./reference.js";
import { broadcastStrides, forEachStrided2 } from "./strided.js";
import { residentAddress } from "./wasm/resident.js";
import { wasmRuntime } from "./wasm/runtime.js";

/**
 * Data movement without a call per element: broadcast, slice, pad and concat copy whole rows, the matrix
 * transpose works in cache-sized tiles, and `where` reads each operand as either a full array or one
 * scalar (what masks and activations produce); other layouts run the reference kernels.
 */

/**
 * `x` broadcast to `outShape`, copying a row (or repeating a scalar) at a time.
 * @example
 * ```ts
 * broadcastFast(Float32Array.of(1, 2), [2], [2, 2], "float32"); // [1, 2, 1, 2]
 * ```
 */
export function broadcastFast(x: Storage, shape: Shape, outShape: Shape, dtype: DType): Storage {
  const out = allocateToOverwrite(dtype, sizeOf(outShape)); // every element is written: a planned buffer needs no zeroing
  if (out.length === 0) return out;
  const { shape: dims, strides: [sx] } = collapse(outShape, [broadcastStrides(shape, outShape)]);
  const rank = dims.length;
  const inner = dims[rank - 1]!;
  const step = sx![rank - 1]!;
  const copyRow = (row: number, at: number): void => {
    if (step === 0) out.fill(x[at]!, row * inner, row * inner + inner);
    else out.set(x.subarray(at, at + inner), row * inner);
  };
  if (rank === 1) copyRow(0, 0);
  else forEachStrided2(dims.slice(0, -1), sx!.slice(0, -1), dims.slice(0, -1).map(() => 0), copyRow);
  return out;
}

/**
 * Copies the box of `shape` whose elements sit at `strides` from `from` in `src` to `dst`, whose
 * elements sit at `dstStrides` from `to`, one contiguous row at a time (dims merged where both sides
 * run on, so a box of whole rows is one copy). Copies bits: −0 and NaN move unchanged.
 */
function copyBox(dst: Storage, to: number, dstStrides: readonly number[], src: Storage, from: number, srcStrides: readonly number[], shape: Shape): void {
  if (sizeOf(shape) === 0) return;
  const { shape: dims, strides: [sd, ss] } = collapse(shape, [dstStrides, srcStrides]);
  const rank = dims.length;
  const inner = dims[rank - 1]!;
  if (sd![rank - 1] !== 1 || ss![rank - 1] !== 1) {
    forEachStrided2(dims, sd!, ss!, (_, o, i) => (dst[to + o] = src[from + i]!));
    return;
  }
  if (rank <= 2 && copyResidentRows(dst, to, src, from, rank === 1 ? [1, inner] : [dims[0]!, inner], rank === 1 ? [0, 0] : [sd![0]!, ss![0]!])) return;
  const copyRow = (_: number, o: number, i: number): void => dst.set(src.subarray(from + i, from + i + inner), to + o);
  if (rank === 1) copyRow(0, 0, 0);
  else forEachStrided2(dims.slice(0, -1), sd!.slice(0, -1), ss!.slice(0, -1), copyRow);
}

/**
 * Copies `rows` rows of `length` floats, `strides` (destination, source) elements apart, with one call of
 * the WebAssembly kernel `copyRows` where both arrays live in its memory (a jit program's buffers: the
 * gates sliced out of an LSTM's [batch, 4·hidden] are 64 rows each); false, copying nothing, elsewhere.
 */
function copyResidentRows(dst: Storage, to: number, src: Storage, from: number, [rows, length]: readonly [number, number], [dstStride, srcStride]: readonly [number, number]): boolean {
  const [dstAt, srcAt] = [residentAddress(dst), residentAddress(src)];
  if (dstAt === undefined || srcAt === undefined) return false;
  const [d, s] = [dstAt + 4 * to, srcAt + 4 * from];
  const end = (at: number, stride: number): number => at + 4 * ((rows - 1) * stride + length);
  if (d < end(s, srcStride) && s < end(d, dstStride)) return false; // the same bytes (never from a slice of a program's buffers)
  wasmRuntime()!.exports.copyRows(s, 4 * srcStride, d, 4 * dstStride, rows, length);
  return true;
}

/** The offset of the element at `corner` in a tensor of `strides`. */
const offsetOf = (corner: readonly number[], strides: readonly number[]): number => corner.reduce((sum, c, d) => sum + c * strides[d]!, 0);

/**
 * The box of `x` starting at `begin` with extent `outShape`, copied a row at a time.
 * @example
 * ```ts
 * sliceFast(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3], [0, 1], [2, 2], "float32"); // [2, 3, 5, 6]
 * ```
 */
export function sliceFast(x: Storage, shape: Shape, begin: readonly number[], outShape: Shape, dtype: DType): Storage {
  const out = allocateToOverwrite(dtype, sizeOf(outShape)); // every element is written: a planned buffer needs no zeroing
  const strides = stridesOf(shape);
  copyBox(out, 0, stridesOf(outShape), x, offsetOf(begin, strides), strides, outShape);
  return out;
}

/**
 * `x` surrounded by zeros (`before[i]` elements before it on axis i), copied a row at a time.
 * @example
 * ```ts
 * padFast(Float32Array.of(1, 2), [1, 2], [1, 1], [3, 4], "float32"); // [0,0,0,0, 0,1,2,0, 0,0,0,0]
 * ```
 */
export function padFast(x: Storage, shape: Shape, before: readonly number[], outShape: Shape, dtype: DType): Storage {
  const out = allocate(dtype, sizeOf(outShape));
  const strides = stridesOf(outShape);
  copyBox(out, offsetOf(before, strides), strides, x, 0, stridesOf(shape), shape);
  return out;
}

/**
 * The inputs side by side along `axis`, each copied a row at a time.
 * @example
 * ```ts
 * concatFast([Float32Array.of(1, 2), Float32Array.of(3)], [[1, 2], [1, 1]], 1, [1, 3], "float32"); // [1, 2, 3]
 * ```
 */
export function concatFast(xs: readonly Storage[], shapes: readonly Shape[], axis: number, outShape: Shape, dtype: DType): Storage {
  const out = allocateToOverwrite(dtype, sizeOf(outShape)); // every element is written: a planned buffer needs no zeroing
  const strides = stridesOf(outShape);
  let at = 0;
  xs.forEach((x, k) => {
    const shape = shapes[k]!;
    copyBox(out, at * strides[axis]!, strides, x, 0, stridesOf(shape), shape);
    at += shape[axis]!;
  });
  return out;
}

/**
 * Writes the transpose of the rows × cols matrix at `src[srcOffset..]` (row-major) to `dst`, its row j
 * (column j of the source) starting at `dstOffset + j·dstStride`. Reads four source rows at a time, so
 * that each column step writes four neighbouring outputs (about 1.7× faster than 32 × 32 tiles at the
 * training step's shapes, 128 × 784 and 256 × 128). `dst` may be a different float type than `src`.
 * @example
 * ```ts
 * const dst = new Float32Array(6);
 * transposeMatrixInto(dst, 0, 2, Float32Array.of(1, 2, 3, 4, 5, 6), 0, 2, 3); // dst = [1, 4, 2, 5, 3, 6]
 * ```
 */
export function transposeMatrixInto(dst: Storage, dstOffset: number, dstStride: number, src: Storage, srcOffset: number, rows: number, cols: number): void {
  let i0 = 0;
  for (; i0 + 4 <= rows; i0 += 4) {
    const s0 = srcOffset + i0 * cols;
    const s1 = s0 + cols;
    const s2 = s1 + cols;
    const s3 = s2 + cols;
    for (let j = 0, o = dstOffset + i0; j < cols; j++, o += dstStride) {
      dst[o] = src[s0 + j]!;
      dst[o + 1] = src[s1 + j]!;
      dst[o + 2] = src[s2 + j]!;
      dst[o + 3] = src[s3 + j]!;
    }
  }
  for (; i0 < rows; i0++) {
    for (let j = 0, s = srcOffset + i0 * cols, o = dstOffset + i0; j < cols; j++, s++, o += dstStride) dst[o] = src[s]!;
  }
}

/**
 * Permutes axes; swapping the last two axes (the matrix transpose) runs `transposeMatrixInto` on each
 * matrix of the batch, other permutations the reference kernel.
 * @example
 * ```ts
 * transposeFast(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3], [1, 0], "float32"); // [1, 4, 2, 5, 3, 6]
 * ```
 */
export function transposeFast(x: Storage, shape: Shape, perm: readonly number[], dtype: DType): Storage {
  const rank = shape.length;
  const swapsLastTwo = rank >= 2 && perm.every((p, i) => (i < rank - 2 ? p === i : p === (i === rank - 2 ? rank - 1 : rank - 2)));
  if (!swapsLastTwo) return reference.transpose(x, shape, perm, dtype);
  const rows = shape[rank - 2]!;
  const cols = shape[rank - 1]!;
  const out = allocate(dtype, x.length);
  const size = rows * cols;
  for (let base = 0; base < x.length; base += size) transposeMatrixInto(out, base, rows, x, base, rows, cols);
  return out;
}

/**
 * `cond ? a : b` elementwise, for operands that are each full-size or a single value. The choice is made
 * on the bits, with no branch: a mask of all ones or all zeros per element picks a's words or b's. On a
 * ReLU's mask (half the elements each way, in no pattern) a branch per element mispredicts half the time;
 * this loop does not, and moves NaN and −0 unchanged, as a copy would. float32 and float64 (one and two
 * words per element) have a loop each: one loop over each element's words ran at about half the speed.
 * @example
 * ```ts
 * selectFast(Float32Array.of(1, 0), [2], Float32Array.of(5, 6), [2], Float32Array.of(0), [], [2], "float32"); // [5, 0]
 * ```
 */
export function selectFast(
  cond: Storage, condShape: Shape, a: Storage, aShape: Shape, b: Storage, bShape: Shape, outShape: Shape, dtype: DType,
): Storage {
  const fits = (shape: Shape, s: Storage): boolean => s.length === 1 || sameShape(shape, outShape);
  if (!fits(condShape, cond) || !fits(aShape, a) || !fits(bShape, b)) return reference.select(cond, condShape, a, aShape, b, bShape, outShape, dtype);
  const out = allocate(dtype, sizeOf(outShape));
  const [o, x, y] = [words(out), words(a), words(b)];
  const [sc, sa, sb] = [cond.length === 1 ? 0 : 1, a.length === 1 ? 0 : 1, b.length === 1 ? 0 : 1];
  if (out.BYTES_PER_ELEMENT === 4) {
    for (let i = 0, ic = 0, ia = 0, ib = 0; i < out.length; i++, ic += sc, ia += sa, ib += sb) {
      const mask = -+(cond[ic] !== 0); // −1 (all bits set) or 0
      o[i] = (x[ia]! & mask) | (y[ib]! & ~mask);
    }
  } else {
    for (let i = 0, ic = 0, ia = 0, ib = 0; i < out.length; i++, ic += sc, ia += sa, ib += sb) {
      const mask = -+(cond[ic] !== 0);
      o[2 * i] = (x[2 * ia]! & mask) | (y[2 * ib]! & ~mask);
      o[2 * i + 1] = (x[2 * ia + 1]! & mask) | (y[2 * ib + 1]! & ~mask);
    }
  }
  return out;
}
