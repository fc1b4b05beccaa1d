import { DTypeError, ShapeError, ValueError } from "../errors.js";
import { sameShape } from "../shape.js";
import { Tensor, type TensorLike } from "../tensor.js";
import { zerosLike } from "../creation.js";
import type { TensorFunction } from "./transforms.js";
import { closeLevel, openLevel } from "./mode.js";

function asTensor(op: string, what: string, value: unknown, dtype: "float32" | "float64" = "float32"): Tensor {
  if (value instanceof Tensor) return value;
  if (typeof value === "number") return new Tensor(dtype === "float64" ? Float64Array.of(value) : Float32Array.of(value), [], dtype);
  throw new ValueError(op, `${what} must be a Tensor or a number, got ${value === null ? "null" : typeof value}`);
}

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
  if (typeof f !== "function") throw new ValueError("jvp", `expected a function, got ${typeof f}`);
  if (!Array.isArray(primals) || !Array.isArray(tangents) || primals.length !== tangents.length) {
    throw new ValueError("jvp", `primals and tangents must be arrays of the same length`);
  }
  const xs = primals.map((p, i) => asTensor("jvp", `primal ${i}`, p));
  const dxs = xs.map((x, i) => {
    const dx = asTensor("jvp", `tangent ${i}`, tangents[i], x.dtype);
    if (!sameShape(dx.shape, x.shape)) throw new ShapeError("jvp", `tangent ${i} must have its primal's shape`, [x.shape, dx.shape]);
    if (dx.dtype !== x.dtype) throw new DTypeError("jvp", `tangent ${i} is ${dx.dtype} but its primal is ${x.dtype}; cast one of them`);
    return dx;
  });
  const level = openLevel();
  try {
    const duals = xs.map((x, i) => new Tensor(null, x.shape, x.dtype, { level, primal: x, tangent: dxs[i]! }));
    const out = f(...duals);
    if (!(out instanceof Tensor)) throw new ValueError("jvp", `the function must return a Tensor, got ${out === null ? "null" : typeof out}`);
    if (out.dual?.level !== level) return [out, zerosLike(out)]; // the output does not depend on the primals
    return [out.dual.primal, out.dual.tangent ?? zerosLike(out.dual.primal)];
  } finally {
    closeLevel(level);
  }
}
