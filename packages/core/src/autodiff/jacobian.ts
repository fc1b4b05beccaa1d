import { GradError, ShapeError, ValueError } from "../errors.js";
import { sameShape } from "../shape.js";
import { Tensor, type TensorLike } from "../tensor.js";
import { concat } from "../ops/concat.js";
import { reshape } from "../ops/reshape.js";
import { slice } from "../ops/slice.js";
import { transpose } from "../ops/transpose.js";
import { checkFunction, checkReturned } from "./arguments.js";
import { problem, pullRows, pushColumns, range, type Problem } from "./directions.js";
import { jvp } from "./jvp.js";
import { grad, vjp, type ArgnumsOption, type ArgnumsSpec, type GradResult, type TensorFunction, type TreeGrad } from "./transforms.js";
import { flattenArgs, flattenOutput, leafRange, unflattenArgs } from "./flatArgs.js";
import { checkOneDType, pack, unpack } from "./packing.js";
import type { Shape } from "../shape.js";
import { flattenWithPaths, leavesMatching, treeUnflatten, type TensorTree, type Tree, type TreeDef, type TreeWith } from "./tree.js";

/**
 * The type of a Jacobian of f: for an output that is one Tensor, the gradient-shaped tree G (one
 * Jacobian per leaf of the chosen arguments); for a pytree output, that output's structure with a G at
 * each leaf, as JAX nests them (output first, then the arguments).
 */
export type JacobianTree<O, G> = TreeWith<O, G>;

/** Options of `jacrev` and `jacfwd`. */
export interface JacobianOptions<A extends number | readonly number[] = number> extends ArgnumsOption<A> {
  /**
   * `jacfwd` only: the most input directions pushed through f in one pass. Every intermediate value
   * of f carries one tangent row per direction, so memory grows with it; smaller chunks re-run f's
   * primal computation once per chunk. Default: all directions in one pass.
   */
  chunkSize?: number;
}

/**
 * A Jacobian transform over pytree arguments: f is seen as a function of all argument leaves, `compute`
 * gives one Jacobian per leaf of the chosen arguments, and these are put back into each chosen
 * argument's structure (one tree for an index, a list of trees for a list).
 */
function overTrees(op: string, f: (...args: never[]) => unknown, args: readonly unknown[], argnums: ArgnumsSpec, compute: (p: Problem) => Tensor[]): unknown {
  checkFunction(op, f);
  const chosen = typeof argnums === "number" ? [argnums] : [...argnums];
  const flat = flattenArgs(op, args);
  for (const i of chosen) {
    if (!Number.isInteger(i) || i < 0 || i >= args.length) throw new ValueError(op, `argnums ${i} is out of range for ${args.length} arguments`);
  }
  const leafArgnums = chosen.flatMap((i) => leafRange(flat, i));
  const call = f as (...args: unknown[]) => unknown;
  // A pytree output is seen as its leaves laid end to end; the Jacobian's rows are cut back apart below.
  const output: { def: TreeDef; shapes: Shape[] } = { def: { kind: "leaf" }, shapes: [] };
  const g: TensorFunction = (...leaves) => {
    const [outs, def] = flattenOutput(op, call(...unflattenArgs(flat, leaves)));
    if (outs.length === 0) throw new ValueError(op, `the function must return a Tensor or a pytree with at least one Tensor`);
    Object.assign(output, { def, shapes: outs.map((t) => t.shape) });
    if (def.kind === "leaf") return outs[0]!;
    checkOneDType(op, outs, def);
    return pack(outs);
  };
  const xs = leafArgnums.map((i) => flat.leaves[i]!);
  const jacobians = leafArgnums.length === 0 ? [] : compute(problem(op, g, flat.leaves, leafArgnums));
  // For each output leaf, one tree per chosen argument (as grad gives for that argument's leaves).
  const perOutput = (rows: (j: number) => Tensor): unknown => {
    let next = 0;
    const trees = chosen.map((i) => treeUnflatten(flat.defs[i]!, leafRange(flat, i).map(() => rows(next++))));
    return typeof argnums === "number" ? trees[0] : trees;
  };
  if (output.def.kind === "leaf" || jacobians.length === 0) return perOutput((j) => jacobians[j]!);
  const split = jacobians.map((jac, j) => unpack(jac, output.shapes, xs[j]!.shape));
  return treeUnflatten(output.def, output.shapes.map((_, k) => perOutput((j) => split[j]![k]!)));
}

