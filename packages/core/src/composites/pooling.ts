import { refuseInt32 } from "../autodiff/apply.js";
import { describeValue, ShapeError, ValueError } from "../errors.js";
import { argShape } from "../ops/args.js";
import { im2col } from "../ops/im2col.js";
import { max } from "../ops/max.js";
import { mul } from "../ops/mul.js";
import { sum } from "../ops/sum.js";
import { pair, windowOutput, type Window } from "../ops/windows.js";
import type { Tensor, TensorLike } from "../tensor.js";

/** Options of `maxPool2d` and `avgPool2d`, as torch.nn.functional takes them. */
export interface Pool2dOptions {
  /** The window: a number or [h, w]. */
  readonly kernelSize: number | readonly [number, number];
  /** Step between windows: a number or [h, w]; defaults to the kernel size (windows that do not overlap). */
  readonly stride?: number | readonly [number, number];
  /** Padding on each side: a number or [h, w], at most half the kernel. Default 0. */
  readonly padding?: number | readonly [number, number];
}

/** The pooling window of `options` over `x` ([N, C, H, W] or [C, H, W]), checked under the pooling's name. */
function poolWindow(op: string, x: TensorLike, options: Pool2dOptions): Window {
  if (typeof options !== "object" || options === null) throw new ValueError(op, `options must be an object with kernelSize, got ${describeValue(options)}`);
  const shape = argShape(op, x);
  refuseInt32(op, [x]); // else the refusal would name im2col, the primitive inside
  if (shape.length !== 3 && shape.length !== 4) throw new ShapeError(op, `input must be [N, C, H, W] or [C, H, W]`, [shape]);
  const kernel = pair(op, "kernelSize", options.kernelSize, 1);
  const stride = pair(op, "stride", options.stride ?? kernel, 1);
  const [ph, pw] = pair(op, "padding", options.padding ?? 0, 0);
  if (2 * ph > kernel[0] || 2 * pw > kernel[1]) {
    throw new ValueError(op, `padding [${ph}, ${pw}] must be at most half the kernel [${kernel.join(", ")}] (as in PyTorch)`);
  }
  const window: Window = { kernel, stride, padding: [[ph, ph], [pw, pw]], dilation: [1, 1] };
  windowOutput(op, window, [shape[shape.length - 2]!, shape[shape.length - 1]!], [shape]);
  return window;
}

/**
 * The largest value in each window, as `torch.nn.functional.max_pool2d`: `x` `[N, C, H, W]` (or
 * `[C, H, W]`), padding read as −∞. The gradient goes to the largest element of each window (shared
 * evenly among exact ties, where PyTorch gives it all to the first).
 * @example
 * ```ts
 * maxPool2d(arange(16).reshape([1, 1, 4, 4]), { kernelSize: 2 }).toArray(); // [[[[5, 7], [13, 15]]]]
 * ```
 */
export function maxPool2d(x: TensorLike, options: Pool2dOptions): Tensor {
  return max(im2col(x, poolWindow("maxPool2d", x, options), -Infinity), -3);
}

/**
 * The mean of each window, as `torch.nn.functional.avg_pool2d` with its defaults: `x` `[N, C, H, W]` (or
 * `[C, H, W]`), and padded positions count as zeros in the mean (countIncludePad).
 * @example
 * ```ts
 * avgPool2d(arange(16).reshape([1, 1, 4, 4]), { kernelSize: 2 }).toArray(); // [[[[2.5, 4.5], [10.5, 12.5]]]]
 * ```
 */
export function avgPool2d(x: TensorLike, options: Pool2dOptions): Tensor {
  const window = poolWindow("avgPool2d", x, options);
  return mul(sum(im2col(x, window, 0), -3), 1 / (window.kernel[0] * window.kernel[1]));
}
