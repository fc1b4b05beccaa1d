import type { DType, Storage } from "../dtype.js";
import type { Window } from "../ops/windows.js";
import type { Shape } from "../shape.js";
import { matmulFast } from "./matmulFast.js";
import { unfold } from "./windows.js";

/**
 * conv2d as im2col and one matrix product: `x` is unfolded to `[N, groups, C/groups·kh·kw, Ho·Wo]` and
 * the weight, read as `[groups, O/groups, C/groups·kh·kw]`, multiplies it batched over (N, groups) by the
 * WebAssembly SIMD matmul. The product's `[N, groups, O/groups, Ho·Wo]` is already `[N, O, Ho, Wo]`.
 * Tested against the direct loops of windows.ts (test/kernels.test.ts).
 * @example
 * ```ts
 * conv2dFast(x, [8, 3, 32, 32], w, [16, 3, 3, 3], [8, 16, 30, 30], window3x3, 1, "float32");
 * ```
 */
export function conv2dFast(x: Storage, xShape: Shape, w: Storage, wShape: Shape, outShape: Shape, win: Window, groups: number, dtype: DType): Storage {
  const [N, C] = xShape as [number, number];
  const [O, Cg, kh, kw] = wShape as [number, number, number, number];
  const [Ho, Wo] = [outShape[2]!, outShape[3]!];
  const k = Cg * kh * kw;
  const cols = unfold(x, xShape, win, [N, C, kh * kw, Ho, Wo], 0, dtype);
  return matmulFast(w, [groups, O / groups, k], cols, [N, groups, k, Ho * Wo], [N, groups, O / groups, Ho * Wo], dtype);
}
