import { kernels } from "../kernels/active.js";
import { binarySpan, unaryLoop, type BinarySpan, type UnaryLoop } from "../kernels/elementwise.js";
import { laneLoop } from "../kernels/wasm/laneLoop.js";
import { broadcastShapes, sizeOf } from "../shape.js";
import type { Tensor } from "../tensor.js";
import type { Code, LaneLocals } from "../kernels/wasm/assembler.js";
import type { CostContext, Domain, ForwardContext, OpCommon, OpRule, OpTestSpec, ShapeContext } from "./rule.js";

/** What `unary` and `binary` share: the test domain, kinks, second order, int32, a reference. */
interface ElementwiseSpec {
  /** The op's camelCase name. */
  name: string;
  /** Where test values are drawn from (default [-2, 2]). */
  domain?: Domain | readonly Domain[];
  /** Points where f is not differentiable; test values keep away from them. */
  kinks?: readonly number[];
  /** False when f' is piecewise constant, so second-order checks do not apply. */
  secondOrder?: boolean;
  /** Whether f is exact on integers, so the op takes int32 inputs (abs does; exp does not). */
  takesInt32?: boolean;
  /** The op's 4-lane float32 WebAssembly formula, where one gives its float32 result exactly (see `OpRule.simd`). */
  simd?: (this: LaneLocals, ...operands: Code[]) => Code;
}

/**
 * Helpers that turn the common shapes of primitive into a few lines. `unary` needs only the scalar
 * function and its derivative written with tensor ops; the derivative gives both modes (JVP f'·dx, VJP
 * f'·ct), so they cannot disagree, and neither can be forgotten.
 *
 * Users write their own elementwise ops with them too: `apply(unary({ name, f, df }), [x], undefined)`.
 * The rules they build use Tensor methods, looked up at run time, so this module imports no op.
 * @example
 * ```ts
 * const softsignOp = unary({ name: "softsign", f: (v) => v / (1 + Math.abs(v)), df: ({ x }) => x.abs().add(1).square().reciprocal() });
 * grad((x: Tensor) => apply(softsignOp, [x], undefined).sum())(tensor([1])).toArray(); // [0.25]
 * ```
 */
export function unary(spec: ElementwiseSpec & {
  /** The scalar function: the one statement of the op's formula, which the fast kernel compiles into its loop. */
  f: (v: number) => number;
  /**
   * The formula for float32 elements where it is not f's float64 value rounded: one computed in float32
   * arithmetic (exp32, tanh32 of kernels/float32Math.ts) so that a `simd` formula can match it bit for bit.
   */
  f32?: (v: number) => number;
  /** f'(x) as a tensor expression of the input `x` and the output `out` (name the ones it reads). */
  df: (at: { x: Tensor; out: Tensor }) => Tensor;
  /** A plain restatement of f for the property suite to check the kernel against (see OpTestSpec). */
  reference?: (v: number) => number;
}): OpRule<[Tensor]> {
  return {
    ...elementwiseUnary(spec.name, spec.f, undefined, spec.f32 && { scalar: spec.f32, ...(spec.simd ? { lanes: spec.simd } : {}) }),
    ...(spec.takesInt32 ? { takesInt32: true } : {}),
    ...(spec.simd ? { simd: spec.simd } : {}),
    jvp: ({ primals: [x], tangents: [dx], out }) => dx && spec.df({ x, out }).mul(dx),
    vjp: ({ primals: [x], out, ct }) => [ct.mul(spec.df({ x, out }))],
    test: testSpec(spec, spec.reference),
  };
}

/**
 * An elementwise binary op with NumPy broadcasting from its scalar function and its two partial
 * derivatives written with tensor ops: the JVP is ∂f/∂x·dx + ∂f/∂y·dy and the VJP [ct·∂f/∂x, ct·∂f/∂y]
 * (the engine un-broadcasts), so the two modes cannot disagree. Its test cases are broadcast pairs.
 * Apply the rule with `apply`.
 * @example
 * ```ts
 * const hypotOp = binary({ name: "hypot", f: Math.hypot, dfdx: ({ x, out }) => x.div(out), dfdy: ({ y, out }) => y.div(out) });
 * apply(hypotOp, [tensor([3]), tensor([4])], undefined).toArray(); // [5]
 * ```
 */
