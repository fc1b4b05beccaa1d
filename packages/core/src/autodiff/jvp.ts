import { DTypeError, ShapeError, ValueError } from "../errors.js";
import { sameShape } from "../shape.js";
import { Tensor, type TensorLike } from "../tensor.js";
import { zerosLike } from "../creation.js";
import type { TensorFunction } from "./transforms.js";
import { checkFunction } from "./arguments.js";
import { flattenArgs, flattenOutput, matchingLeaves, unflattenArgs } from "./flatArgs.js";
import { treeUnflatten, type TensorTree } from "./tree.js";
import { closeLevel, openLevel } from "./mode.js";


/**
 * Forward mode: evaluates f at `primals` and pushes `tangents` through every primitive's JVP rule
 * alongside, returning `[f(primals), J·tangents]`. Nothing is taped and no finite differences are taken.
 * Each call opens its own level, so nested calls (and `jvp` of a `grad`) never mix their tangents.
 * Primals may be pytrees; each tangent has its primal's structure, and the output tangent the output's.
 * @example
 * ```ts
 * const [y, dy] = jvp((x) => x.mul(x), [tensor([3])], [tensor([1])]);
 * y.toArray();  // [9]
 * dy.toArray(); // [6]
 * ```
 */
export function jvp(f: TensorFunction, primals: readonly TensorLike[], tangents: readonly TensorLike[]): [Tensor, Tensor];
export function jvp<F extends (...args: never[]) => unknown>(f: F, primals: Parameters<F>, tangents: TensorTree<Parameters<F>>): [TensorTree<ReturnType<F>>, TensorTree<ReturnType<F>>];
export function jvp(f: (...args: never[]) => unknown, primals: readonly unknown[], tangents: readonly unknown[]): [unknown, unknown] {
  checkFunction("jvp", f);
  if (!Array.isArray(primals) || !Array.isArray(tangents) || primals.length !== tangents.length) {
    throw new ValueError("jvp", `primals and tangents must be arrays of the same length`);
  }
  const flat = flattenArgs("jvp", primals, "primal");
  const xs = flat.leaves;
  const given = matchingLeaves("jvp", flat, tangents, "tangent");
  const dxs = given.leaves.map((dx, i) => {
    const x = xs[i]!;
    const at = given.paths[i]!;
    if (!sameShape(dx.shape, x.shape)) throw new ShapeError("jvp", `${at} must have its primal's shape`, [x.shape, dx.shape]);
    if (dx.dtype !== x.dtype) throw new DTypeError("jvp", `${at} is ${dx.dtype} but its primal is ${x.dtype}; cast one of them`);
    return dx;
  });
  const level = openLevel();
  try {
    const duals = xs.map((x, i) => new Tensor(null, x.shape, x.dtype, { level, primal: x, tangent: dxs[i]! }));
    const [outs, def] = flattenOutput("jvp", (f as (...args: unknown[]) => unknown)(...unflattenArgs(flat, duals)));
    // An output that is not a dual of this level does not depend on the primals: its tangent is zero.
    const values = outs.map((out) => (out.dual?.level === level ? out.dual.primal : out));
    const dys = outs.map((out, i) => (out.dual?.level === level ? out.dual.tangent : null) ?? zerosLike(values[i]!));
    return [treeUnflatten(def, values), treeUnflatten(def, dys)];
  } finally {
    closeLevel(level);
  }
}
