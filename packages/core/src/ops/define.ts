import { kernels } from "../kernels/active.js";
import { broadcastShapes, sizeOf } from "../shape.js";
import type { Tensor } from "../tensor.js";
import type { CaseGen, Domain, OpRule } from "./rule.js";

/**
 * Helpers that turn the common shapes of primitive into a few lines. `unary` needs only the scalar
 * function and its derivative written with tensor ops; the derivative gives both modes (JVP df·dx, VJP
 * df·ct), so they cannot disagree.
 *
 * Users write their own elementwise ops with them too: `apply(unary({ name, f, df }), [x], undefined)`.
 *
 * Op files call these helpers while their modules are being evaluated, so this module imports no op:
 * the rules it builds use Tensor methods, looked up at run time, and the import cycle between the ops
 * and Tensor never reaches it.
 * @example
 * ```ts
 * const softsignOp = unary({ name: "softsign", f: (v) => v / (1 + Math.abs(v)), df: (x) => x.abs().add(1).square().reciprocal() });
 * grad((x: Tensor) => apply(softsignOp, [x], undefined).sum())(tensor([1])).toArray(); // [0.25]
 * ```
 */
export function unary(spec: {
  name: string;
  f: (v: number) => number;
  /** f'(x) as a tensor expression of the input and the output. */
  df: (x: Tensor, out: Tensor) => Tensor;
  domain?: Domain;
  /** Points where f is not differentiable; test values keep away from them. */
  kinks?: readonly number[];
  secondOrder?: boolean;
  /** Whether f is exact on integers, so the op takes int32 inputs (abs does; exp does not). */
  takesInt32?: boolean;
}): OpRule {
  return {
    name: spec.name,
    ...(spec.takesInt32 ? { takesInt32: true } : {}),
    batching: "broadcasts",
    shape: ([x]) => x!.shape,
    forward: ([x], _, __, dtype) => kernels.map(spec.name, x!.data, dtype, spec.f),
    jvp: ([x], [dx], out) => spec.df(x!, out).mul(dx!),
    vjp: (ct, [x], out) => [ct.mul(spec.df(x!, out))],
    cost: (_, out) => sizeOf(out),
    test: {
      domain: spec.domain ?? [-2, 2],
      ...(spec.kinks ? { kinks: spec.kinks } : {}),
      ...(spec.secondOrder === false ? { secondOrder: false } : {}),
    },
  };
}

/**
 * An elementwise binary op with NumPy broadcasting from its scalar function and its two partial
 * derivatives written with tensor ops: the JVP is ∂f/∂x·dx + ∂f/∂y·dy and the VJP [ct·∂f/∂x, ct·∂f/∂y]
 * (the engine un-broadcasts), so the two modes cannot disagree. Apply the rule with `apply`.
 * @example
 * ```ts
 * const hypotOp = binary({ name: "hypot", f: Math.hypot, dfdx: (x, _, out) => x.div(out), dfdy: (_, y, out) => y.div(out) });
 * apply(hypotOp, [tensor([3]), tensor([4])], undefined).toArray(); // [5]
 * ```
 */
export function binary(spec: {
  name: string;
  f: (x: number, y: number) => number;
  /** ∂f/∂x as a tensor expression of the inputs and the output. */
  dfdx: (x: Tensor, y: Tensor, out: Tensor) => Tensor;
  /** ∂f/∂y likewise. */
  dfdy: (x: Tensor, y: Tensor, out: Tensor) => Tensor;
  domain?: Domain | readonly Domain[];
  kinks?: readonly number[];
  secondOrder?: boolean;
}): OpRule {
  return {
    name: spec.name,
    ...elementwiseBinary(spec.name, spec.f),
    jvp: ([x, y], [dx, dy], out) => sumPresent(dx && spec.dfdx(x!, y!, out).mul(dx), dy && spec.dfdy(x!, y!, out).mul(dy)),
    vjp: (ct, [x, y], out, _, needed) => [needed[0] ? ct.mul(spec.dfdx(x!, y!, out)) : null, needed[1] ? ct.mul(spec.dfdy(x!, y!, out)) : null],
    test: {
      cases: broadcastCases,
      domain: spec.domain ?? [-2, 2],
      ...(spec.kinks ? { kinks: spec.kinks } : {}),
      ...(spec.secondOrder === false ? { secondOrder: false } : {}),
    },
  };
}

/** The shape rule and forward kernel of an elementwise binary op with NumPy broadcasting. */
export function elementwiseBinary(name: string, f: (x: number, y: number) => number): Pick<OpRule, "shape" | "forward" | "cost" | "batching"> {
  return {
    batching: "broadcasts",
    shape: ([x, y]) => broadcastShapes(name, x!.shape, y!.shape),
    forward: ([x, y], _, outShape, dtype) => kernels.zip(name, x!.data, x!.shape, y!.data, y!.shape, outShape, dtype, f),
    cost: (_, out) => sizeOf(out),
  };
}

/** Test cases for a binary op: two shapes that broadcast. */
export function broadcastCases(g: CaseGen): { shapes: number[][]; params: undefined } {
  return { shapes: g.broadcastPair(), params: undefined };
}

/** Adds tangents where present: the JVP of a sum of terms, some of which have a zero (null) tangent. */
export function sumPresent(...terms: (Tensor | null | undefined)[]): Tensor | null {
  let total: Tensor | null = null;
  for (const t of terms) if (t) total = total ? total.add(t) : t;
  return total;
}
