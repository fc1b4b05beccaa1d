import { GradError, ValueError } from "../errors.js";
import { Tensor, type TensorLike } from "../tensor.js";
import { zeros } from "../creation.js";
import { concat } from "../ops/concat.js";
import { reshape } from "../ops/reshape.js";
import { jvp } from "./jvp.js";
import { grad, vjp, type TensorFunction } from "./transforms.js";

/** Options of the Jacobian transforms. */
export interface JacobianOptions {
  /** Which argument to differentiate with respect to. Default 0. */
  argnums?: number;
}

/** A one-hot tensor of `shape` with a 1 at flat index `i`. */
function basis(shape: readonly number[], dtype: Tensor["dtype"], i: number): Tensor {
  const e = zeros(shape, { dtype });
  e.data[i] = 1;
  return e;
}

function argument(op: string, args: readonly TensorLike[], argnums: number): Tensor {
  const x = args[argnums];
  if (x instanceof Tensor) return x;
  if (typeof x === "number") return new Tensor(Float32Array.of(x), [], "float32");
  throw new ValueError(op, `argument ${argnums} must be a Tensor or a number, got ${typeof x}`);
}

/** f as a function of argument `argnums` alone, the others held fixed. */
function partial(f: TensorFunction, args: readonly TensorLike[], argnums: number): TensorFunction {
  return (x) => f(...args.map((a, i) => (i === argnums ? x : a)) as Tensor[]);
}

/**
 * The Jacobian by reverse mode, one pullback per output element: shape `[...out.shape, ...x.shape]`.
 * Cheaper than `jacfwd` when the function has fewer outputs than inputs.
 * @example
 * ```ts
 * jacrev((x) => x.mul(x))(tensor([1, 2])).toArray(); // [[2, 0], [0, 4]]
 * ```
 */
export function jacrev(f: TensorFunction, options: JacobianOptions = {}): (...args: TensorLike[]) => Tensor {
  const argnums = options.argnums ?? 0;
  return (...args) => {
    const x = argument("jacrev", args, argnums);
    const [out, pullback] = vjp(partial(f, args, argnums), x);
    const rows = Array.from({ length: out.size }, (_, i) => reshape(pullback(basis(out.shape, out.dtype, i))[0]!, [1, x.size]));
    const matrix = rows.length > 0 ? concat(rows, 0) : zeros([0, x.size], { dtype: x.dtype });
    return reshape(matrix, [...out.shape, ...x.shape]);
  };
}

/**
 * The Jacobian by forward mode, one JVP per input element: shape `[...out.shape, ...x.shape]`.
 * Cheaper than `jacrev` when the function has fewer inputs than outputs.
 * @example
 * ```ts
 * jacfwd((x) => x.sum())(tensor([1, 2])).toArray(); // [1, 1]
 * ```
 */
export function jacfwd(f: TensorFunction, options: JacobianOptions = {}): (...args: TensorLike[]) => Tensor {
  const argnums = options.argnums ?? 0;
  return (...args) => {
    const x = argument("jacfwd", args, argnums);
    const g = partial(f, args, argnums);
    const columns = Array.from({ length: x.size }, (_, j) => jvp(g, [x], [basis(x.shape, x.dtype, j)]));
    const outShape = columns[0]?.[0].shape ?? g(x).shape;
    const outSize = outShape.reduce((a, b) => a * b, 1);
    const matrix = columns.length > 0 ? concat(columns.map(([, t]) => reshape(t, [outSize, 1])), 1) : zeros([outSize, 0], { dtype: x.dtype });
    return reshape(matrix, [...outShape, ...x.shape]);
  };
}

/**
 * The Hessian of a scalar-valued f, forward over reverse (`jacfwd(grad(f))`): shape `[...x.shape, ...x.shape]`.
 * @example
 * ```ts
 * hessian((x) => x.pow(3).sum())(tensor([1, 2], { dtype: "float64" })).toArray(); // [[6, 0], [0, 12]]
 * ```
 */
export function hessian(f: TensorFunction, options: JacobianOptions = {}): (...args: TensorLike[]) => Tensor {
  const argnums = options.argnums ?? 0;
  return (...args) => {
    const out = f(...args.map((a) => (typeof a === "number" ? new Tensor(Float32Array.of(a), [], "float32") : a)));
    if (!(out instanceof Tensor) || out.size !== 1) throw new GradError("hessian", `the function must return a scalar, got ${String(out)}`);
    return jacfwd(grad(f, { argnums }), { argnums })(...args);
  };
}

/**
 * The Hessian-vector product H·v of a scalar-valued f, by one forward-over-reverse pass, without
 * building H.
 * @example
 * ```ts
 * hvp((x) => x.pow(3).sum(), tensor([1, 2]), tensor([1, 0])).toArray(); // [6, 0]
 * ```
 */
export function hvp(f: TensorFunction, x: TensorLike, v: TensorLike): Tensor {
  return jvp(grad(f), [x], [v])[1];
}
