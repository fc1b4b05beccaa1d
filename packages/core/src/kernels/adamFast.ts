import type { Storage } from "../dtype.js";
import { ValueError } from "../errors.js";
import { kernels } from "./active.js";
import { reserve, wasmRuntime } from "./wasm/runtime.js";

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

/**
 * Elements per block: the four arrays' blocks (4 × 16 KiB) stay in cache between being copied into
 * WebAssembly memory, updated and copied back, so main memory sees each array once, as in a plain loop.
 */
const BLOCK = 4096;

/**
 * Adam's update of a float32 parameter in place on the WebAssembly SIMD kernel (four lanes at a time,
 * in float32, as torch.optim runs float32 parameters):
 * `p ← p·decay; m ← β1 m + (1 − β1) g; s ← β2 s + (1 − β2) g²; p ← p − stepSize · m / (√s / correction2 + ε)`.
 *
 * Returns false, changing nothing, where it does not apply (storage other than float32, no WebAssembly
 * SIMD, or the reference kernels active), so that the caller runs its own loop; optimizers use it for
 * the Adam family's common case (no AMSGrad, no L2 penalty).
 * @example
 * ```ts
 * // Adam's first step (k = 1) with α = 1e-3: p moves by α against the gradient's sign.
 * const [p, g, m, s] = [Float32Array.of(1), Float32Array.of(0.5), new Float32Array(1), new Float32Array(1)];
 * fusedAdam(p, g, m, s, { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 1e-3 / 0.1, correction2: Math.sqrt(0.001), decay: 1 }); // true; p ≈ [0.999]
 * ```
 */
export function fusedAdam(param: Storage, grad: Storage, m: Storage, s: Storage, h: AdamScalars): boolean {
  const lengths = [param, grad, m, s].map((x) => x.length);
  if (lengths.some((n) => n !== param.length)) {
    throw new ValueError("fusedAdam", `the parameter, gradient and moment buffers must have one length, got ${lengths.join(", ")}`);
  }
  if (!(param instanceof Float32Array && grad instanceof Float32Array && m instanceof Float32Array && s instanceof Float32Array)) return false;
  const rt = kernels.name === "fast" ? wasmRuntime() : null;
  if (rt === null) return false;
  reserve(rt, 4 * BLOCK * 4);
  const mem = rt.f32;
  // Float offsets of the four blocks in WebAssembly memory: parameter, gradient, then the two moments.
  const [atP, atG, atM, atS] = [0, BLOCK, 2 * BLOCK, 3 * BLOCK];
  const n = param.length;
  for (let start = 0; start < n; start += BLOCK) {
    const len = Math.min(BLOCK, n - start);
    const padded = Math.ceil(len / 4) * 4;
    for (const [x, at] of [[param, atP], [grad, atG], [m, atM], [s, atS]] as const) {
      mem.set(x.subarray(start, start + len), at);
      mem.fill(0, at + len, at + padded); // zeros in the last group's spare lanes stay finite
    }
    rt.exports.adam(atP * 4, atG * 4, atM * 4, atS * 4, padded / 4, h.beta1, 1 - h.beta1, h.beta2, 1 - h.beta2, h.stepSize, h.correction2, h.eps, h.decay);
    param.set(mem.subarray(atP, atP + len), start);
    m.set(mem.subarray(atM, atM + len), start);
    s.set(mem.subarray(atS, atS + len), start);
  }
  return true;
}
