import { DTypeError, ShapeError, ValueError } from "../errors.js";
import { sameShape } from "../shape.js";
import { Tensor, type TensorLike } from "../tensor.js";
import { zerosLike } from "../creation.js";
import type { TensorFunction } from "./transforms.js";
import { checkFunction, checkReturned, tensorArgument } from "./arguments.js";
import { closeLevel, openLevel } from "./mode.js";


/**
 * Forward mode: evaluates f at `primals` and pushes `tangents` through every primitive's JVP rule
 * alongside, returning `[f(primals), J·tangents]`. Nothing is taped and no finite differences are taken.
 * Each call opens its own level, so nested calls (and `jvp` of a `grad`) never mix their tangents.
 * @example
 * ```ts
 * const [y, dy] = jvp((x) => x.mul(x), [tensor([3])], [tensor([1])]);
 * y.toArray();  // [9]
 * dy.toArray(); // [6]
 * ```
 */
export function jvp(f: TensorFunction, primals: readonly TensorLike[], tangents: readonly TensorLike[]): [Tensor, Tensor] {
  checkFunction("jvp", f);
  if (!Array.isArray(primals) || !Array.isArray(tangents) || primals.length !== tangents.length) {
    throw new ValueError("jvp", `primals and tangents must be arrays of the same length`);
  }
  const xs = primals.map((p, i) => tensorArgument("jvp", `primal ${i}`, p));
  const dxs = xs.map((x, i) => {
    const dx = tensorArgument("jvp", `tangent ${i}`, tangents[i], x.dtype);
    if (!sameShape(dx.shape, x.shape)) throw new ShapeError("jvp", `tangent ${i} must have its primal's shape`, [x.shape, dx.shape]);
    if (dx.dtype !== x.dtype) throw new DTypeError("jvp", `tangent ${i} is ${dx.dtype} but its primal is ${x.dtype}; cast one of them`);
    return dx;
  });
  const level = openLevel();
  try {
    const duals = xs.map((x, i) => new Tensor(null, x.shape, x.dtype, { level, primal: x, tangent: dxs[i]! }));
    const out = checkReturned("jvp", f(...duals));
    if (out.dual?.level !== level) return [out, zerosLike(out)]; // the output does not depend on the primals
    return [out.dual.primal, out.dual.tangent ?? zerosLike(out.dual.primal)];
  } finally {
    closeLevel(level);
  }
}
