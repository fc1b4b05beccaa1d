import type { DType, Storage } from "../dtype.js";
import { allocate } from "../dtype.js";
import type { Shape } from "../shape.js";
import { sizeOf, stridesOf } from "../shape.js";

/**
 * Reference kernels of the indexing primitives (argmax/argmin, gather, scatterAdd): plain loops over
 * positions. Their ops have already checked every index against its bound, so the loops read in range.
 */

/**
 * The position along `axis` (or in the flattened tensor, when `axis` is null) of the first largest
 * (`argmax`) or smallest (`argmin`) element, as PyTorch picks it: ties go to the first, and a NaN counts
 * as the extreme in both, so the first NaN wins.
 * @example
 * ```ts
 * argReduce("argmax", Float32Array.of(1, 5, 5, 7, 0, 2), [2, 3], 1); // Int32Array [1, 0]
 * ```
 */
export function argReduce(op: "argmax" | "argmin", x: Storage, shape: Shape, axis: number | null): Int32Array {
  const [outer, length, inner] = axis === null ? [1, x.length, 1] : [sizeOf(shape.slice(0, axis)), shape[axis]!, sizeOf(shape.slice(axis + 1))];
  const better = op === "argmax" ? (v: number, best: number) => v > best : (v: number, best: number) => v < best;
  const out = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * length * inner + i;
      let best = x[base]!;
      let at = 0;
      for (let k = 1; k < length && best === best; k++) {
        const v = x[base + k * inner]!;
        if (better(v, best) || v !== v) [best, at] = [v, k];
      }
      out[o * inner + i] = at;
    }
  }
  return out;
}

/**
 * Calls `visit(p, offset)` for each position p of a tensor of `indexShape`, with `offset` the element of a
 * tensor of `shape` at the same coordinates except along `axis`, where it is `index[p]`.
 */
function forEachIndexed(shape: Shape, axis: number, index: Int32Array, indexShape: Shape, visit: (p: number, offset: number) => void): void {
  const strides = stridesOf(shape);
  const coord = new Array<number>(indexShape.length).fill(0);
  for (let p = 0; p < index.length; p++) {
    let offset = 0;
    for (let d = 0; d < coord.length; d++) offset += (d === axis ? index[p]! : coord[d]!) * strides[d]!;
    visit(p, offset);
    for (let d = coord.length - 1; d >= 0 && ++coord[d]! === indexShape[d]; d--) coord[d] = 0;
  }
}

/**
 * `torch.gather`: `out[p] = x[p with its axis coordinate replaced by index[p]]`, out shaped as the index.
 * @example
 * ```ts
 * gather(Float32Array.of(1, 2, 3, 4), [2, 2], 1, Int32Array.of(1, 1, 0, 1), [2, 2], "float32"); // [2, 2, 3, 4]
 * ```
 */
export function gather(x: Storage, shape: Shape, axis: number, index: Int32Array, indexShape: Shape, dtype: DType): Storage {
  const out = allocate(dtype, index.length);
  forEachIndexed(shape, axis, index, indexShape, (p, offset) => {
    out[p] = x[offset]!;
  });
  return out;
}

/**
 * `torch.scatter_add`, out of place: a copy of `x` to which each `src` element at a position of the index
 * is added at that position with its axis coordinate replaced by `index[p]`.
 * @example
 * ```ts
 * scatterAdd(Float32Array.of(0, 0, 0), [3], 0, Int32Array.of(2, 2), [2], Float32Array.of(1, 5), [2], "float32"); // [0, 0, 6]
 * ```
 */
export function scatterAdd(
  x: Storage, shape: Shape, axis: number, index: Int32Array, indexShape: Shape, src: Storage, srcShape: Shape, dtype: DType,
): Storage {
  const out = allocate(dtype, x.length);
  out.set(x);
  const srcStrides = stridesOf(srcShape);
  const indexStrides = stridesOf(indexShape);
  forEachIndexed(shape, axis, index, indexShape, (p, offset) => {
    // The index may be smaller than src: read src at the index position's coordinates.
    let at = 0;
    for (let d = 0, rest = p; d < indexShape.length; d++) {
      at += Math.floor(rest / indexStrides[d]!) * srcStrides[d]!;
      rest %= indexStrides[d]!;
    }
    out[offset] = out[offset]! + src[at]!;
  });
  return out;
}
