import type { Shape } from "../shape.js";
import { stridesOf } from "../shape.js";

/**
 * Strides that read a tensor of `shape` as if it were broadcast to `outShape`: a broadcast dimension
 * gets stride 0, so every output index maps to the element it repeats.
 */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const own = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((_, i) => {
    const d = shape[i - offset];
    return d === undefined || d === 1 ? 0 : own[i - offset]!;
  });
}

/**
 * Walks every index of `outShape` in row-major order and calls `body(o, a, b)` with the output offset and
 * the offsets of two inputs read through strides `sa` and `sb`. The innermost dimension runs as a plain
 * loop; outer dimensions advance with counters, so no index array is allocated per element.
 */
export function forEachStrided2(
  outShape: Shape,
  sa: readonly number[],
  sb: readonly number[],
  body: (o: number, a: number, b: number) => void,
): void {
  const rank = outShape.length;
  if (rank === 0) {
    body(0, 0, 0);
    return;
  }
  const inner = outShape[rank - 1]!;
  const ia = sa[rank - 1]!;
  const ib = sb[rank - 1]!;
  const counter = new Array<number>(rank).fill(0);
  let total = 1;
  for (const d of outShape) total *= d;
  if (total === 0) return;
  let a = 0;
  let b = 0;
  for (let o = 0; o < total; o += inner) {
    for (let j = 0, pa = a, pb = b; j < inner; j++, pa += ia, pb += ib) body(o + j, pa, pb);
    // Advance the outer counters (dims rank-2 .. 0), carrying like an odometer.
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]!++;
      a += sa[d]!;
      b += sb[d]!;
      if (counter[d]! < outShape[d]!) break;
      a -= sa[d]! * outShape[d]!;
      b -= sb[d]! * outShape[d]!;
      counter[d] = 0;
    }
  }
}
