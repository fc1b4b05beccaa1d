import type { DType, Storage } from "../dtype.js";
import { allocate } from "../dtype.js";
import type { Shape } from "../shape.js";
import { sameShape, sizeOf, stridesOf } from "../shape.js";
import { broadcastStrides, forEachStrided2 } from "./strided.js";

/**
 * The plain TypeScript kernels: simple loops over contiguous row-major storage. They are the reference
 * that any faster kernel is tested against, so they favour obviousness over speed (except where a loop
 * order costs nothing to get right, as in matmul).
 */

export function map(x: Storage, dtype: DType, f: (v: number) => number): Storage {
  const out = allocate(dtype, x.length);
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]!);
  return out;
}

export function zip(
  a: Storage, aShape: Shape, b: Storage, bShape: Shape, outShape: Shape, dtype: DType,
  f: (x: number, y: number) => number,
): Storage {
  const out = allocate(dtype, sizeOf(outShape));
  if (sameShape(aShape, bShape)) {
    for (let i = 0; i < out.length; i++) out[i] = f(a[i]!, b[i]!);
  } else if (b.length === 1) {
    const y = b[0]!;
    for (let i = 0; i < out.length; i++) out[i] = f(a[i % a.length]!, y);
  } else {
    forEachStrided2(outShape, broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape), (o, i, j) => {
      out[o] = f(a[i]!, b[j]!);
    });
  }
  return out;
}

export function select(
  cond: Storage, condShape: Shape, a: Storage, aShape: Shape, b: Storage, bShape: Shape, outShape: Shape, dtype: DType,
): Storage {
  const c = broadcast(cond, condShape, outShape, dtype);
  const x = broadcast(a, aShape, outShape, dtype);
  const y = broadcast(b, bShape, outShape, dtype);
  for (let i = 0; i < c.length; i++) c[i] = c[i] !== 0 ? x[i]! : y[i]!;
  return c;
}

/** Copies `x` broadcast to `outShape`. */
export function broadcast(x: Storage, shape: Shape, outShape: Shape, dtype: DType): Storage {
  const out = allocate(dtype, sizeOf(outShape));
  const zeros = outShape.map(() => 0);
  forEachStrided2(outShape, broadcastStrides(shape, outShape), zeros, (o, i) => {
    out[o] = x[i]!;
  });
  return out;
}

/**
 * Reduces `axes` of `x` with `combine`, starting from `init`. The output is laid out as the kept dims;
 * each input element is folded into the output slot that its kept coordinates name.
 */
export function reduce(
  x: Storage, shape: Shape, axes: readonly number[], dtype: DType, init: number,
  combine: (acc: number, v: number) => number,
): Storage {
  const keptShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = accumulator(dtype, sizeOf(keptShape), init);
  const outStrides = broadcastStrides(keptShape, shape);
  forEachStrided2(shape, stridesOf(shape), outStrides, (_, i, o) => {
    out[o] = combine(out[o]!, x[i]!);
  });
  return stored(out, dtype);
}

/**
 * Storage for a reduction's running values, filled with `init`. An int32 reduction accumulates in float64:
 * an Int32Array cannot hold max's −Infinity start (it would store 0, so the max of negative integers came
 * out 0), and float64 holds every int32 sum of up to 2^21 terms exactly.
 */
export function accumulator(dtype: DType, size: number, init: number): Storage {
  return (dtype === "int32" ? new Float64Array(size) : allocate(dtype, size)).fill(init);
}

/** An accumulator's values in the output dtype (int32 wraps modulo 2^32 on the way, as PyTorch's sums do). */
export function stored(acc: Storage, dtype: DType): Storage {
  return dtype === "int32" ? Int32Array.from(acc) : acc;
}

export function transpose(x: Storage, shape: Shape, perm: readonly number[], dtype: DType): Storage {
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = stridesOf(shape);
  const readStrides = perm.map((p) => inStrides[p]!);
  const out = allocate(dtype, x.length);
  forEachStrided2(outShape, stridesOf(outShape), readStrides, (_, o, i) => {
    out[o] = x[i]!;
  });
  return out;
}

/** Reads the box starting at `begin` with extent `outShape`. */
export function slice(x: Storage, shape: Shape, begin: readonly number[], outShape: Shape, dtype: DType): Storage {
  const strides = stridesOf(shape);
  let base = 0;
  begin.forEach((b, i) => (base += b * strides[i]!));
  const out = allocate(dtype, sizeOf(outShape));
  forEachStrided2(outShape, stridesOf(outShape), strides, (_, o, i) => {
    out[o] = x[base + i]!;
  });
  return out;
}

