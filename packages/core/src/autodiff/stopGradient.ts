import { Tensor, type TensorLike } from "../tensor.js";
import { asEngine } from "./hooks.js";

/**
 * The same values with no derivative in either mode: cut off from the tape and from every forward-mode
 * tangent (JAX's `stop_gradient`; `x.detach()` is the method form).
 * @example
 * ```ts
 * const x = tensor([2], { requiresGrad: true });
 * x.mul(stopGradient(x)).sum().backward(); // x.grad is [2], not [4]
 * ```
 */
export function stopGradient(x: TensorLike): Tensor {
  if (typeof x === "number") return new Tensor(Float32Array.of(x), [], "float32");
  // Under vmap the examples stay batched; only the derivatives are cut.
  if (x.batch !== null) return new Tensor(null, x.shape, x.dtype, null, { level: x.batch.level, value: stopGradient(x.batch.value) });
  if (x.dual !== null) return stopGradient(x.dual.primal);
  return new Tensor(asEngine(() => x.data), x.shape, x.dtype); // the same values, not a read of them
}
