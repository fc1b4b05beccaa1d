import { apply } from "../autodiff/apply.js";
import { words } from "../dtype.js";
import type { BinarySpan, UnaryLoop } from "../kernels/elementwise.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { f32x4Gt, f32x4Max, v128And, zero128 } from "../kernels/wasm/assembler.js";
import { elementwiseBinary, elementwiseUnary } from "./define.js";
import type { OpRule } from "./rule.js";

/**
 * ReLU and its derivative mask, two primitives in one file because each is the other's rule.
 *
 * ReLU could be the composite `where(x > 0, x, 0)`, and was: that costs a comparison and a select forward
 * and another select backward, three passes over the activations, each allocating. As a primitive it is
 * one pass forward and one backward (`reluGrad`), which is most of what a ReLU costs in a training step,
 * since elementwise work is bound by memory traffic. It also lets a NaN through, as PyTorch's and JAX's
 * ReLU do, where `where(x > 0, ...)` turned it into 0.
 */

const reluOf = (v: number): number => Math.max(v, 0); // NaN stays NaN; −0 becomes 0

/**
 * reluOf over a whole array, chosen on the bits: the element's words where !(x <= 0) (positive or NaN),
 * else +0's (so −0 gives +0, as Math.max). A loop of Math.max branched on a ReLU's random signs and ran at
 * half the speed, so the fast backend runs this loop instead of compiling reluOf's. One loop per word
 * count: a loop over the words of each element ran at about half the speed.
 */
const reluLoop: UnaryLoop = (out, x) => {
  const [ow, xw] = [words(out), words(x)];
  if (x.BYTES_PER_ELEMENT === 4) {
    for (let i = 0; i < x.length; i++) ow[i] = xw[i]! & -+!(x[i]! <= 0);
  } else {
    for (let i = 0; i < x.length; i++) {
      const mask = -+!(x[i]! <= 0);
      ow[2 * i] = xw[2 * i]! & mask;
      ow[2 * i + 1] = xw[2 * i + 1]! & mask;
    }
  }
};

/** g where x > 0, else 0: reluGrad's scalar formula. */
const maskOf = (g: number, x: number): number => (x > 0 ? g : 0);

/** maskOf over a broadcast row, chosen on the bits as reluLoop is (NaN and −0 in g pass unchanged, as a copy). */
const maskSpan: BinarySpan = (out, o, a, ia, sa, b, ib, sb, n) => {
  const [ow, aw] = [words(out), words(a)];
  if (out.BYTES_PER_ELEMENT === 4) {
    for (let e = o + n; o < e; o++, ia += sa, ib += sb) ow[o] = aw[ia]! & -+(b[ib]! > 0);
  } else {
    for (let e = o + n; o < e; o++, ia += sa, ib += sb) {
      const mask = -+(b[ib]! > 0);
      ow[2 * o] = aw[2 * ia]! & mask;
      ow[2 * o + 1] = aw[2 * ia + 1]! & mask;
    }
  }
};

export const reluOp: OpRule<[Tensor]> = {
  ...elementwiseUnary("relu", reluOf, reluLoop),
  // IEEE maximum with +0: max(−0, +0) is +0 and a NaN stays NaN, as Math.max.
  simd: (x) => [...x, ...zero128, ...f32x4Max],
  // The rules read the output, not the input: out > 0 exactly where x > 0 (a NaN fails both), so the mask
  // is the same, and the pre-activation need not outlive the forward pass: under jit a bias add and its
  // ReLU then fuse into one loop, since nothing else reads the sum.
  jvp: ({ tangents: [dx], out }) => dx && reluGrad(dx, out),
  vjp: ({ ct, out }) => [reluGrad(ct, out)],
  test: { kinks: [0] },
};

/**
 * `reluGrad(g, x)`: g where x > 0, else 0 (also for x = 0, as PyTorch takes ReLU's derivative there).
 * Linear in g, and piecewise constant in x, whose derivative is zero wherever it exists.
 */
export const reluGradOp: OpRule<[Tensor, Tensor]> = {
  // Broadcasting, like the other binary ops: a batch of tangents (jacfwd) meets one x.
  ...elementwiseBinary("reluGrad", maskOf, maskSpan),
  // g's bits where x > 0, else +0's: the mask of maskSpan, four lanes at a time.
  simd: (g, x) => [...g, ...x, ...zero128, ...f32x4Gt, ...v128And],
  jvp: ({ primals: [, x], tangents: [dg] }) => dg && reluGrad(dg, x),
  vjp: ({ primals: [, x], ct, needed }) => [needed[0] ? reluGrad(ct, x) : null, null],
  test: { kinks: [0] },
};

/**
 * max(0, x) elementwise; the derivative at 0 is taken as 0, as PyTorch does, and a NaN stays NaN.
 * @example
 * ```ts
 * relu(tensor([-1, 0, 2])).toArray(); // [0, 0, 2]
 * ```
 */
export function relu(x: TensorLike): Tensor {
  return apply(reluOp, [x], undefined);
}

/**
 * ReLU's derivative applied to a cotangent: `g` where `x > 0`, else 0 (the VJP and JVP of `relu`).
 * @example
 * ```ts
 * reluGrad(tensor([5, 6, 7]), tensor([-1, 0, 2])).toArray(); // [0, 0, 7]
 * ```
 */
export function reluGrad(g: TensorLike, x: TensorLike): Tensor {
  return apply(reluGradOp, [g, x], undefined);
}
