import { apply } from "../autodiff/apply.js";
import { conv2dBatching } from "../autodiff/batchRules.js";
import { describeValue, ShapeError, ValueError } from "../errors.js";
import { kernels } from "../kernels/active.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { add } from "./add.js";
import { argShape } from "./args.js";
import { concat } from "./concat.js";
import { sumPresent } from "./define.js";
import { col2im, im2col } from "./im2col.js";
import { matmul } from "./matmul.js";
import { reshape } from "./reshape.js";
import type { OpRule } from "./rule.js";
import { slice } from "./slice.js";
import { sum } from "./sum.js";
import { fittingSize, pair, randomWindow, resolvePadding, windowOutput, type Window } from "./windows.js";

/** Params of conv2d: the window (its kernel is the weight's) and the number of channel groups. */
export interface Conv2dParams extends Window {
  readonly groups: number;
}

/** Options of `conv2d`, as torch.nn.functional.conv2d takes them. */
export interface Conv2dOptions {
  /** Step between windows: a number or [h, w]. Default 1. */
  readonly stride?: number | readonly [number, number];
  /** Zeros around the input: a number, [h, w], "valid" (none, the default) or "same" (output size = input size; stride 1 only). */
  readonly padding?: number | readonly [number, number] | "same" | "valid";
  /** Spacing between kernel taps: a number or [h, w]. Default 1. */
  readonly dilation?: number | readonly [number, number];
  /** Channel groups: input and output channels split into this many independent convolutions. Default 1. */
  readonly groups?: number;
}

/** The input's columns as `[N, groups, C/groups·kh·kw, Ho·Wo]`, the layout in which conv2d is a batched matmul. */
function columns(x: Tensor, p: Conv2dParams, outHW: readonly number[]): Tensor {
  const [n, c] = [x.shape[0]!, x.shape[1]!];
  return reshape(im2col(x, p, 0), [n, p.groups, (c / p.groups) * p.kernel[0] * p.kernel[1], outHW[0]! * outHW[1]!]);
}

/** The weight `[O, C/groups, kh, kw]` as `[groups, O/groups, C/groups·kh·kw]`. */
const weightMatrix = (w: Tensor, groups: number): Tensor => reshape(w, [groups, w.shape[0]! / groups, w.shape[1]! * w.shape[2]! * w.shape[3]!]);

export const conv2dOp: OpRule<[Tensor, Tensor], Conv2dParams> = {
  name: "conv2d",
  arity: 2,
  batching: (b) => conv2dBatching(b, conv2dOp), // the op is passed in: batchRules.ts must not import this file, which imports it
  shape: ({ inputs: [x, w], params: p }) => {
    const [xs, ws] = [x.shape, w.shape];
    if (xs.length !== 4 || ws.length !== 4) throw new ShapeError("conv2d", `input must be [N, C, H, W] and weight [O, C/groups, kh, kw]`, [xs, ws]);
    if (ws[0]! % p.groups !== 0) throw new ShapeError("conv2d", `the weight's ${ws[0]} output channels do not split into ${p.groups} groups`, [xs, ws]);
    if (ws[1]! * p.groups !== xs[1]) {
      throw new ShapeError("conv2d", `the weight expects ${ws[1]! * p.groups} input channels (${ws[1]} per group × ${p.groups} groups), the input has ${xs[1]}`, [xs, ws]);
    }
    const [ho, wo] = windowOutput("conv2d", { ...p, kernel: [ws[2]!, ws[3]!] }, [xs[2]!, xs[3]!], [xs, ws]);
    return [xs[0]!, ws[0]!, ho, wo];
  },
  forward: ({ inputs: [x, w], params: p, outShape, dtype }) =>
    kernels.conv2d(x.data, x.shape, w.data, w.shape, outShape, { ...p, kernel: [w.shape[2]!, w.shape[3]!] }, p.groups, dtype),
  // Bilinear in (x, w): d(x ⋆ w) = dx ⋆ w + x ⋆ dw.
  jvp: ({ primals: [x, w], tangents: [dx, dw], params: p }) => sumPresent(dx && convolve(dx, w, p), dw && convolve(x, dw, p)),
  // With the input as columns X [N, g, Cg·k, L] and the weight as W [g, Og, Cg·k], the output is W·X; so
  // the weight's cotangent is Σₙ C̄·Xᵀ and the columns' is Wᵀ·C̄, added back into the image by col2im.
  vjp: ({ primals: [x, w], out, params: p, ct, needed }) => {
    const [n, o] = [out.shape[0]!, out.shape[1]!];
    const hw = [out.shape[2]!, out.shape[3]!];
    const ctm = reshape(ct, [n, p.groups, o / p.groups, hw[0]! * hw[1]!]);
    const k = { ...p, kernel: [w.shape[2]!, w.shape[3]!] as const };
    const dx = needed[0] ? col2im(reshape(matmul(weightMatrix(w, p.groups), ctm, { transposeA: true }), [n, x.shape[1]!, k.kernel[0] * k.kernel[1], hw[0]!, hw[1]!]), k, [x.shape[2]!, x.shape[3]!]) : null;
    const dw = needed[1] ? reshape(sum(matmul(ctm, columns(x, k, hw), { transposeB: true }), 0), w.shape) : null;
    return [dx, dw];
  },
  cost: ({ inputShapes: [, w], outShape }) => 2 * outShape.reduce((a, b) => a * b, 1) * w[1]! * w[2]! * w[3]!, // a multiply and an add per tap
  test: {
    cases: (g) => {
      const win = randomWindow(g);
      const groups = g.int(1, 2);
      const [cg, og] = [g.int(1, 2), g.int(1, 2)];
      const shapes: [number[], number[]] = [[g.int(1, 2), cg * groups, ...fittingSize(g, win)], [og * groups, cg, ...win.kernel]];
      return { shapes, params: { ...win, groups } };
    },
  },
};

