import type { DType, Storage } from "../dtype.js";
import type { Shape } from "../shape.js";
import { sizeOf, stridesOf } from "../shape.js";
import { collapse } from "./collapse.js";
import { accumulator, reduce, stored } from "./reference.js";
import { broadcastStrides, forEachStrided2 } from "./strided.js";

/**
 * Sum and max over a run of neighbouring axes (the last axis, the first, all of them: every reduction
 * the layers and losses make) as plain loops. The input is seen as [outer, reduced, inner]. With
 * inner = 1 each output is one running total kept in a local (double precision, rounded once);
 * otherwise whole rows are added into the output in the reference's order. Other axis sets (a
 * convolution's bias gradient sums [N, C, H, W] over N, H and W) go to `reduceStrided`.
 * @example
 * ```ts
 * reduceFast("sum", Float32Array.of(1, 2, 3, 4), [2, 2], [1], "float32", 0, (a, v) => a + v); // [3, 7]
 * ```
 */
export function reduceFast(
  op: "sum" | "max", x: Storage, shape: Shape, axes: readonly number[], dtype: DType, init: number,
  combine: (acc: number, v: number) => number,
): Storage {
  const sorted = [...axes].sort((p, q) => p - q);
  const contiguous = sorted.every((a, i) => i === 0 || a === sorted[i - 1]! + 1);
  if (sorted.length === 0) return reduce(x, shape, axes, dtype, init, combine);
  if (!contiguous) return reduceStrided(op, x, shape, sorted, dtype, init);
  const outer = sizeOf(shape.slice(0, sorted[0]));
  const reduced = sizeOf(shape.slice(sorted[0], sorted[sorted.length - 1]! + 1));
  const inner = sizeOf(shape.slice(sorted[sorted.length - 1]! + 1));
  const out = accumulator(dtype, outer * inner, init);
  if (inner === 1) {
    for (let o = 0, s = 0; o < outer; o++) {
      let acc = init;
      if (op === "sum") for (const e = s + reduced; s < e; s++) acc += x[s]!;
      else for (const e = s + reduced; s < e; s++) { const v = x[s]!; if (v > acc || v !== v) acc = v; }
      out[o] = acc;
    }
    return stored(out, dtype);
  }
  for (let o = 0, s = 0; o < outer; o++) {
    const base = o * inner;
    for (let r = 0; r < reduced; r++) {
      if (op === "sum") for (let i = base, e = base + inner; i < e; i++, s++) out[i] = out[i]! + x[s]!;
      else for (let i = base, e = base + inner; i < e; i++, s++) { const v = x[s]!, acc = out[i]!; if (v > acc || v !== v) out[i] = v; }
    }
  }
  return stored(out, dtype);
}

/**
 * Any axis set, a row at a time after `collapse` with the loop inline instead of a call per element.
 * Totals are kept in double precision and rounded once at the end, as in the neighbouring-axes path
 * (rounding to float32 after every addition, as the reference does, chains each addition on a float32
 * store and reload: a bias gradient's sum over [64, 16, 28, 28] ran about 16× slower that way).
 */
function reduceStrided(op: "sum" | "max", x: Storage, shape: Shape, axes: readonly number[], dtype: DType, init: number): Storage {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const acc = new Float64Array(sizeOf(kept)).fill(init);
  const { shape: dims, strides: [sx, so] } = collapse(shape, [stridesOf(shape), broadcastStrides(kept, shape)]);
  const rank = dims.length;
  const [n, dx, dout] = [dims[rank - 1]!, sx![rank - 1]!, so![rank - 1]!];
  forEachStrided2(dims.slice(0, -1), sx!.slice(0, -1), so!.slice(0, -1), (_, i, o) => {
    if (dout === 0) {
      // The row reduces into one output: a running value in a local.
      let a = acc[o]!;
      if (op === "sum") for (let k = 0; k < n; k++, i += dx) a += x[i]!;
      else for (let k = 0; k < n; k++, i += dx) { const v = x[i]!; if (v > a || v !== v) a = v; }
      acc[o] = a;
    } else if (op === "sum") for (let k = 0; k < n; k++, i += dx, o += dout) acc[o] = acc[o]! + x[i]!;
    else for (let k = 0; k < n; k++, i += dx, o += dout) { const v = x[i]!; if (v > acc[o]! || v !== v) acc[o] = v; }
  });
  return dtype === "float32" ? Float32Array.from(acc) : stored(acc, dtype);
}
