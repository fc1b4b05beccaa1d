import type { DType, Storage } from "../dtype.js";
import type { Code, LaneLocals } from "../kernels/wasm/assembler.js";
import type { Shape } from "../shape.js";
import type { Tensor } from "../tensor.js";

/**
 * Everything tapegrad knows about one primitive, kept in one record in the primitive's own file: how it
 * checks shapes, how it computes, how it differentiates in both modes, what it costs, and how the
 * property suite should test it. Rules receive and return Tensors and never read storage, so they are
 * themselves differentiable: second derivatives and forward-over-reverse need no extra code.
 *
 * The record is typed so that the mistakes a test would only find later are compile errors instead:
 *
 * - the inputs are a tuple (`[Tensor]`, `[Tensor, Tensor]`, or `readonly Tensor[]` for a variadic op),
 *   so a rule destructures `{ primals: [x, y] }` and gets `Tensor`s, never `Tensor | undefined`, and
 *   `arity` must agree with the tuple;
 * - an op is either piecewise constant (`constant: true`, no rules) or has both a `jvp` and a `vjp`:
 *   leaving one out does not type-check.
 *
 * Every rule takes one context object, with one vocabulary for all ops: `inputs` (the concrete inputs of
 * the shape rule and the kernel), `primals` (the inputs as the derivative rules see them), `tangents`,
 * `ct` (the output's cotangent), `out` (the output), `params`, `needed` (which inputs want a cotangent),
 * `outShape`, `inputShapes` and `dtype`. A rule names what it reads and nothing else.
 * @example
 * ```ts
 * const cubeOp: OpRule<[Tensor]> = {
 *   name: "cube", arity: 1, batching: "broadcasts",
 *   shape: ({ inputs: [x] }) => x.shape,
 *   forward: ({ inputs: [x], dtype }) => (dtype === "float64" ? Float64Array : Float32Array).from(x.data, (v) => v ** 3),
 *   jvp: ({ primals: [x], tangents: [dx] }) => dx && x.square().mul(3).mul(dx),
 *   vjp: ({ primals: [x], ct }) => [ct.mul(x.square().mul(3))],
 *   cost: ({ outShape }) => 2 * outShape.reduce((a, b) => a * b, 1),
 *   test: {},
 * };
 * grad((x: Tensor) => apply(cubeOp, [x], undefined).sum())(tensor([2])).toArray(); // [12]
 * ```
 */
export type OpRule<I extends Inputs = Inputs, P = undefined> = OpCommon<I, P> & (DifferentiableRules<I, P> | ConstantRules);

/** The inputs of an op: a tuple for a fixed arity, `readonly Tensor[]` for a variadic op (concat). */
export type Inputs = readonly Tensor[];

/** One `T` per input, in the inputs' tuple shape (the tangents, the cotangents, `needed`). */
export type PerInput<I extends Inputs, T> = { readonly [K in keyof I]: T };

/**
 * An op's arity as a value: the tuple's length, which the type checker holds the op to. Over the wide
 * `readonly Tensor[]` (a variadic op, or any op as the engine holds it) it may also be "variadic".
 */
export type Arity<I extends Inputs> = number extends I["length"] ? number | "variadic" : I["length"];

/** What the shape rule and the dtype rule see. */
export interface ShapeContext<I extends Inputs, P> {
  readonly inputs: I;
  readonly params: P;
}

/** What the forward kernel sees: concrete inputs of one common dtype and the output's shape and dtype. */
export interface ForwardContext<I extends Inputs, P> extends ShapeContext<I, P> {
  readonly outShape: Shape;
  readonly dtype: DType;
}

/** What a forward-mode rule sees: a `null` tangent is a zero tangent. */
export interface JvpContext<I extends Inputs, P> {
  readonly primals: I;
  readonly tangents: PerInput<I, Tensor | null>;
  readonly out: Tensor;
  readonly params: P;
}

/** What a reverse-mode rule sees; `needed[i]` says whether input i wants a cotangent at all. */
export interface VjpContext<I extends Inputs, P> {
  readonly ct: Tensor;
  readonly primals: I;
  readonly out: Tensor;
  readonly params: P;
  readonly needed: PerInput<I, boolean>;
}

