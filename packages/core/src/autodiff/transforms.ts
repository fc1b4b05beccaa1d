import { GradError, ShapeError, ValueError } from "../errors.js";
import { sameShape } from "../shape.js";
import { Tensor, type TensorLike } from "../tensor.js";
import { zerosLike } from "../creation.js";
import { reshape } from "../ops/reshape.js";
import { computeGradients, seedFor } from "./backward.js";
import { insideTransform, isGradEnabled, withGradEnabled, withinTransform } from "./mode.js";

/** A function of tensors that returns a tensor, as the transforms take. */
export type TensorFunction = (...args: Tensor[]) => Tensor;

/** Which arguments to differentiate: one index, or several (the result is then a list). */
export interface ArgnumsOption<A extends number | readonly number[]> {
  argnums?: A;
}

/** What `grad` returns for an `argnums` option: one tensor for an index, a list for a list. */
export type GradResult<A> = A extends readonly number[] ? Tensor[] : Tensor;

/**
 * The argument made into a fresh differentiation variable. An argument that is already taped (by an
 * outer `grad` or `backward`) is passed through a taped reshape, so the outer derivative still flows;
 * otherwise a new leaf shares its values (and its forward-mode tangent, if it has one).
 */
function variable(op: string, arg: TensorLike, index: number): Tensor {
  if (typeof arg === "number") arg = new Tensor(Float32Array.of(arg), [], "float32");
  if (!(arg instanceof Tensor)) throw new ValueError(op, `argument ${index} must be a Tensor or a number, got ${typeof arg}`);
  if (arg.requiresGrad) return reshape(arg, arg.shape);
  const v = new Tensor(arg.dual ? null : arg.data, arg.shape, arg.dtype, arg.dual);
  v.requiresGrad = true;
  return v;
}

function checkOutput(op: string, out: unknown): Tensor {
  if (!(out instanceof Tensor)) throw new ValueError(op, `the function must return a Tensor, got ${out === null ? "null" : typeof out}`);
  return out;
}

/**
 * Reverse mode on a function: evaluates `f` on fresh variables and returns its output with a pullback
 * that maps an output cotangent to the cotangents of all arguments. The pullback can be called many
 * times. Its computation is itself taped when anything outside the function's own arguments requires grad
 * (an enclosing `grad`, or parameters captured by the closure), so transforms nest without flags.
 */
function trace(op: string, f: TensorFunction, args: readonly TensorLike[]): { out: Tensor; pull: (ct: Tensor, retain: boolean) => Tensor[] } {
  if (typeof f !== "function") throw new ValueError(op, `expected a function, got ${typeof f}`);
  const nested = insideTransform();
  const outerGradEnabled = isGradEnabled();
  return withinTransform(() => {
    const vars = args.map((a, i) => variable(op, a, i));
    // An enclosing noGrad does not switch the transform off (as with torch.func.grad): it only means
    // that the transform's own computation is not taped for anyone outside.
    const out = checkOutput(op, withGradEnabled(true, () => f(...vars)));
    const targets = new Set(vars);
    const pull = (ct: Tensor, retain: boolean): Tensor[] => {
      if (!out.requiresGrad) return vars.map((v) => zerosLike(v));
      const createGraph = outerGradEnabled && (nested || vars.some((v) => v.node !== null) || capturesTapedValues(out, targets));
      const cts = computeGradients([out], [ct], targets, { retainGraph: retain || createGraph, createGraph });
      return vars.map((v) => cts.get(v) ?? zerosLike(v));
    };
    return { out, pull };
  });
}

/** Whether the graph of `out` reaches a leaf that requires grad other than the transform's own variables. */
function capturesTapedValues(out: Tensor, own: ReadonlySet<Tensor>): boolean {
  const seen = new Set<Tensor>([out]);
  const stack = [out];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (t.node === null) {
      if (t.requiresGrad && !own.has(t)) return true;
      continue;
    }
    for (const x of t.node.inputs) {
      if (!seen.has(x) && (x.requiresGrad || x.node !== null)) {
        seen.add(x);
        stack.push(x);
      }
    }
  }
  return false;
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
  options: ArgnumsOption<A> = {},
): (...args: TensorLike[]) => [Tensor, GradResult<A>] {
  return (...args) => {
    const { out, pull } = trace("grad", f, args);
    if (out.size !== 1) throw new GradError("grad", `the function must return a scalar, got ${out}; use vjp or jacrev for other outputs`);
    const grads = pull(seedFor(out, undefined), false);
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
export function grad<A extends number | readonly number[] = 0>(f: TensorFunction, options: ArgnumsOption<A> = {}): (...args: TensorLike[]) => GradResult<A> {
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
  return [out, (ct) => pull(seedFor(out, checkCotangent(out, ct)), true)];
}

function checkCotangent(out: Tensor, ct: TensorLike): TensorLike {
  if (ct instanceof Tensor && !sameShape(ct.shape, out.shape)) {
    throw new ShapeError("vjp", `the cotangent must have the output's shape`, [ct.shape, out.shape]);
  }
  return ct;
}
