import { apply } from "../autodiff/apply.js";
import { ShapeError } from "../errors.js";
import { kernels } from "../kernels/active.js";
import type { Tensor, TensorLike } from "../tensor.js";
import type { OpRule } from "./rule.js";
import { fittingSize, randomWindow, windowOutput, type Window } from "./windows.js";

// im2col and col2im share a file because each is the other's transpose, so each one's rules apply the other.

/** Params of im2col: the window, and the value read where the window lies over the padding. */
export interface Im2colParams extends Window {
  readonly padValue: number;
}

export const im2colOp: OpRule<[Tensor], Im2colParams> = {
  name: "im2col",
  arity: 1,
  shape: ({ inputs: [x], params: p }) => {
    const s = x.shape;
    if (s.length < 2) throw new ShapeError("im2col", `needs an input of rank >= 2 ([..., height, width])`, [s]);
    const [ho, wo] = windowOutput("im2col", p, [s[s.length - 2]!, s[s.length - 1]!], [s]);
    return [...s.slice(0, -2), p.kernel[0] * p.kernel[1], ho, wo];
  },
  forward: ({ inputs: [x], params: p, outShape, dtype }) => kernels.unfold(x.data, x.shape, p, outShape, p.padValue, dtype),
  // Linear in x; the padding is a constant, so its tangent is 0 whatever value it reads.
  jvp: ({ tangents: [dx], params: p }) => dx && im2col(dx, p, 0),
  batching: ({ values: [x], params }) => im2col(x!, params, params.padValue), // the leading axes are any, a batch included
  vjp: ({ primals: [x], params: p, ct }) => [col2im(ct, p, [x.shape[x.shape.length - 2]!, x.shape[x.shape.length - 1]!])],
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

/** Params of col2im: the window, and the [height, width] of the image the columns came from. */
export interface Col2imParams extends Window {
  readonly size: readonly [number, number];
}

export const col2imOp: OpRule<[Tensor], Col2imParams> = {
  name: "col2im",
  arity: 1,
  shape: ({ inputs: [cols], params: p }) => {
    const s = cols.shape;
    const [ho, wo] = windowOutput("col2im", p, p.size, [s]);
    const taps = p.kernel[0] * p.kernel[1];
    if (s.length < 3 || s[s.length - 3] !== taps || s[s.length - 2] !== ho || s[s.length - 1] !== wo) {
      throw new ShapeError("col2im", `columns for a ${p.size.join("x")} image must end in [${taps}, ${ho}, ${wo}]`, [s]);
    }
    return [...s.slice(0, -3), ...p.size];
  },
  forward: ({ inputs: [cols], params: p, outShape, dtype }) => kernels.fold(cols.data, cols.shape, p, outShape, dtype),
  jvp: ({ tangents: [dcols], params: p }) => dcols && col2im(dcols, p, p.size),
  batching: ({ values: [cols], params }) => col2im(cols!, params, params.size), // the leading axes are any, a batch included
  vjp: ({ ct, params: p }) => [im2col(ct, p, 0)], // im2col and col2im are each other's transpose
  cost: ({ inputShapes: [cols] }) => cols.reduce((a, b) => a * b, 1), // one add per column element
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