/** What the cost rule sees: shapes only. */
export interface CostContext<I extends Inputs, P> {
  readonly inputShapes: PerInput<I, Shape>;
  readonly outShape: Shape;
  readonly params: P;
}

/** The fields every op has, with rules or without. */
export interface OpCommon<I extends Inputs, P> {
  /** The op's one camelCase name (file, export, method, test title). */
  readonly name: string;
  /** How many inputs the op takes (the length of `I`), checked by `apply` before anything runs. */
  readonly arity: Arity<I>;
  /** Validates the inputs (throwing a ShapeError or ValueError that names the op) and returns the output shape. */
  shape(ctx: ShapeContext<I, P>): Shape;
  /** The output's dtype, when it is not the inputs' common dtype (casts). */
  dtype?(ctx: ShapeContext<I, P>): DType;
  /** The forward kernel: computes the output's storage from concrete inputs of one common dtype. */
  forward(ctx: ForwardContext<I, P>): Storage;
  /**
   * How `vmap` runs the op on a batch of examples, when it can do better than one call per example (and
   * so how `jacfwd`, which is `vmap` over the directions of a `jvp`, pushes a batch of tangents through
   * it). "broadcasts": the op broadcasts its inputs' leading dims (elementwise ops; matmul's batch dims),
   * so batched inputs lined up with the output's rank (`[B, 1, ..., 1, ...shape]`) give the batched output
   * in one call. A function: the batched output `[B, ...out shape]` from the batched inputs (see
   * `BatchArgs`), usually the same op with its axes moved past the batch axis. Without one, vmap calls the
   * op once per example and stacks the rows: slower, never wrong.
   */
  readonly batching?: "broadcasts" | BatchRule<I, P>;
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
  /** Floating-point operations of one forward evaluation, from the shapes alone (see docs/cost.md). */
  cost(ctx: CostContext<I, P>): number;
  /** How the generic property suite draws cases for this op. */
  readonly test: OpTestSpec<P, I>;
  /**
   * For an elementwise op (NumPy broadcasting, output of the inputs' dtype): its formula on one element of
   * each input, the one statement its kernel maps (`elementwiseUnary`/`elementwiseBinary` set it from
   * the function they are given). `jit` fuses chains of such ops into one generated loop from it.
   */
  readonly scalar?: (...values: number[]) => number;
  /**
   * For an elementwise op whose float32 result is not `scalar`'s float64 value rounded (exp, tanh): its
   * formula for float32 elements, computed in float32 arithmetic (kernels/float32Math.ts), which eager
   * kernels and jit's loops use for float32 tensors, so that a `simd` formula can give the same bits.
   * float64 tensors keep `scalar`.
   */
  readonly scalar32?: (...values: number[]) => number;
  /**
   * For an elementwise op whose float32 result 4-lane WebAssembly SIMD computes exactly (the float32
   * formula's value: `scalar32`'s where the op has one, else `scalar`'s rounded to float32; −0 and NaN
   * included, as add, mul and sqrt are correctly rounded): given code that pushes each operand's four
   * float32 lanes (a v128; cheap and free of side effects, so a formula may repeat it), the code that
   * pushes the four results. A formula that needs temporaries takes fresh v128 locals from `this` (so it
   * is written as a `function`, not an arrow: exp's and tanh's are). `jit` writes a fused chain of float32
   * ops that all have one into a WebAssembly SIMD loop (written with the assembler of `@tapegrad/core/wasm`).
   * Leave it out where no exact formula exists (log, sin): the chain then runs as a JavaScript loop.
   * @example
   * ```ts
   * simd: (x, y) => [...x, ...y, ...f32x4Add] // add
   * simd(x) { const t = this.v128(); return [...x, ...tee(t), ...get(t), ...f32x4Mul, ...get(t), ...f32x4Mul]; } // cube
   * ```
   */
  readonly simd?: (this: LaneLocals, ...operands: Code[]) => Code;
  /**
   * Set on an elementwise op whose own forward kernel is faster than a loop calling `scalar` (relu's
   * branch-free loop on the bits, where `Math.max` branches on random signs): `jit` runs the op, when it
   * is alone and has no SIMD loop, by that kernel rather than by a generated loop of its formula.
   */
  readonly preferKernel?: boolean;
}

