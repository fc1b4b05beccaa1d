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
import { grad, vjp, type ArgnumsOption, type GradResult, type TensorFunction } from "./transforms.js";

/** Options of `jacrev` and `jacfwd`. */
export interface JacobianOptions<A extends number | readonly number[] = number> extends ArgnumsOption<A> {
  /**
   * `jacfwd` only: the most input directions pushed through f in one pass. Every intermediate value
   * of f carries one tangent row per direction, so memory grows with it; smaller chunks re-run f's
   * primal computation once per chunk. Default: all directions in one pass.
   */
  chunkSize?: number;
}

/** One Jacobian per chosen argument, from the `[outSize, Σ sizes]` matrix's column blocks (or row blocks). */
function result<A>(p: Problem, perArgument: Tensor[]): GradResult<A> {
  return (typeof p.argnums === "number" ? perArgument[0]! : perArgument) as GradResult<A>;
}

/**
 * The Jacobian by reverse mode: one pullback (one backward pass over the recorded tape) per output
 * element. For each chosen argument x the result has shape `[...out.shape, ...x.shape]`; `argnums` as a
 * list gives a list. Cheaper than `jacfwd` when f has fewer outputs than inputs (a wide Jacobian).
 * @example
 * ```ts
 * jacrev((x) => x.mul(x))(tensor([1, 2])).toArray(); // [[2, 0], [0, 4]]
 * jacrev((x, y) => x.mul(y), { argnums: [0, 1] })(tensor([1, 2]), tensor([3, 4])); // [J_x, J_y]
 * ```
 */
export function jacrev<A extends number | readonly number[] = 0>(f: TensorFunction, options: JacobianOptions<A> = {}): (...args: TensorLike[]) => GradResult<A> {
  return (...args) => {
    const p = problem("jacrev", f, args, options.argnums ?? 0);
    const [out, pullback] = vjp(p.g, ...p.xs);
    const matrices = pullRows(out, (ct) => pullback(ct), p.xs, range(0, out.size));
    return result<A>(p, matrices.map((m, a) => reshape(m, [...out.shape, ...p.xs[a]!.shape])));
  };
}

/**
 * The Jacobian by forward mode: the whole identity (one tangent row per input element, across all
 * chosen arguments) is pushed through f's JVP rules in one batched pass, which is literally the product
 * of f's Jacobians taken from the input side. For each chosen argument x the result has shape
 * `[...out.shape, ...x.shape]`; `argnums` as a list gives a list. Cheaper than `jacrev` when f has fewer
 * inputs than outputs (a tall Jacobian). `chunkSize` bounds the directions per pass.
 * @example
 * ```ts
 * jacfwd((x) => x.sum())(tensor([1, 2])).toArray(); // [1, 1]
 * jacfwd((x) => x.mul(x), { chunkSize: 1 })(tensor([1, 2])).toArray(); // [[2, 0], [0, 4]]
 * ```
 */
export function jacfwd<A extends number | readonly number[] = 0>(f: TensorFunction, options: JacobianOptions<A> = {}): (...args: TensorLike[]) => GradResult<A> {
  const chunkSize = options.chunkSize;
  if (chunkSize !== undefined && (!Number.isInteger(chunkSize) || chunkSize < 1)) {
    throw new ValueError("jacfwd", `chunkSize must be a positive integer, got ${chunkSize}`);
  }
  return (...args) => {
    const p = problem("jacfwd", f, args, options.argnums ?? 0);
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
    return result<A>(
      p,
      p.xs.map((x) => {
        const block = slice(all, [offset, ...out!.shape.map(() => 0)], [x.size, ...out!.shape]);
        offset += x.size;
        return reshape(transpose(block, [...range(1, rank + 1), 0]), [...out!.shape, ...x.shape]);
      }),
    );
  };
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

/**
 * The Hessian of a scalar-valued f, forward over reverse: `jacfwd(grad(f))`, so one batched JVP of the
 * gradient's computation. Shape `[...x.shape, ...x.shape]` for the argument `argnums` (default 0).
 * @example
 * ```ts
 * hessian((x) => x.pow(3).sum())(tensor([1, 2], { dtype: "float64" })).toArray(); // [[6, 0], [0, 12]]
 * ```
 */
export function hessian(f: TensorFunction, options: JacobianOptions<number> = {}): (...args: TensorLike[]) => Tensor {
  const argnums = options.argnums ?? 0;
  const g = grad(scalarValued("hessian", f), { argnums });
  return jacfwd(g, { argnums, ...(options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize }) });
}

/**
 * The Hessian-vector product H·v of a scalar-valued f at x, by one JVP of the gradient (forward over
 * reverse), without building H: it costs a small constant times one gradient.
 * @example
 * ```ts
 * hvp((x) => x.pow(3).sum(), tensor([1, 2]), tensor([1, 0])).toArray(); // [6, 0]
 * ```
 */
export function hvp(f: TensorFunction, x: TensorLike, v: TensorLike): Tensor {
  if (x instanceof Tensor && v instanceof Tensor && !sameShape(x.shape, v.shape)) {
    throw new ShapeError("hvp", `v must have x's shape`, [x.shape, v.shape]);
  }
  return jvp(grad(scalarValued("hvp", f)), [x], [v])[1];
}
