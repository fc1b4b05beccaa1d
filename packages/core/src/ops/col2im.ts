import { apply } from "../autodiff/apply.js";
import { ShapeError } from "../errors.js";
import { kernels } from "../kernels/active.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { im2col } from "./im2col.js";
import type { OpRule } from "./rule.js";
import { fittingSize, randomWindow, windowOutput, type Window } from "./windows.js";

/** Params of col2im: the window, and the [height, width] of the image the columns came from. */
export interface Col2imParams extends Window {
  readonly size: readonly [number, number];
}

export const col2imOp: OpRule<Col2imParams> = {
  name: "col2im",
  shape: ([cols], p) => {
    const s = cols!.shape;
    const [ho, wo] = windowOutput("col2im", p, p.size, [s]);
    const taps = p.kernel[0] * p.kernel[1];
    if (s.length < 3 || s[s.length - 3] !== taps || s[s.length - 2] !== ho || s[s.length - 1] !== wo) {
      throw new ShapeError("col2im", `columns for a ${p.size.join("x")} image must end in [${taps}, ${ho}, ${wo}]`, [s]);
    }
    return [...s.slice(0, -3), ...p.size];
  },
  forward: ([cols], p, outShape, dtype) => kernels.fold(cols!.data, cols!.shape, p, outShape, dtype),
  jvp: (_, [dcols], __, p) => col2im(dcols!, p, p.size),
  batching: ({ values: [cols], params }) => col2im(cols!, params, params.size), // the leading axes are any, a batch included
  vjp: (ct, _, __, p) => [im2col(ct, p, 0)], // im2col and col2im are each other's transpose
  cost: ([cols]) => cols!.reduce((a, b) => a * b, 1), // one add per column element
  test: {
    cases: (g) => {
      const win = randomWindow(g);
      const size = fittingSize(g, win);
      const [ho, wo] = windowOutput("col2im", win, size, []);
      return { shapes: [[...g.shape(0, 2, 2), win.kernel[0] * win.kernel[1], ho, wo]], params: { ...win, size } };
    },
  },
};

/**
 * col2im, the adjoint of `im2col`: adds each window element of `[..., kh·kw, Ho, Wo]` columns back into
 * the position of a `[..., H, W]` image (`size`) that it was read from; elements that lay in the padding
 * are dropped. Overlapping windows accumulate.
 * @example
 * ```ts
 * const win = { kernel: [1, 2], stride: [1, 1], padding: [[0, 0], [0, 0]], dilation: [1, 1] } as const;
 * col2im(tensor([[[1, 2]], [[3, 4]]]), win, [1, 3]).toArray(); // [[1, 5, 4]]
 * ```
 */
export function col2im(cols: TensorLike, window: Window, size: readonly [number, number]): Tensor {
  return apply(col2imOp, [cols], { ...window, size });
}
