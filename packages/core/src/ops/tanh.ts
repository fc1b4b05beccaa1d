import { apply } from "../autodiff/apply.js";
import { tanh32 } from "../kernels/float32Math.js";
import { tanhLanes } from "../kernels/wasm/float32Lanes.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { unary } from "./define.js";
import { mul } from "./mul.js";
import { add } from "./add.js";
import { neg } from "./neg.js";

const sub1 = (t: Tensor): Tensor => add(neg(t), 1);
export const tanhOp = unary({
  name: "tanh",
  f: Math.tanh,
  // float32: an algorithm in float32 arithmetic that four SIMD lanes repeat bit for bit (float32Math.ts)
  f32: tanh32,
  simd(x) {
    return tanhLanes(x, this);
  },
  df: ({ out }) => sub1(mul(out, out)), // 1 - tanh²,
  domain: [-3, 3],
});

/**
 * Elementwise hyperbolic tangent. A primitive rather than a composite: every formula in exp loses
 * relative precision near 0 (1 - e^(-2x) cancels), and an odd polynomial there does not. float32 tensors
 * get float32 arithmetic (that polynomial below 0.625, 1 − 2/(e^2|x| + 1) above), within 1 ulp of the
 * rounded true value and the same bits in eager and under `jit`, whose fused loops run it four lanes at a
 * time; float64 tensors get `Math.tanh`.
 * @example
 * ```ts
 * tanh(tensor([0])).toArray(); // [0]
 * ```
 */
export function tanh(x: TensorLike): Tensor {
  return apply(tanhOp, [x], undefined);
}