/**
 * The Jacobian by reverse mode: one pullback per output element, pushed through the recorded tape as one
 * batch (`vmap` over the unit cotangents). For each chosen argument x the result has shape `[...out.shape, ...x.shape]`; `argnums` as a
 * list gives a list. Arguments and the output may be pytrees: the result is then the output's structure
 * with, at each leaf, the Jacobians in the arguments' structure. Cheaper than `jacfwd` when f has fewer
 * outputs than inputs (a wide Jacobian).
 * @example
 * ```ts
 * jacrev((x) => x.mul(x))(tensor([1, 2])).toArray(); // [[2, 0], [0, 4]]
 * jacrev((x, y) => x.mul(y), { argnums: [0, 1] })(tensor([1, 2]), tensor([3, 4])); // [J_x, J_y]
 * jacrev((p: { w: Tensor }) => ({ y: p.w.mul(2), s: p.w.sum() }))({ w: tensor([1, 2]) }).s.w.toArray(); // [1, 1]
 * ```
 */
export function jacrev<A extends ArgnumsSpec = 0>(f: TensorFunction, options?: JacobianOptions<A>): (...args: TensorLike[]) => GradResult<A>;
export function jacrev<F extends (...args: never[]) => unknown, const A extends ArgnumsSpec = 0>(f: F, options?: JacobianOptions<A>): (...args: Parameters<F>) => JacobianTree<ReturnType<F>, TreeGrad<Parameters<F>, A>>;
export function jacrev(f: (...args: never[]) => unknown, options: JacobianOptions<ArgnumsSpec> = {}): (...args: never[]) => unknown {
  return (...args: unknown[]) =>
    overTrees("jacrev", f, args, options.argnums ?? 0, (p) => {
      const [out, pullback] = vjp(p.g, ...p.xs);
      const matrices = pullRows(out, (ct) => pullback(ct), p.xs, range(0, out.size));
      return matrices.map((m, a) => reshape(m, [...out.shape, ...p.xs[a]!.shape]));
    });
}

/**
 * The Jacobian by forward mode: the whole identity (one tangent row per input element, across all
 * chosen arguments) is pushed through f's JVP rules in one batched pass, which is literally the product
 * of f's Jacobians taken from the input side. For each chosen argument x the result has shape
 * `[...out.shape, ...x.shape]`; `argnums` as a list gives a list; pytrees as in `jacrev`. It is `vmap`
 * over the input directions of one `jvp`. Cheaper than `jacrev` when f has fewer
 * inputs than outputs (a tall Jacobian). `chunkSize` bounds the directions per pass.
 * @example
 * ```ts
 * jacfwd((x) => x.sum())(tensor([1, 2])).toArray(); // [1, 1]
 * jacfwd((x) => x.mul(x), { chunkSize: 1 })(tensor([1, 2])).toArray(); // [[2, 0], [0, 4]]
 * ```
 */
export function jacfwd<A extends ArgnumsSpec = 0>(f: TensorFunction, options?: JacobianOptions<A>): (...args: TensorLike[]) => GradResult<A>;
export function jacfwd<F extends (...args: never[]) => unknown, const A extends ArgnumsSpec = 0>(f: F, options?: JacobianOptions<A>): (...args: Parameters<F>) => JacobianTree<ReturnType<F>, TreeGrad<Parameters<F>, A>>;
export function jacfwd(f: (...args: never[]) => unknown, options: JacobianOptions<ArgnumsSpec> = {}): (...args: never[]) => unknown {
  const chunkSize = options.chunkSize;
  if (chunkSize !== undefined && (!Number.isInteger(chunkSize) || chunkSize < 1)) {
    throw new ValueError("jacfwd", `chunkSize must be a positive integer, got ${chunkSize}`);
  }
  return (...args: unknown[]) => overTrees("jacfwd", f, args, options.argnums ?? 0, (p) => jacfwdColumns(p, chunkSize));
}

/** The forward-mode Jacobian of each chosen argument of a problem, `chunk` directions per pass. */
function jacfwdColumns(p: Problem, chunkSize: number | undefined): Tensor[] {
    const chunk = chunkSize ?? Math.max(p.inputSize, 1);
    const pieces: Tensor[] = [];
    let out: Tensor | null = null;
    for (let start = 0; start < Math.max(p.inputSize, 1); start += chunk) {
      const [value, columns] = pushColumns("jacfwd", p, range(start, Math.min(p.inputSize, start + chunk)));
      out = value;
      pieces.push(columns);
    }
    // Rows are directions: [Σ sizes, ...out.shape]. Each argument's block moves its axis to the end.
    const all = pieces.length === 1 ? pieces[0]! : concat(pieces, 0);
    const rank = out!.shape.length;
    let offset = 0;
    return p.xs.map((x) => {
      const block = slice(all, [offset, ...out!.shape.map(() => 0)], [x.size, ...out!.shape]);
      offset += x.size;
      return reshape(transpose(block, [...range(1, rank + 1), 0]), [...out!.shape, ...x.shape]);
    });
}

