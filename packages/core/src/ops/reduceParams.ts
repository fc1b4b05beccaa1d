import type { Shape } from "../shape.js";
import { normalizeAxes, reducedShape } from "../shape.js";
import type { Axes, ReduceOptions } from "../tensor.js";
import type { CaseGen } from "./rule.js";

/** Params of a reduction: normalised axes (sorted, non-negative) and whether they are kept as size 1. */
export interface ReduceParams {
  readonly axes: readonly number[] | undefined;
  readonly keepDims: boolean;
}

/** The user's axis arguments as params; axes are normalised later by the shape rule, against the input's rank. */
export function reduceParams(axis: Axes, options: ReduceOptions | undefined): ReduceParams {
  return { axes: axis === undefined ? undefined : typeof axis === "number" ? [axis] : axis, keepDims: options?.keepDims ?? false };
}

export function reductionShape(op: string, shape: Shape, params: ReduceParams): number[] {
  return reducedShape(shape, normalizeAxes(op, params.axes, shape), params.keepDims);
}

/** The input's shape with the reduced axes as size 1: what a reduced result broadcasts back through. */
export function keptShape(op: string, shape: Shape, params: ReduceParams): number[] {
  return reducedShape(shape, normalizeAxes(op, params.axes, shape), true);
}

/** Test cases for a reduction: a random shape, a random subset of its axes (or all), keepDims either way. */
export function reductionCases(g: CaseGen): { shapes: [number[]]; params: ReduceParams } {
  const shape = g.shape(0, 4, 4);
  const axes = g.bool() ? undefined : shape.map((_, i) => i).filter(() => g.bool()).map((a) => (g.bool() ? a - shape.length : a));
  return { shapes: [shape], params: { axes, keepDims: g.bool() } };
}