export function binary(spec: ElementwiseSpec & {
  /** The scalar function: the one statement of the op's formula, which the fast kernel compiles into its loop. */
  f: (x: number, y: number) => number;
  /** ∂f/∂x as a tensor expression of the inputs `x`, `y` and the output `out` (name the ones it reads). */
  dfdx: (at: { x: Tensor; y: Tensor; out: Tensor }) => Tensor;
  /** ∂f/∂y likewise. */
  dfdy: (at: { x: Tensor; y: Tensor; out: Tensor }) => Tensor;
  /** A plain restatement of f for the property suite to check the kernel against (see OpTestSpec). */
  reference?: (x: number, y: number) => number;
}): OpRule<[Tensor, Tensor]> {
  return {
    ...elementwiseBinary(spec.name, spec.f),
    ...(spec.takesInt32 ? { takesInt32: true } : {}),
    ...(spec.simd ? { simd: spec.simd } : {}),
    jvp: ({ primals: [x, y], tangents: [dx, dy], out }) => sumPresent(dx && spec.dfdx({ x, y, out }).mul(dx), dy && spec.dfdy({ x, y, out }).mul(dy)),
    vjp: ({ primals: [x, y], out, ct, needed }) => [needed[0] ? ct.mul(spec.dfdx({ x, y, out })) : null, needed[1] ? ct.mul(spec.dfdy({ x, y, out })) : null],
    test: testSpec(spec, spec.reference),
  };
}

function testSpec<I extends readonly Tensor[]>(spec: ElementwiseSpec, reference: ((...v: number[]) => number) | undefined): OpTestSpec<undefined, I> {
  return {
    domain: spec.domain ?? [-2, 2],
    ...(spec.kinks ? { kinks: spec.kinks } : {}),
    ...(spec.secondOrder === false ? { secondOrder: false } : {}),
    ...(reference ? { reference } : {}),
  };
}

/** A unary op's float32 formula where it is not its float64 one rounded: the scalar function, and its lane formula if any. */
export interface Float32Formula {
  readonly scalar: (v: number) => number;
  readonly lanes?: (this: LaneLocals, x: Code) => Code;
}

/** The fields of an elementwise op besides its rules and test spec. */
type ElementwiseFields<I extends readonly Tensor[]> = Pick<OpCommon<I, undefined>, "name" | "arity" | "shape" | "forward" | "cost" | "batching" | "scalar" | "scalar32" | "preferKernel">;

/**
 * The shape rule and forward kernel of an elementwise unary op: `f` is its one statement of the formula,
 * compiled into a loop of its own on the op's first run and kept with the op (so a call costs no lookup:
 * the scalar ops of a long chain are all call overhead); `loop`, an op's own whole-array loop where a
 * call of `f` is not the fastest (relu), replaces that compiled loop. Backends that do not run loops of
 * their own (the reference kernels) ignore it and call `f`. `float32`, where given, is the formula for
 * float32 tensors (see `OpRule.scalar32`): the fast backend runs its lane formula as a WebAssembly kernel
 * where it has one (laneLoop.ts: the same bits, a fraction of the time), else its compiled loop.
 */
export function elementwiseUnary(name: string, f: (v: number) => number, loop?: UnaryLoop, float32?: Float32Formula): ElementwiseFields<[Tensor]> {
  let fast = loop;
  let fast32: UnaryLoop | undefined;
  const f32 = float32?.scalar;
  const loop32 = (): UnaryLoop => (float32!.lanes ? laneLoop(name, float32!.lanes, unaryLoop(f32!)) : unaryLoop(f32!));
  return {
    name,
    arity: 1,
    batching: "broadcasts",
    shape: ({ inputs: [x] }: ShapeContext<[Tensor], undefined>) => x.shape,
    forward: ({ inputs: [x], dtype }: ForwardContext<[Tensor], undefined>) =>
      f32 !== undefined && dtype === "float32" ? kernels.map(name, x.data, dtype, f32, (fast32 ??= loop32())) : kernels.map(name, x.data, dtype, f, (fast ??= unaryLoop(f))),
    cost: ({ outShape }: CostContext<[Tensor], undefined>) => sizeOf(outShape),
    scalar: f as (...values: number[]) => number,
    ...(f32 ? { scalar32: f32 as (...values: number[]) => number } : {}),
    ...(loop ? { preferKernel: true } : {}),
  };
}

/** The shape rule and forward kernel of an elementwise binary op with NumPy broadcasting (see `elementwiseUnary`). */
export function elementwiseBinary(name: string, f: (x: number, y: number) => number, span?: BinarySpan): ElementwiseFields<[Tensor, Tensor]> {
  let fast = span;
  return {
    name,
    arity: 2,
    batching: "broadcasts",
    shape: ({ inputs: [x, y] }: ShapeContext<[Tensor, Tensor], undefined>) => broadcastShapes(name, x.shape, y.shape),
    forward: ({ inputs: [x, y], outShape, dtype }: ForwardContext<[Tensor, Tensor], undefined>) =>
      kernels.zip(name, x.data, x.shape, y.data, y.shape, outShape, dtype, f, (fast ??= binarySpan(f))),
    cost: ({ outShape }: CostContext<[Tensor, Tensor], undefined>) => sizeOf(outShape),
    scalar: f as (...values: number[]) => number,
    ...(span ? { preferKernel: true } : {}),
  };
}

/** Adds tangents where present: the JVP of a sum of terms, some of which have a zero (null) tangent. */
export function sumPresent(...terms: (Tensor | null | undefined)[]): Tensor | null {
  let total: Tensor | null = null;
  for (const t of terms) if (t) total = total ? total.add(t) : t;
  return total;
}
