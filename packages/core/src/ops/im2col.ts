import { apply } from "../autodiff/apply.js";
import { ShapeError } from "../errors.js";
import { kernels } from "../kernels/active.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { col2im } from "./col2im.js";
import type { OpRule } from "./rule.js";
import { fittingSize, randomWindow, windowOutput, type Window } from "./windows.js";

/** Params of im2col: the window, and the value read where the window lies over the padding. */
export interface Im2colParams extends Window {
  readonly padValue: number;
}

export const im2colOp: OpRule<Im2colParams> = {
  name: "im2col",
  shape: ([x], p) => {
    const s = x!.shape;
    if (s.length < 2) throw new ShapeError("im2col", `needs an input of rank >= 2 ([..., height, width])`, [s]);
    const [ho, wo] = windowOutput("im2col", p, [s[s.length - 2]!, s[s.length - 1]!], [s]);
    return [...s.slice(0, -2), p.kernel[0] * p.kernel[1], ho, wo];
  },
  forward: ([x], p, outShape, dtype) => kernels.unfold(x!.data, x!.shape, p, outShape, p.padValue, dtype),
  // Linear in x; the padding is a constant, so its tangent is 0 whatever value it reads.
  jvp: (_, [dx], __, p) => im2col(dx!, p, 0),
  batching: ({ values: [x], params }) => im2col(x!, params, params.padValue), // the leading axes are any, a batch included
  vjp: (ct, [x], _, p) => [col2im(ct, p, [x!.shape[x!.shape.length - 2]!, x!.shape[x!.shape.length - 1]!])],
  cost: () => 0,
  test: {
    cases: (g) => {
      const win = randomWindow(g);
      return { shapes: [[...g.shape(0, 2, 2), ...fittingSize(g, win)]], params: { ...win, padValue: 0 } };
    },
  },
};

/**
 * im2col: the windows of a sliding 2-D window over the last two axes, laid out along a new axis, so
 * that `[..., H, W]` becomes `[..., kh·kw, Ho, Wo]` (tap `i·kw + j` of the window at output position
 * (oh, ow) reads `x[..., oh·sh − top + i·dh, ow·sw − left + j·dw]`, or `padValue` in the padding).
 * conv2d's gradients and the poolings are built on it; `col2im` is its adjoint.
 * @example
 * ```ts
 * const win = { kernel: [1, 2], stride: [1, 1], padding: [[0, 0], [0, 0]], dilation: [1, 1] } as const;
 * im2col(tensor([[1, 2, 3]]), win).toArray(); // [[[1, 2]], [[2, 3]]]
 * ```
 */
export function im2col(x: TensorLike, window: Window, padValue = 0): Tensor {
  return apply(im2colOp, [x], { ...window, padValue });
}
