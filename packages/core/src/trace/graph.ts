import type { DType, Storage } from "../dtype.js";
import type { AnyOpRule } from "../ops/rule.js";
import type { Shape } from "../shape.js";
import type { Tensor } from "../tensor.js";

/** A value of a traced graph: its id (its index in `TraceGraph.values`), shape and dtype. */
export interface TraceValue {
  readonly id: number;
  readonly shape: Shape;
  readonly dtype: DType;
}

/** Where a value comes from. */
export type TraceSource =
  | { readonly kind: "input"; readonly index: number }
  | { readonly kind: "param"; readonly name: string; readonly tensor: Tensor }
  | { readonly kind: "constant"; readonly tensor: Tensor }
  | { readonly kind: "node"; readonly index: number }
  /** jit: a tensor the function read but did not receive (a parameter, a moment), bound by reference. */
  | { readonly kind: "state"; readonly tensor: Tensor }
  /** jit: made by the effect `effects[index]` (a read of a `.grad`, a random draw). */
  | { readonly kind: "effect"; readonly index: number };

/**
 * A change of state in a jit program, run after the first `after` nodes: in order with the primitives,
 * as the eager function made it.
 *
 * - `setGrad`: `target.grad` becomes the value `value` (null: cleared);
 * - `readGrad`: the value `value` is `target.grad` as it is at this point (`present` false: it must be null);
 * - `update`: an in-place update (`updateInPlace`), replayed by calling `run` on the values `reads`;
 * - `draw`: the value `value` is drawn by `fill` from the generator the function drew it from.
 */
export type TraceEffect =
  | { readonly kind: "setGrad"; readonly after: number; readonly target: Tensor; readonly value: number | null }
  | { readonly kind: "readGrad"; readonly after: number; readonly target: Tensor; readonly value: number | null }
  | { readonly kind: "update"; readonly after: number; readonly name: string; readonly run: (...reads: Storage[]) => void; readonly reads: readonly number[] }
  | { readonly kind: "draw"; readonly after: number; readonly value: number; readonly fill: (into: Storage) => void };

/** One primitive application: the rule, its input values, its params and its output value. */
export interface TraceNode {
  /** The primitive's name (`rule.name`). */
  readonly op: string;
  readonly rule: AnyOpRule;
  readonly inputs: readonly number[];
  readonly params: unknown;
  readonly output: number;
}

/**
 * A function as the primitives it applied to its inputs, in the order they ran (so in topological order).
 * Values that depend on neither the inputs nor a named parameter were computed once and are constants;
 * nodes that no output needs are left out.
 */
export interface TraceGraph {
  /** Every value, by id. */
  readonly values: readonly (TraceValue & { readonly source: TraceSource })[];
  /** The ids of the function's tensor arguments, in order. */
  readonly inputs: readonly number[];
  /** The ids of the named parameters the outputs use, in the order they were first used. */
  readonly params: readonly number[];
  /** The ids of the constants the outputs use. */
  readonly constants: readonly number[];
  readonly nodes: readonly TraceNode[];
  /** The ids of the outputs (the leaves of the function's result, flattened as `treeFlatten` does). */
  readonly outputs: readonly number[];
  /** jit: the ids of the state tensors the program reads. */
  readonly state?: readonly number[];
  /** jit: the program's changes of state, in order (see `TraceEffect`). */
  readonly effects?: readonly TraceEffect[];
}
