import { describeValue, GradError, ShapeError, ValueError } from "../errors.js";
import { sameShape } from "../shape.js";
import { isFloat } from "../dtype.js";
import { asEngine } from "./hooks.js";
import { Tensor, type TensorLike } from "../tensor.js";
import { zerosLike } from "../creation.js";
import { reshape } from "../ops/reshape.js";
import { lastSequence } from "./apply.js";
import { computeGradients, seedFor } from "./backward.js";
import { checkFunction, checkReturned } from "./arguments.js";
import { flattenArgs, flattenOutput, unflattenArgs } from "./flatArgs.js";
import { leavesMatching, type TensorTree, type TreeDef } from "./tree.js";
import { insideTransform, isGradEnabled, withGradEnabled, withinTransform } from "./mode.js";

/** A function of tensors that returns a tensor, as the transforms take. */
export type TensorFunction = (...args: Tensor[]) => Tensor;

/** A list of argument positions, or one. */
export type ArgnumsSpec = number | readonly number[];

/**
 * The gradient's type for arguments `P` and `argnums` `A`: the chosen argument's structure with Tensor
 * leaves, or a list of them for a list of positions.
 */
export type TreeGrad<P extends readonly unknown[], A> = A extends number
  ? TensorTree<P[A]>
  : A extends readonly number[]
    ? { -readonly [K in keyof A]: TensorTree<P[A[K] & number]> }
    : never;

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
  /** f returns `[value, aux]`: only value is differentiated, and aux is handed back beside the result. */
  hasAux?: boolean;
}

/** What `grad` returns for an `argnums` option: one tensor for an index, a list for a list. */
export type GradResult<A> = A extends readonly number[] ? Tensor[] : Tensor;

/**
 * A leaf made into a fresh differentiation variable. When the transform makes a graph, a leaf that is
 * already taped (by an outer `grad` or `backward`) is passed through a taped reshape, so the outer
 * derivative still flows; otherwise a new leaf shares its values (and its forward-mode tangent or its
 * vmap batch, if it has one).
 */
function variable(arg: Tensor, linked: boolean): Tensor {
  if (!isFloat(arg.dtype)) return arg; // integers (labels, indices) carry no derivative: their gradient is zeros
  if (linked && arg.requiresGrad) return reshape(arg, arg.shape);
  const v = new Tensor(arg.dual || arg.batch ? null : asEngine(() => arg.data), arg.shape, arg.dtype, arg.dual, arg.batch);
  v.requiresGrad = true;
  return v;
}

/** What `trace` gives: f's output leaves, and the pullback from their cotangents to the inputs'. */
export interface Traced {
  readonly outs: readonly Tensor[];
  pull(cts: readonly Tensor[], retain: boolean): Tensor[];
}

/**
 * Reverse mode on a function of leaves: evaluates `f` on fresh variables and returns its output leaves
 * with a pullback that maps their cotangents to the cotangents of all input leaves. The pullback can be
 * called many times. Its computation is itself taped when an outer derivative will flow through it:
 * inside another transform (so transforms nest without flags), or when the caller asks with
 * `createGraph`. Otherwise the result is a plain value, as in JAX and as `torch.autograd.grad` gives by
 * default, also when f closes over parameters that require grad or is given a taped argument, and the
 * walk releases everything f recorded, so calling `grad` in a loop leaves nothing on the tape.
 * @internal
 */
export function trace(f: (...leaves: Tensor[]) => readonly Tensor[], leaves: readonly Tensor[], createGraphOption = false): Traced {
  const nested = insideTransform();
  const outerGradEnabled = isGradEnabled();
  const recordedAfter = lastSequence();
  const createGraph = outerGradEnabled && (nested || createGraphOption);
  return withinTransform(() => {
    const vars = leaves.map((a) => variable(a, createGraph));
    // An enclosing noGrad does not switch the transform off (as with torch.func.grad): it only means
    // that the transform's own computation is not taped for anyone outside.
    const outs = withGradEnabled(true, () => f(...vars));
    const targets = new Set(vars);
    const pull = (cts: readonly Tensor[], retain: boolean): Tensor[] => {
      const roots = outs.filter((o) => o.requiresGrad);
      if (roots.length === 0) return vars.map((v) => zerosLike(v));
      const seeds = outs.flatMap((o, i) => (o.requiresGrad ? [cts[i]!] : []));
      const got = computeGradients(roots, seeds, targets, { retainGraph: retain || createGraph, createGraph, recordedAfter });
      return vars.map((v) => got.get(v) ?? zerosLike(v));
    };
    return { outs, pull };
  });
}