/** conv2d of two tensors with resolved params (what the rules call). */
function convolve(x: Tensor, w: Tensor, p: Conv2dParams): Tensor {
  return apply(conv2dOp, [x, w], p);
}

/**
 * 2-D convolution as `torch.nn.functional.conv2d` (a cross-correlation: the kernel is not flipped): `x`
 * `[N, C, H, W]`, `weight` `[O, C/groups, kh, kw]`, optional `bias` `[O]`, result `[N, O, Ho, Wo]` with
 * Ho = ⌊(H + padding − dilation·(kh − 1) − 1) / stride⌋ + 1. Differentiable in input, weight and bias, to
 * any order. The fast backend computes it as im2col and one WebAssembly SIMD matmul.
 * @example
 * ```ts
 * const x = arange(16).reshape([1, 1, 4, 4]);
 * conv2d(x, ones([1, 1, 2, 2]), undefined, { stride: 2 }).toArray(); // [[[[10, 18], [42, 50]]]]
 * conv2d(x, ones([2, 1, 3, 3]), tensor([0, 1]), { padding: "same" }).shape; // [1, 2, 4, 4]
 * ```
 */
export function conv2d(x: TensorLike, weight: TensorLike, bias?: TensorLike, options: Conv2dOptions = {}): Tensor {
  if (typeof options !== "object" || options === null) throw new ValueError("conv2d", `options must be an object, got ${describeValue(options)}`);
  const ws = argShape("conv2d", weight);
  const stride = pair("conv2d", "stride", options.stride ?? 1, 1);
  const dilation = pair("conv2d", "dilation", options.dilation ?? 1, 1);
  const groups = options.groups ?? 1;
  if (typeof groups !== "number" || !Number.isInteger(groups) || groups < 1) throw new ValueError("conv2d", `option groups must be a positive integer, got ${describeValue(groups)}`);
  const kernel: [number, number] = ws.length === 4 ? [ws[2]!, ws[3]!] : [1, 1];
  const padding = resolvePadding("conv2d", options.padding ?? 0, kernel, dilation, stride);
  const out = apply(conv2dOp, [x, weight], { kernel, stride, padding, dilation, groups });
  if (bias === undefined) return out;
  const bs = argShape("conv2d", bias);
  if (bs.length !== 1 || bs[0] !== ws[0]) throw new ShapeError("conv2d", `bias must be [${ws[0]}], one per output channel`, [argShape("conv2d", x), ws, bs]);
  return add(out, reshape(bias, [ws[0]!, 1, 1]));
}
