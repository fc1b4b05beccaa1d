import { describeValue, GradError, ShapeError, ValueError } from "../errors.js";
import { sameShape } from "../shape.js";
import { Tensor, type TensorLike } from "../tensor.js";
import { zerosLike } from "../creation.js";
import { reshape } from "../ops/reshape.js";
import { lastSequence } from "./apply.js";
import { computeGradients, seedFor } from "./backward.js";
import { checkFunction, checkReturned, tensorArgument } from "./arguments.js";
import { insideTransform, isGradEnabled, withGradEnabled, withinTransform } from "./mode.js";

/** A function of tensors that returns a tensor, as the transforms take. */
export type TensorFunction = (...args: Tensor[]) => Tensor;

/** Which arguments to differentiate: one index, or several (the result is then a list). */
export interface ArgnumsOption<A extends number | readonly number[]> {
  argnums?: A;
}

/** Options of `grad` and `valueAndGrad`. */
export interface GradOptions<A extends number | readonly number[]> extends ArgnumsOption<A> {
  /**
   * Tape the gradient's own computation, so that a later `backward()` differentiates the gradient with
   * respect to the parameters that f closes over or the taped arguments it was given (a gradient
   * penalty), as `torch.autograd.grad(..., create_graph=True)`. Default false: the gradient is a plain
   * value, and nothing stays on the tape. Inside another transform the graph is made whenever the outer
   * transform needs it, with no option.
   */
  createGraph?: boolean;
}

/** What `grad` returns for an `argnums` option: one tensor for an index, a list for a list. */
export type GradResult<A> = A extends readonly number[] ? Tensor[] : Tensor;

/**
 * The argument made into a fresh differentiation variable. When the transform makes a graph, an argument
 * that is already taped (by an outer `grad` or `backward`) is passed through a taped reshape, so the
 * outer derivative still flows; otherwise a new leaf shares its values (and its forward-mode tangent, if
 * it has one).
 */
function variable(op: string, value: TensorLike, index: number, linked: boolean): Tensor {
  const arg = tensorArgument(op, `argument ${index}`, value);
  if (linked && arg.requiresGrad) return reshape(arg, arg.shape);
  const v = new Tensor(arg.dual ? null : arg.data, arg.shape, arg.dtype, arg.dual);
  v.requiresGrad = true;
  return v;
}

/**
 * Reverse mode on a function: evaluates `f` on fresh variables and returns its output with a pullback
 * that maps an output cotangent to the cotangents of all arguments. The pullback can be called many
 * times. Its computation is itself taped when an outer derivative will flow through it: inside another
 * transform (so transforms nest without flags), or when the caller asks with `createGraph`. Otherwise the
 * result is a plain value, as in JAX and as `torch.autograd.grad` gives by default, also when f closes
 * over parameters that require grad or is given a taped argument, and the walk releases everything f
 * recorded, so calling `grad` in a loop leaves nothing on the tape.
 */
function trace(op: string, f: TensorFunction, args: readonly TensorLike[], createGraphOption = false): { out: Tensor; pull: (ct: Tensor, retain: boolean) => Tensor[] } {
  checkFunction(op, f);
  const nested = insideTransform();
  const outerGradEnabled = isGradEnabled();
  const recordedAfter = lastSequence();
  const createGraph = outerGradEnabled && (nested || createGraphOption);
  return withinTransform(() => {
    const vars = args.map((a, i) => variable(op, a, i, createGraph));
    // An enclosing noGrad does not switch the transform off (as with torch.func.grad): it only means
    // that the transform's own computation is not taped for anyone outside.
    const out = checkReturned(op, withGradEnabled(true, () => f(...vars)));
    const targets = new Set(vars);
    const pull = (ct: Tensor, retain: boolean): Tensor[] => {
      if (!out.requiresGrad) return vars.map((v) => zerosLike(v));
      const cts = computeGradients([out], [ct], targets, { retainGraph: retain || createGraph, createGraph, recordedAfter });
      return vars.map((v) => cts.get(v) ?? zerosLike(v));
    };
    return { out, pull };
  });
}

function pick(argnums: number | readonly number[], count: number, op: string): number[] {
  const list = typeof argnums === "number" ? [argnums] : [...argnums];
  for (const i of list) {
    if (!Number.isInteger(i) || i < 0 || i >= count) throw new ValueError(op, `argnums ${i} is out of range for ${count} arguments`);
  }
  return list;
}

/**
 * `valueAndGrad(f)(...args)` returns `[f(...args), ∇f]` for a scalar-valued f; `argnums` picks which
 * arguments to differentiate (default 0; a list gives a list of gradients).
 * @example
 * ```ts
 * const [value, g] = valueAndGrad((x) => x.mul(x).sum())(tensor([1, 2]));
 * value.item(); // 5
 * g.toArray();  // [2, 4]
 * ```
 */
export function valueAndGrad<A extends number | readonly number[] = 0>(
  f: TensorFunction,
  options: GradOptions<A> = {},
): (...args: TensorLike[]) => [Tensor, GradResult<A>] {
  return (...args) => {
    if (options.createGraph !== undefined && typeof options.createGraph !== "boolean") {
      throw new ValueError("grad", `option createGraph must be a boolean, got ${describeValue(options.createGraph)}`);
    }
    const { out, pull } = trace("grad", f, args, options.createGraph);
    if (out.size !== 1) throw new GradError("grad", `the function must return a scalar, got ${out}; use vjp or jacrev for other outputs`);
    const grads = pull(seedFor(out, undefined, "grad"), false);
    const argnums = options.argnums ?? 0;
    const chosen = pick(argnums, args.length, "grad").map((i) => grads[i]!);
    return [out, (typeof argnums === "number" ? chosen[0]! : chosen) as GradResult<A>];
  };
}

/**
 * `grad(f)` is the function that returns the gradient of a scalar-valued f (JAX semantics). Transforms
 * nest: `grad(grad(f))` gives second derivatives, and `jvp` of a `grad` gives forward-over-reverse.
 * @example
 * ```ts
 * const dsin = grad((x) => x.sin());
 * dsin(tensor(0)).item();        // 1 (cos 0)
 * grad(dsin)(tensor(0)).item();  // -0 (−sin 0)
 * ```
 */
export function grad<A extends number | readonly number[] = 0>(f: TensorFunction, options: GradOptions<A> = {}): (...args: TensorLike[]) => GradResult<A> {
  const vg = valueAndGrad(f, options);
  return (...args) => vg(...args)[1];
}

/**
 * Evaluates f and returns its output with a pullback: `pullback(ct)` gives the cotangents ctᵀ·∂f/∂argᵢ
 * for every argument. The pullback may be called any number of times.
 * @example
 * ```ts
 * const [out, pullback] = vjp((x) => x.mul(3), tensor([1, 2]));
 * pullback(tensor([1, 1]))[0].toArray(); // [3, 3]
 * ```
 */
export function vjp(f: TensorFunction, ...primals: TensorLike[]): [Tensor, (ct: TensorLike) => Tensor[]] {
  const { out, pull } = trace("vjp", f, primals);
  return [out, (ct) => pull(seedFor(out, checkCotangent(out, ct), "vjp"), true)];
}

function checkCotangent(out: Tensor, ct: TensorLike): TensorLike {
  if (ct instanceof Tensor && !sameShape(ct.shape, out.shape)) {
    throw new ShapeError("vjp", `the cotangent must have the output's shape`, [ct.shape, out.shape]);
  }
  return ct;
}
