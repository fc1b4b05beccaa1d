import type { Shape } from "../shape.js";

/**
 * The same strided walk over fewer dimensions: size-1 dims are dropped and neighbouring dims merged
 * wherever every operand steps through them as through one (stride[d] = stride[d+1]·shape[d+1], which
 * also holds for two broadcast dims of stride 0). `[128, 256] + [256]` becomes 128 rows of 256, a
 * same-shape op becomes one flat row, so fast kernels run long inner loops with few calls.
 * @example
 * ```ts
 * collapse([2, 3, 4], [[12, 4, 1], [0, 0, 1]]); // { shape: [6, 4], strides: [[4, 1], [0, 1]] }
 * ```
 */
export function collapse(shape: Shape, strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    const mergeable = last >= 0 && strides.every((s, k) => outStrides[k]![last] === s[d]! * shape[d]!);
    if (mergeable) {
      outShape[last]! *= shape[d]!;
      strides.forEach((s, k) => (outStrides[k]![last] = s[d]!));
    } else {
      outShape.push(shape[d]!);
      strides.forEach((s, k) => outStrides[k]!.push(s[d]!));
    }
  }
  if (outShape.length === 0) return { shape: [1], strides: strides.map(() => [0]) };
  return { shape: outShape, strides: outStrides };
}