/**
 * An op's own batched forward. Written as a method's type so that, like the rules, a batch rule over
 * particular inputs and params still fits the registry's rule of unknown params.
 */
export type BatchRule<I extends Inputs, P> = { rule(b: BatchArgs<P, I>): Tensor }["rule"];

/**
 * What an op's `batching` function receives: one call of the op on a whole vmap batch.
 * @example
 * ```ts
 * // transpose moves its axes past the batch axis, which stays first:
 * const batching = ({ values: [x], params }: BatchArgs<{ perm: number[] }, [Tensor]>) => transpose(x!, [0, ...params.perm.map((a) => a + 1)]);
 * ```
 */
export interface BatchArgs<P, I extends Inputs = Inputs> {
  /**
   * Each input's values for every example, batch axis first (`[B, ...one example's shape]`), or null
   * for an input shared by every example (then `inputs[i]` holds it).
   */
  readonly values: PerInput<I, Tensor | null>;
  /** The inputs as one example sees them: shared inputs as they are; batched ones of one example's shape, unreadable. */
  readonly inputs: I;
  readonly params: P;
  /** The batch size B. */
  readonly size: number;
  /** One example's output shape, by the op's shape rule (which has already checked one example's inputs). */
  readonly outShape: Shape;
}

/** The two derivative rules of a differentiable op: both, always. */
export interface DifferentiableRules<I extends Inputs, P> {
  readonly constant?: false;
  /**
   * Forward mode: the output tangent given the input tangents (`null` is a zero tangent). The engine
   * broadcasts the result to the output's shape.
   */
  jvp(ctx: JvpContext<I, P>): Tensor | null;
  /**
   * Reverse mode: the input cotangents given the output cotangent (`null` for an input that gets none).
   * A cotangent may keep the output's broadcast shape: the engine un-broadcasts it to the input's.
   * Use `needed` to skip work (and NaNs) nobody reads.
   */
  vjp(ctx: VjpContext<I, P>): PerInput<I, Tensor | null>;
}

/**
 * A piecewise-constant op (comparisons, argmax): its output carries no tangent and is never taped, as in
 * JAX and PyTorch, because its derivative is zero wherever it exists. It has no rules to get wrong.
 */
export interface ConstantRules {
  readonly constant: true;
  readonly jvp?: never;
  readonly vjp?: never;
}

/**
 * A rule whose inputs and params types have been forgotten, as the registry and the engine hold them.
 * Rules are declared with method syntax, so any `OpRule<I, P>` is assignable to it; each rule checks its
 * own params.
 */
export type AnyOpRule = OpRule<Inputs, unknown>;

/** An interval that test values are drawn from. */
export type Domain = readonly [number, number];

/**
 * The property suite's description of an op. Generators are plain functions over `CaseGen`, a small
 * random source that the test harness implements with fast-check, so no test library is a dependency.
 */
export interface OpTestSpec<P, I extends Inputs = Inputs> {
  /**
   * Draws input shapes and params. Without it, the harness draws by the op's arity: one random shape for
   * one input, shapes that broadcast against each other for two or three; a variadic op must give it.
   */
  cases?(g: CaseGen): { shapes: PerInput<I, Shape>; params: P };
  /** Where input values are drawn from, for all inputs or one interval per input. Default [-2, 2]. */
  readonly domain?: Domain | readonly Domain[];
  /** Points where the op is not differentiable; drawn values keep at least 0.05 away from them. */
  readonly kinks?: readonly number[];
  /** Draws input values itself, for ops whose derivative has kinks that random values would hit. */
  values?(g: CaseGen, shapes: PerInput<I, Shape>, params: P): number[][];
  /** Inputs held fixed by the checks (class indices, conditions), by position, for the drawn shapes. */
  fixed?(shapes: PerInput<I, Shape>): number[];
  /** Whether the second-order checks apply (false for ops whose derivative is piecewise constant). */
  readonly secondOrder?: boolean;
  /**
   * A plain scalar statement of an elementwise op's forward, applied element by element with NumPy
   * broadcasting by the harness and compared with the op's kernel in float64: a second statement of
   * the formula on purpose, written the obvious way, so a kernel that computes something else fails.
   */
  readonly reference?: (...values: number[]) => number;
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