/** f, checked to return one element: the Hessian and H·v are defined for scalar functions only. */
function scalarValued(op: string, f: TensorFunction): TensorFunction {
  checkFunction(op, f);
  return (...args) => {
    const out = checkReturned(op, f(...args));
    if (out.size !== 1) throw new GradError(op, `the function must return a scalar, got ${out}; take jacfwd(jacrev(f)) for a vector function`);
    return out;
  };
}

/** The Hessian's type for a pytree argument T: a tree (T's structure) of trees (T's structure again). */
export type HessianResult<T> = TreeWith<T, TensorTree<T>>;

/**
 * The Hessian of a scalar-valued f, forward over reverse: `jacfwd(grad(f))`, so one batched JVP of the
 * gradient's computation. Shape `[...x.shape, ...x.shape]` for the argument `argnums` (default 0). For a
 * pytree argument the result is a tree of trees, as JAX's: `H.w.b` is the block ∂²f/∂w∂b, of shape
 * `[...w.shape, ...b.shape]`.
 * @example
 * ```ts
 * hessian((x) => x.pow(3).sum())(tensor([1, 2], { dtype: "float64" })).toArray(); // [[6, 0], [0, 12]]
 * ```
 */
export function hessian(f: TensorFunction, options?: JacobianOptions<number>): (...args: TensorLike[]) => Tensor;
export function hessian<F extends (...args: never[]) => Tensor, const A extends number = 0>(f: F, options?: JacobianOptions<A>): (...args: Parameters<F>) => HessianResult<Parameters<F>[A]>;
export function hessian(f: (...args: never[]) => unknown, options: JacobianOptions<number> = {}): (...args: never[]) => unknown {
  const argnums = options.argnums ?? 0;
  const chunk = options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize };
  return (...args: unknown[]) => {
    checkFunction("hessian", f);
    if (!Number.isInteger(argnums) || argnums < 0 || argnums >= args.length) throw new ValueError("hessian", `argnums ${argnums} is out of range for ${args.length} arguments`);
    const flat = flattenArgs("hessian", args);
    const leaves = leafRange(flat, argnums);
    const def = flat.defs[argnums]!;
    if (leaves.length === 0) return treeUnflatten(def, []);
    const call = f as (...args: unknown[]) => unknown;
    const s = scalarValued("hessian", (...ls) => checkReturned("hessian", call(...unflattenArgs(flat, ls))));
    // The gradient over all the argument's leaves, laid end to end, so that one jacfwd gives every block.
    const gradients = grad(s, { argnums: leaves });
    const g: TensorFunction = (...ls) => {
      const parts = gradients(...ls).map((t) => reshape(t, [t.size]));
      return parts.length === 1 ? parts[0]! : concat(parts, 0);
    };
    const columns = jacfwd(g, { argnums: leaves, ...chunk })(...flat.leaves);
    const xs = leaves.map((i) => flat.leaves[i]!);
    let offset = 0;
    const rows = xs.map((xa) => {
      const start = offset;
      offset += xa.size;
      return columns.map((c, j) => {
        const block = xs.length === 1 ? c : slice(c, [start, ...xs[j]!.shape.map(() => 0)], [xa.size, ...xs[j]!.shape]);
        return reshape(block, [...xa.shape, ...xs[j]!.shape]);
      });
    });
    return treeUnflatten(def, rows.map((row) => treeUnflatten(def, row)));
  };
}

/**
 * The Hessian-vector product H·v of a scalar-valued f at x, by one JVP of the gradient (forward over
 * reverse), without building H: it costs a small constant times one gradient. x may be a pytree; v then
 * has its structure, and so has the result.
 * @example
 * ```ts
 * hvp((x) => x.pow(3).sum(), tensor([1, 2]), tensor([1, 0])).toArray(); // [6, 0]
 * ```
 */
export function hvp(f: TensorFunction, x: TensorLike, v: TensorLike): Tensor;
export function hvp<T extends Tree>(f: (x: T) => Tensor, x: T, v: TensorTree<T>): TensorTree<T>;
export function hvp(f: (x: never) => Tensor, x: unknown, v: unknown): unknown {
  checkFunction("hvp", f);
  const primal = flattenWithPaths(x, "hvp", "x");
  const tangent = leavesMatching("hvp", primal.def, v, "v");
  primal.leaves.forEach((leaf, i) => {
    const dv = tangent[i]!;
    if (leaf instanceof Tensor && dv instanceof Tensor && !sameShape(leaf.shape, dv.shape)) {
      throw new ShapeError("hvp", `v${primal.paths[i]!.slice(1)} must have x${primal.paths[i]!.slice(1)}'s shape`, [leaf.shape, dv.shape]);
    }
  });
  const call = f as (x: unknown) => Tensor;
  const gradient = grad(scalarValued("hvp", (t) => call(t))) as (t: unknown) => unknown;
  return (jvp as (f: (x: unknown) => unknown, primals: unknown[], tangents: unknown[]) => [unknown, unknown])((t) => gradient(t), [x], [v])[1];
}
