import { ValueError, type Storage } from "@tapegrad/core";
import { defineWasmKernel, runInBlocks } from "@tapegrad/core/wasm";
import { adamFunc } from "./adamSimd.js";

/** The scalars of one Adam update (see `fusedAdam`). */
export interface AdamScalars {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** α / (1 − β1^k): the learning rate with the first moment's bias correction folded in. */
  readonly stepSize: number;
  /** √(1 − β2^k): the second moment's bias correction. */
  readonly correction2: number;
  /** 1 − αλ for AdamW's decoupled weight decay; 1 for none. */
  readonly decay: number;
}

/** The arrays of one Adam update, all of one length: the parameter, its gradient, and the two moments. */
export interface AdamBuffers {
  readonly param: Storage;
  readonly grad: Storage;
  /** The first moment (torch's `exp_avg`). */
  readonly m: Storage;
  /** The second moment (torch's `exp_avg_sq`). */
  readonly s: Storage;
}

/** The exports of the module built from `adamFunc` (see adamSimd.ts for the arguments). */
interface AdamExports {
  adam(p: number, g: number, m: number, s: number, groups: number, beta1: number, c1: number, beta2: number, c2: number, stepSize: number, correction2: number, eps: number, decay: number): void;
}

/** The SIMD kernel, registered with core: it runs on core's shared WebAssembly memory when the fast kernels are active. */
const adamKernel = defineWasmKernel<AdamExports>({ name: "adam", build: () => [adamFunc()] });

/**
 * Adam's update of a float32 parameter in place on its WebAssembly SIMD kernel (adamSimd.ts; four lanes
 * at a time, in float32, as torch.optim runs float32 parameters):
 * `p ← p·decay; m ← β1 m + (1 − β1) g; s ← β2 s + (1 − β2) g²; p ← p − stepSize · m / (√s / correction2 + ε)`.
 *
 * Returns false, changing nothing, where it does not apply (storage other than float32, no WebAssembly
 * SIMD, or the reference kernels active), so that the caller runs the reference loop; `AdaptiveMoments`
 * uses it for the Adam family's common case (no AMSGrad, no L2 penalty, Adam's statistic).
 * @example
 * ```ts
 * // Adam's first step (k = 1) with α = 1e-3: p moves by α against the gradient's sign.
 * const [p, g, m, s] = [Float32Array.of(1), Float32Array.of(0.5), new Float32Array(1), new Float32Array(1)];
 * fusedAdam({ param: p, grad: g, m, s }, { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 1e-3 / 0.1, correction2: Math.sqrt(0.001), decay: 1 }); // true; p ≈ [0.999]
 * ```
 */
export function fusedAdam(buffers: AdamBuffers, h: AdamScalars): boolean {
  const { param, grad, m, s } = buffers;
  const lengths = [param, grad, m, s].map((x) => x.length);
  if (lengths.some((n) => n !== param.length)) {
    throw new ValueError("fusedAdam", `the parameter, gradient and moment buffers must have one length, got ${lengths.join(", ")}`);
  }
  if (!(param instanceof Float32Array && grad instanceof Float32Array && m instanceof Float32Array && s instanceof Float32Array)) return false;
  const k = adamKernel.acquire();
  if (k === null) return false;
  // Parameter, gradient and the two moments go in; all but the gradient come back.
  runInBlocks(k, { operands: [param, grad, m, s], updated: [0, 2, 3] }, ([atP, atG, atM, atS], groups) =>
    k.exports.adam(atP!, atG!, atM!, atS!, groups, h.beta1, 1 - h.beta1, h.beta2, 1 - h.beta2, h.stepSize, h.correction2, h.eps, h.decay),
  );
  return true;
}
