import type { DType, Storage } from "../dtype.js";
import { allocate } from "../dtype.js";
import type { Shape } from "../shape.js";
import { sameShape, sizeOf } from "../shape.js";
import { collapse } from "./collapse.js";
import * as reference from "./reference.js";
import { broadcastStrides, forEachStrided2 } from "./strided.js";

/**
 * Data movement without a call per element: broadcast copies whole rows, the matrix transpose works in
 * cache-sized tiles, and `where` reads each operand as either a full array or one scalar (what masks
 * and activations produce); other layouts run the reference kernels.
 */

/**
 * `x` broadcast to `outShape`, copying a row (or repeating a scalar) at a time.
 * @example
 * ```ts
 * broadcastFast(Float32Array.of(1, 2), [2], [2, 2], "float32"); // [1, 2, 1, 2]
 * ```
 */
export function broadcastFast(x: Storage, shape: Shape, outShape: Shape, dtype: DType): Storage {
  const out = allocate(dtype, sizeOf(outShape));
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

/** Tile edge of the blocked transpose: a 32 × 32 tile of each side fits in L1. */
const TILE = 32;

/**
 * Permutes axes; swapping the last two axes (the matrix transpose that matmul's gradients use) runs
 * tile by tile.
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
  for (let base = 0; base < x.length; base += rows * cols) {
    for (let i0 = 0; i0 < rows; i0 += TILE) {
      const i1 = Math.min(i0 + TILE, rows);
      for (let j0 = 0; j0 < cols; j0 += TILE) {
        const j1 = Math.min(j0 + TILE, cols);
        for (let i = i0; i < i1; i++) {
          for (let j = j0, s = base + i * cols + j0, o = base + j0 * rows + i; j < j1; j++, s++, o += rows) out[o] = x[s]!;
        }
      }
    }
  }
  return out;
}

/**
 * `cond ? a : b` elementwise, for operands that are each full-size or a single value.
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
  const [sc, sa, sb] = [cond.length === 1 ? 0 : 1, a.length === 1 ? 0 : 1, b.length === 1 ? 0 : 1];
  for (let i = 0, ic = 0, ia = 0, ib = 0; i < out.length; i++, ic += sc, ia += sa, ib += sb) out[i] = cond[ic] !== 0 ? a[ia]! : b[ib]!;
  return out;
}
