import { describeValue, ShapeError, ValueError } from "./errors.js";

/** A tensor's dimensions, outermost first. A scalar has shape `[]`. */
export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a contiguous tensor of this shape. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The largest tensor tapegrad will try to allocate: a typed array's practical limit in V8. */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/** Checks that a user-supplied shape is a list of non-negative integers of allocatable size. */
export function checkShape(op: string, shape: unknown): Shape {
  if (!Array.isArray(shape)) throw new ValueError(op, `shape must be an array of integers, got ${describeValue(shape)}`);
  for (const [i, d] of shape.entries()) {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      throw new ValueError(op, `shape entry ${i} must be a non-negative integer, got ${describeValue(d)} in [${shape.map(describeValue).join(",")}]`);
    }
  }
  if (sizeOf(shape as number[]) > MAX_ELEMENTS) {
    throw new ValueError(op, `shape [${shape.join(",")}] has ${sizeOf(shape as number[])} elements, more than can be allocated (${MAX_ELEMENTS})`);
  }
  return shape as number[];
}

/** NumPy broadcasting of two shapes; throws a ShapeError naming the op when they do not broadcast. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(op, `shapes do not broadcast (dim ${i - rank}: ${da} vs ${db})`, [a, b]);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Normalises one axis (negative counts from the end) into `[0, rank)`, or throws naming the op.
 */
export function normalizeAxis(op: string, axis: number, rank: number, shape: Shape): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ShapeError(op, `axis ${axis} is out of range for rank ${rank}`, [shape]);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Normalises an axis list (or all axes when undefined), sorted, without repeats. */
export function normalizeAxes(op: string, axes: number | readonly number[] | undefined, shape: Shape): number[] {
  if (axes === undefined) return shape.map((_, i) => i);
  const list = typeof axes === "number" ? [axes] : axes;
  if (!Array.isArray(list)) throw new ValueError(op, `axes must be an integer or an array of integers, got ${describeValue(axes)}`);
  const out = [...new Set(list.map((a) => normalizeAxis(op, a, shape.length, shape)))].sort((x, y) => x - y);
  if (out.length !== list.length) throw new ShapeError(op, `repeated axis in [${list.join(",")}]`, [shape]);
  return out;
}

/** The shape left after reducing `axes`, keeping them as size 1 when `keepDims`. */
export function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}