function pick(argnums: number | readonly number[], count: number, op: string): number[] {
  const list = typeof argnums === "number" ? [argnums] : [...argnums];
  for (const i of list) {
    if (!Number.isInteger(i) || i < 0 || i >= count) throw new ValueError(op, `argnums ${i} is out of range for ${count} arguments`);
  }
  return list;
}

/** `[value, aux]` from a function that has an auxiliary output, or the error naming what it returned. */
function splitAux(out: unknown): [unknown, unknown] {
  if (!Array.isArray(out) || out.length !== 2) {
    throw new ValueError("grad", `with hasAux the function must return [value, aux], got ${describeValue(out)}`);
  }
  return [out[0], out[1]];
}

function checkGradOptions(options: GradOptions<ArgnumsSpec>): void {
  for (const key of ["createGraph", "hasAux"] as const) {
    const v = options[key];
    if (v !== undefined && typeof v !== "boolean") throw new ValueError("grad", `option ${key} must be a boolean, got ${describeValue(v)}`);
  }
}

/** The gradients of the chosen arguments: one tree for an index, a list of trees for a list. */
function chosen(grads: readonly unknown[], argnums: ArgnumsSpec): unknown {
  return typeof argnums === "number" ? grads[argnums] : argnums.map((i) => grads[i]);
}

function valueAndGradOf(f: (...args: never[]) => unknown, options: GradOptions<ArgnumsSpec>): (...args: unknown[]) => [unknown, unknown] {
  checkGradOptions(options);
  return (...args) => {
    checkFunction("grad", f);
    const argnums = options.argnums ?? 0;
    pick(argnums, args.length, "grad");
    const flat = flattenArgs("grad", args);
    let aux: unknown = undefined;
    const call = f as (...args: unknown[]) => unknown;
    const { outs, pull } = trace((...leaves) => {
      const returned = call(...unflattenArgs(flat, leaves));
      const [value, a] = options.hasAux ? splitAux(returned) : [returned, undefined];
      aux = a;
      return [checkReturned("grad", value)];
    }, flat.leaves, options.createGraph);
    const out = outs[0]!;
    if (out.size !== 1) throw new GradError("grad", `the function must return a scalar, got ${out}; use vjp or jacrev for other outputs`);
    const grads = unflattenArgs(flat, pull([seedFor(out, undefined, "grad")], false));
    return [options.hasAux ? [out, aux] : out, chosen(grads, argnums)];
  };
}

/**
 * `valueAndGrad(f)(...args)` returns `[f(...args), ∇f]` for a scalar-valued f; `argnums` picks which
 * arguments to differentiate (default 0; a list gives a list of gradients). An argument may be a pytree
 * (nested arrays and plain objects of tensors): its gradient has the same structure. With `hasAux`, f
 * returns `[value, aux]` and the result is `[[value, aux], ∇f]`, as `jax.value_and_grad(has_aux=True)`.
 * @example
 * ```ts
 * const [value, g] = valueAndGrad((x) => x.mul(x).sum())(tensor([1, 2]));
 * value.item(); // 5
 * g.toArray();  // [2, 4]
 * const [[loss, count], gp] = valueAndGrad((p: { w: Tensor }) => [p.w.sum(), 2] as const, { hasAux: true })({ w: tensor([1, 2]) });
 * gp.w.toArray(); // [1, 1]
 * ```
 */
export function valueAndGrad<F extends (...args: never[]) => readonly [Tensor, unknown], const A extends ArgnumsSpec = 0>(
  f: F,
  options: GradOptions<A> & { hasAux: true },
): (...args: Parameters<F>) => [[Tensor, ReturnType<F>[1]], TreeGrad<Parameters<F>, A>];
export function valueAndGrad<A extends ArgnumsSpec = 0>(f: TensorFunction, options?: GradOptions<A>): (...args: TensorLike[]) => [Tensor, GradResult<A>];
export function valueAndGrad<F extends (...args: never[]) => Tensor, const A extends ArgnumsSpec = 0>(
  f: F,
  options?: GradOptions<A>,
): (...args: Parameters<F>) => [Tensor, TreeGrad<Parameters<F>, A>];
export function valueAndGrad(f: (...args: never[]) => unknown, options: GradOptions<ArgnumsSpec> = {}): (...args: never[]) => unknown {
  return valueAndGradOf(f, options);
}

