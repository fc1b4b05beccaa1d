import type { DType, Storage } from "../dtype.js";
import type { Shape } from "../shape.js";
import type { Tensor } from "../tensor.js";

/**
 * Everything tapegrad knows about one primitive, kept in one record in the primitive's own file: how it
 * checks shapes, how it computes, how it differentiates in both modes, what it costs, and how the
 * property suite should test it. Rules receive and return Tensors and never read storage, so they are
 * themselves differentiable: second derivatives and forward-over-reverse need no extra code.
 *
 * Parameter names follow one vocabulary: primals `x, y`, output `out`, tangents `dx, dy`, cotangent `ct`.
 */
export interface OpRule<P = undefined> {
  /** The op's one camelCase name (file, export, method, test title). */
  readonly name: string;
  /** Validates the inputs (throwing a ShapeError or ValueError that names the op) and returns the output shape. */
  shape(inputs: readonly Tensor[], params: P): Shape;
  /** The output's dtype, when it is not the inputs' common dtype (casts). */
  dtype?(inputs: readonly Tensor[], params: P): DType;
  /** The forward kernel: computes the output's storage from concrete inputs of one common dtype. */
  forward(inputs: readonly Tensor[], params: P, outShape: Shape, dtype: DType): Storage;
  /**
   * Forward mode: the output tangent given the input tangents (`null` is a zero tangent). The engine
   * broadcasts the result to the output's shape. Absent on ops with no derivative.
   */
  jvp?(primals: readonly Tensor[], tangents: readonly (Tensor | null)[], out: Tensor, params: P): Tensor | null;
  /**
   * Reverse mode: the input cotangents given the output cotangent (`null` for an input that gets none).
   * A cotangent may keep the output's broadcast shape: the engine un-broadcasts it to the input's.
   * `needed[i]` says whether input i wants a cotangent, so a rule can skip work (and NaNs) nobody reads.
   */
  vjp?(ct: Tensor, primals: readonly Tensor[], out: Tensor, params: P, needed: readonly boolean[]): readonly (Tensor | null)[];
  /**
   * How `vmap` runs the op on a batch of examples, when it can do better than one call per example (and
   * so how `jacfwd`, which is `vmap` over the directions of a `jvp`, pushes a batch of tangents through
   * it). "broadcasts": the op broadcasts its inputs' leading dims (elementwise ops; matmul's batch dims),
   * so batched inputs lined up with the output's rank (`[B, 1, ..., 1, ...shape]`) give the batched output
   * in one call. A function: the batched output `[B, ...out shape]` from the batched inputs (see
   * `BatchArgs`), usually the same op with its axes moved past the batch axis. Without one, vmap calls the
   * op once per example and stacks the rows: slower, never wrong.
   */
  readonly batching?: "broadcasts" | ((b: BatchArgs<P>) => Tensor);
  /**
   * Whether the op takes int32 inputs: true of ops whose forward is exact on integers (arithmetic that
   * stays in the integers, comparisons, selection, reductions, data movement, casts). Without it, `apply`
   * refuses an int32 input with a DTypeError naming the op, before any kernel runs, so an op written for
   * floats (exp, a user's op) never computes on integers by accident.
   */
  readonly takesInt32?: boolean;
  /**
   * Positions of the inputs that are int32 indices (gather's index): `apply` requires them to be int32
   * tensors (a float index gets a DTypeError naming the op), leaves them out of dtype promotion, and
   * never asks a cotangent of them. Their values are the shape rule's to check against their bounds.
   */
  readonly indexInputs?: readonly number[];
  /**
   * Positions of inputs (not indices) whose values the shape rule reads, as softmaxCrossEntropy checks its
   * class labels: under vmap the rule is shown the first example's values rather than a batched input.
   */
  readonly readsValues?: readonly number[];
  /**
   * Piecewise-constant ops (comparisons): the output carries no tangent and is never taped, as in JAX and
   * PyTorch, because its derivative is zero wherever it exists.
   */
  readonly constant?: boolean;
  /** Floating-point operations of one forward evaluation, from the shapes alone (see docs/cost.md). */
  cost(inputs: readonly Shape[], out: Shape, params: P): number;
  /** How the generic property suite draws cases for this op. */
  readonly test: OpTestSpec<P>;
}

/**
 * What an op's `batching` function receives: one call of the op on a whole vmap batch.
 * @example
 * ```ts
 * // transpose moves its axes past the batch axis, which stays first:
 * const batching = ({ values: [x], params }: BatchArgs<{ perm: number[] }>) => transpose(x!, [0, ...params.perm.map((a) => a + 1)]);
 * ```
 */
export interface BatchArgs<P> {
  /**
   * Each input's values for every example, batch axis first (`[B, ...one example's shape]`), or null
   * for an input shared by every example (then `inputs[i]` holds it).
   */
  readonly values: readonly (Tensor | null)[];
  /** The inputs as one example sees them: shared inputs as they are; batched ones of one example's shape, unreadable. */
  readonly inputs: readonly Tensor[];
  readonly params: P;
  /** The batch size B. */
  readonly size: number;
  /** One example's output shape, by the op's shape rule (which has already checked one example's inputs). */
  readonly outShape: Shape;
}

/**
 * A rule whose params type has been forgotten, as the registry and the engine hold them. Rules are
 * declared with method syntax, so any `OpRule<P>` is assignable to it; each rule checks its own params.
 */
export type AnyOpRule = OpRule<unknown>;

/** An interval that test values are drawn from. */
export type Domain = readonly [number, number];

/**
 * The property suite's description of an op. Generators are plain functions over `CaseGen`, a small
 * random source that the test harness implements with fast-check, so no test library is a dependency.
 */
export interface OpTestSpec<P> {
  /** Draws input shapes and params; defaults to one random shape per input (broadcast pairs for binaries). */
  cases?(g: CaseGen): { shapes: Shape[]; params: P };
  /** Where input values are drawn from, for all inputs or one interval per input. Default [-2, 2]. */
  readonly domain?: Domain | readonly Domain[];
  /** Points where the op is not differentiable; drawn values keep at least 0.05 away from them. */
  readonly kinks?: readonly number[];
  /** Draws input values itself, for ops whose derivative has kinks that random values would hit. */
  values?(g: CaseGen, shapes: readonly Shape[], params: P): number[][];
  /** Inputs held fixed by the checks (class indices, conditions), by position, for the drawn shapes. */
  fixed?(shapes: readonly Shape[]): number[];
  /** Whether the second-order checks apply (false for ops whose derivative is piecewise constant). */
  readonly secondOrder?: boolean;
}

/** The random source that op test specs draw from. */
export interface CaseGen {
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number;
  /** A real number in [lo, hi]. */
  real(lo: number, hi: number): number;
  bool(): boolean;
  /** A shape of rank in [minRank, maxRank] with dims in [1, maxDim] (size-1 dims included). */
  shape(minRank?: number, maxRank?: number, maxDim?: number): number[];
  /** Two shapes that broadcast against each other (scalars, size-1 dims, missing leading dims). */
  broadcastPair(): [number[], number[]];
  /** A random permutation of 0..n-1. */
  permutation(n: number): number[];
}
