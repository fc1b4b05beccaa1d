import { apply } from "../autodiff/apply.js";
import { exp32 } from "../kernels/float32Math.js";
import { expLanes } from "../kernels/wasm/float32Lanes.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { unary } from "./define.js";

export const expOp = unary({
  name: "exp",
  f: Math.exp,
  // float32: an algorithm in float32 arithmetic that four SIMD lanes repeat bit for bit (float32Math.ts)
  f32: exp32,
  simd(x) {
    return expLanes(x, this);
  },
  df: ({ out }) => out, // e^x is its own derivative,
  domain: [-3, 3],
});

/**
 * Elementwise e^x. float32 tensors get float32 arithmetic (Cody–Waite reduction and a polynomial, as
 * PyTorch's vectorised float32 exp), within 1 ulp of the rounded true value and the same bits in eager
 * and under `jit`, whose fused loops run it four lanes at a time; float64 tensors get `Math.exp`.
 * @example
 * ```ts
 * exp(tensor([0, 1])).toArray(); // [1, 2.718281828459045] (float32-rounded)
 * ```
 */
export function exp(x: TensorLike): Tensor {
  return apply(expOp, [x], undefined);
}