/**
 * `grad(f)` is the function that returns the gradient of a scalar-valued f (JAX semantics). Transforms
 * nest: `grad(grad(f))` gives second derivatives, and `jvp` of a `grad` gives forward-over-reverse. Over
 * a pytree argument the gradient has the argument's structure. With `hasAux`, f returns `[value, aux]`
 * and the result is `[∇f, aux]`.
 * @example
 * ```ts
 * const dsin = grad((x) => x.sin());
 * dsin(tensor(0)).item();        // 1 (cos 0)
 * grad(dsin)(tensor(0)).item();  // -0 (−sin 0)
 * grad((p: { w: Tensor; b: Tensor }) => p.w.mul(p.b).sum())({ w: tensor([1, 2]), b: tensor(3) }).b.item(); // 3
 * ```
 */
export function grad<F extends (...args: never[]) => readonly [Tensor, unknown], const A extends ArgnumsSpec = 0>(
  f: F,
  options: GradOptions<A> & { hasAux: true },
): (...args: Parameters<F>) => [TreeGrad<Parameters<F>, A>, ReturnType<F>[1]];
export function grad<A extends ArgnumsSpec = 0>(f: TensorFunction, options?: GradOptions<A>): (...args: TensorLike[]) => GradResult<A>;
export function grad<F extends (...args: never[]) => Tensor, const A extends ArgnumsSpec = 0>(f: F, options?: GradOptions<A>): (...args: Parameters<F>) => TreeGrad<Parameters<F>, A>;
export function grad(f: (...args: never[]) => unknown, options: GradOptions<ArgnumsSpec> = {}): (...args: never[]) => unknown {
  const vg = valueAndGradOf(f, options);
  return (...args: unknown[]) => {
    const [value, g] = vg(...args);
    return options.hasAux ? [g, (value as [Tensor, unknown])[1]] : g;
  };
}

/**
 * Evaluates f and returns its output with a pullback: `pullback(ct)` gives the cotangents ctᵀ·∂f/∂argᵢ
 * for every argument, as a list with one entry per argument. The pullback may be called any number of
 * times. Arguments and the output may be pytrees: the cotangent has the output's structure, and each
 * argument's cotangent its argument's.
 * @example
 * ```ts
 * const [out, pullback] = vjp((x) => x.mul(3), tensor([1, 2]));
 * pullback(tensor([1, 1]))[0].toArray(); // [3, 3]
 * ```
 */
export function vjp(f: TensorFunction, ...primals: TensorLike[]): [Tensor, (ct: TensorLike) => Tensor[]];
export function vjp<F extends (...args: never[]) => unknown>(f: F, ...primals: Parameters<F>): [ReturnType<F>, (ct: TensorTree<ReturnType<F>>) => TensorTree<Parameters<F>>];
export function vjp(f: (...args: never[]) => unknown, ...primals: unknown[]): [unknown, (ct: never) => unknown] {
  checkFunction("vjp", f);
  const flat = flattenArgs("vjp", primals);
  const call = f as (...args: unknown[]) => unknown;
  let outDef: TreeDef | null = null;
  let outTree: unknown = null;
  const { outs, pull } = trace((...leaves) => {
    outTree = call(...unflattenArgs(flat, leaves));
    const [outLeaves, def] = flattenOutput("vjp", outTree);
    outDef = def;
    return outLeaves;
  }, flat.leaves);
  const def = outDef!;
  return [
    outTree,
    (ct: unknown) => {
      const cts = leavesMatching("vjp", def, ct, "cotangent").map((c, i) => seedFor(outs[i]!, checkCotangent(outs[i]!, c), "vjp"));
      return unflattenArgs(flat, pull(cts, true));
    },
  ];
}

function checkCotangent(out: Tensor, ct: TensorLike): TensorLike {
  if (ct instanceof Tensor && !sameShape(ct.shape, out.shape)) {
    throw new ShapeError("vjp", `the cotangent must have the output's shape`, [ct.shape, out.shape]);
  }
  return ct;
}