/** Writes `x` into a zero tensor of `outShape` at offset `before`: the transpose of `slice`. */
export function pad(x: Storage, shape: Shape, before: readonly number[], outShape: Shape, dtype: DType): Storage {
  const out = allocate(dtype, sizeOf(outShape));
  writeBox(out, outShape, x, shape, before);
  return out;
}

/** Lays the inputs side by side along `axis`. */
export function concat(xs: readonly Storage[], shapes: readonly Shape[], axis: number, outShape: Shape, dtype: DType): Storage {
  const out = allocate(dtype, sizeOf(outShape));
  let offset = 0;
  xs.forEach((x, i) => {
    writeBox(out, outShape, x, shapes[i]!, outShape.map((_, d) => (d === axis ? offset : 0)));
    offset += shapes[i]![axis]!;
  });
  return out;
}

/** Copies `x` (of `shape`) into `out` (of `outShape`) as the box whose corner is at `before`. */
function writeBox(out: Storage, outShape: Shape, x: Storage, shape: Shape, before: readonly number[]): void {
  const strides = stridesOf(outShape);
  let base = 0;
  before.forEach((b, i) => (base += b * strides[i]!));
  forEachStrided2(shape, stridesOf(shape), strides, (_, i, o) => {
    out[base + o] = x[i]!;
  });
}

/** A shape with its last two axes swapped, and the permutation that does it. */
function swapLastTwo(shape: Shape): { shape: Shape; perm: number[] } {
  const rank = shape.length;
  const perm = shape.map((_, i) => (i < rank - 2 ? i : i === rank - 2 ? rank - 1 : rank - 2));
  return { shape: perm.map((p) => shape[p]!), perm };
}

/**
 * Batched matrix product `[...batch, m, k] × [...batch, k, n]`, batch dims already broadcast to
 * `outShape`'s; a flagged operand is transposed (last two axes) first. The i-k-j loop order streams rows
 * of `b` and the output contiguously.
 */
export function matmul(
  a: Storage, aShape: Shape, b: Storage, bShape: Shape, outShape: Shape, dtype: DType, transposeA = false, transposeB = false,
): Storage {
  if (transposeA || transposeB) {
    const [ta, tb] = [swapLastTwo(aShape), swapLastTwo(bShape)];
    return matmul(
      transposeA ? transpose(a, aShape, ta.perm, dtype) : a, transposeA ? ta.shape : aShape,
      transposeB ? transpose(b, bShape, tb.perm, dtype) : b, transposeB ? tb.shape : bShape, outShape, dtype,
    );
  }
  const rank = outShape.length;
  const m = outShape[rank - 2]!;
  const n = outShape[rank - 1]!;
  const k = aShape[aShape.length - 1]!;
  const batchShape = outShape.slice(0, -2);
  const out = allocate(dtype, sizeOf(outShape));
  const aBatch = broadcastStrides(aShape.slice(0, -2), batchShape).map((s) => s * m * k);
  const bBatch = broadcastStrides(bShape.slice(0, -2), batchShape).map((s) => s * k * n);
  let o = 0;
  const kernel = (_: number, ao: number, bo: number): void => {
    for (let i = 0; i < m; i++) {
      const row = o + i * n;
      for (let p = 0; p < k; p++) {
        const av = a[ao + i * k + p]!;
        const bRow = bo + p * n;
        for (let j = 0; j < n; j++) out[row + j]! += av * b[bRow + j]!;
      }
    }
    o += m * n;
  };
  forEachStrided2(batchShape, aBatch, bBatch, kernel);
  return out;
}

export function cast(x: Storage, dtype: DType): Storage {
  const out = allocate(dtype, x.length);
  out.set(x);
  return out;
}

/**
 * Mean over rows of softmax cross-entropy, computed stably: per row, lse = m + log Σ exp(l - m) with m the
 * row's max, and the loss is Σ_c y_c (lse - l_c). `target` holds class indices (one per row) or rows of
 * probabilities.
 */
export function softmaxCrossEntropy(
  logits: Storage, rows: number, classes: number, target: Storage, targetIsIndices: boolean, dtype: DType,
): Storage {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const row = r * classes;
    let m = -Infinity;
    for (let c = 0; c < classes; c++) m = Math.max(m, logits[row + c]!);
    let s = 0;
    for (let c = 0; c < classes; c++) s += Math.exp(logits[row + c]! - m);
    const lse = m + Math.log(s);
    if (targetIsIndices) total += lse - logits[row + target[r]!]!;
    else for (let c = 0; c < classes; c++) total += target[row + c]! * (lse - logits[row + c]!);
  }
  const out = allocate(dtype, 1);
  out[0] = total / rows;
  return out;
}
