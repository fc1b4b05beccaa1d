import type { DType, Storage } from "../dtype.js";
import { allocate } from "../dtype.js";
import type { Shape } from "../shape.js";
import { sizeOf } from "../shape.js";
import type { Window } from "../ops/windows.js";

/**
 * Reference kernels of the sliding-window ops: im2col (`unfold`), its adjoint col2im (`fold`), and a
 * direct 2-D convolution, as plain loops. The fast backend's conv2d is im2col and one matmul (fast.ts).
 */

/**
 * The output columns `[owFrom, owTo)` whose input column `ow·sw − left + j·dw` lies inside `[0, W)`: the
 * rest of a row reads the padding. Computing the range once per row keeps the inner loops free of tests.
 */
function insideColumns(W: number, Wo: number, sw: number, left: number, offset: number): [number, number] {
  const from = Math.min(Wo, Math.max(0, Math.ceil((left - offset) / sw)));
  const to = Math.max(from, Math.min(Wo, Math.ceil((W + left - offset) / sw)));
  return [from, to];
}

/**
 * im2col: `x` `[..., H, W]` to `[..., kh·kw, Ho, Wo]`, each output position's window laid out along the
 * new axis: tap `i·kw + j` at (oh, ow) reads `x[..., oh·sh − top + i·dh, ow·sw − left + j·dw]`, and
 * positions in the padding read `padValue`.
 * @example
 * ```ts
 * const win = { kernel: [1, 2], stride: [1, 1], padding: [[0, 0], [0, 0]], dilation: [1, 1] } as const;
 * unfold(Float32Array.of(1, 2, 3), [1, 3], win, [2, 1, 2], 0, "float32"); // [1, 2, 2, 3]
 * ```
 */
export function unfold(x: Storage, shape: Shape, win: Window, outShape: Shape, padValue: number, dtype: DType): Storage {
  const [H, W] = [shape[shape.length - 2]!, shape[shape.length - 1]!];
  const [Ho, Wo] = [outShape[outShape.length - 2]!, outShape[outShape.length - 1]!];
  const [[kh, kw], [sh, sw], [[top], [left]], [dh, dw]] = [win.kernel, win.stride, win.padding, win.dilation];
  const planes = sizeOf(shape.slice(0, -2));
  if (sh === 1 && sw === 1 && Wo === W) return unfoldShifted(x, planes, H, W, Ho, win, allocate(dtype, sizeOf(outShape)), padValue);
  const out = allocate(dtype, sizeOf(outShape));
  // A new array is already zero, so a zero padding (conv2d's) needs no writes. Otherwise the padded ends
  // of a row are a column or two: a loop, since a call to `fill` per row end cost more than the copy.
  const pad = padValue !== 0;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const [from, to] = insideColumns(W, Wo, sw, left, j * dw);
        for (let oh = 0; oh < Ho; oh++, o += Wo) {
          const h = oh * sh - top + i * dh;
          if (h < 0 || h >= H) {
            if (pad) out.fill(padValue, o, o + Wo);
            continue;
          }
          if (pad) for (let ow = 0; ow < from; ow++) out[o + ow] = padValue;
          for (let ow = from, at = p * H * W + h * W + from * sw - left + j * dw; ow < to; ow++, at += sw) out[o + ow] = x[at]!;
          if (pad) for (let ow = to; ow < Wo; ow++) out[o + ow] = padValue;
        }
      }
    }
  }
  return out;
}

/**
 * `unfold` for stride 1 with rows as wide as the input's (a "same" convolution): then each tap's output
 * plane is the input plane shifted by a constant, (i·dh − top)·W + (j·dw − left), so the rows inside the
 * image are one contiguous copy (memcpy speed), after which the columns that wrapped around a row edge
 * and the rows over the padding are set to `padValue`. About twice as fast as the row loop on the CNN
 * benchmark's [64, 16, 14, 14] (measured alone).
 */
function unfoldShifted(x: Storage, planes: number, H: number, W: number, Ho: number, win: Window, out: Storage, padValue: number): Storage {
  const [[kh, kw], [[top], [left]], [dh, dw]] = [win.kernel, win.padding, win.dilation];
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const plane = p * H * W;
    for (let i = 0; i < kh; i++) {
      const rowShift = i * dh - top;
      const [ohFrom, ohTo] = [Math.min(Ho, Math.max(0, -rowShift)), Math.max(0, Math.min(Ho, H - rowShift))];
      for (let j = 0; j < kw; j++, o += Ho * W) {
        const colShift = j * dw - left;
        const [from, to] = insideColumns(W, W, 1, left, j * dw);
        if (ohFrom < ohTo) {
          // Source of the block of rows [ohFrom, ohTo), clamped to the plane: what falls outside lands
          // only on wrapped columns, which are overwritten below.
          const start = plane + (ohFrom + rowShift) * W + colShift;
          const [a, b] = [Math.max(plane, start), Math.min(plane + H * W, start + (ohTo - ohFrom) * W)];
          if (a < b) out.set(x.subarray(a, b), o + ohFrom * W + (a - start));
          for (let oh = ohFrom, r = o + ohFrom * W; oh < ohTo; oh++, r += W) {
            for (let ow = 0; ow < from; ow++) out[r + ow] = padValue;
            for (let ow = to; ow < W; ow++) out[r + ow] = padValue;
          }
        }
        if (padValue !== 0) {
          out.fill(padValue, o, o + ohFrom * W);
          out.fill(padValue, o + ohTo * W, o + Ho * W);
        }
      }
    }
  }
  return out;
}

/**
 * col2im, the adjoint of `unfold`: `[..., kh·kw, Ho, Wo]` back to `[..., H, W]`, adding every window
 * element into the input position it was read from (those in the padding are dropped).
 * @example
 * ```ts
 * const win = { kernel: [1, 2], stride: [1, 1], padding: [[0, 0], [0, 0]], dilation: [1, 1] } as const;
 * fold(Float32Array.of(1, 2, 3, 4), [2, 1, 2], win, [1, 3], "float32"); // [1, 5, 4]
 * ```
 */
export function fold(cols: Storage, shape: Shape, win: Window, outShape: Shape, dtype: DType): Storage {
  const [H, W] = [outShape[outShape.length - 2]!, outShape[outShape.length - 1]!];
  const [Ho, Wo] = [shape[shape.length - 2]!, shape[shape.length - 1]!];
  const [[kh, kw], [sh, sw], [[top], [left]], [dh, dw]] = [win.kernel, win.stride, win.padding, win.dilation];
  const planes = sizeOf(outShape.slice(0, -2));
  const out = allocate(dtype, sizeOf(outShape));
  let c = 0;
  for (let p = 0; p < planes; p++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const [from, to] = insideColumns(W, Wo, sw, left, j * dw);
        for (let oh = 0; oh < Ho; oh++, c += Wo) {
          const h = oh * sh - top + i * dh;
          if (h < 0 || h >= H) continue;
          for (let ow = from, at = p * H * W + h * W + from * sw - left + j * dw; ow < to; ow++, at += sw) out[at] = out[at]! + cols[c + ow]!;
        }
      }
    }
  }
  return out;
}

/**
 * Direct 2-D convolution (cross-correlation, as in PyTorch) of `x` `[N, C, H, W]` with `w`
 * `[O, C/groups, kh, kw]` into `[N, O, Ho, Wo]`: for each output element, the sum over its group's input
 * channels and the kernel taps.
 * @example
 * ```ts
 * conv2d(x, [1, 1, 3, 3], w, [1, 1, 2, 2], [1, 1, 2, 2], win, 1, "float64");
 * ```
 */
export function conv2d(x: Storage, xShape: Shape, w: Storage, wShape: Shape, outShape: Shape, win: Window, groups: number, dtype: DType): Storage {
  const [N, C, H, W] = xShape as [number, number, number, number];
  const [O, Cg, kh, kw] = wShape as [number, number, number, number];
  const [Ho, Wo] = [outShape[2]!, outShape[3]!];
  const [[sh, sw], [[pt], [pl]], [dh, dw]] = [win.stride, win.padding, win.dilation];
  const Og = O / groups;
  const out = allocate(dtype, sizeOf(outShape));
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const c0 = Math.floor(o / Og) * Cg;
      for (let oh = 0; oh < Ho; oh++) {
        for (let ow = 0; ow < Wo; ow++) {
          let acc = 0;
          for (let c = 0; c < Cg; c++) {
            for (let i = 0; i < kh; i++) {
              const h = oh * sh - pt + i * dh;
              if (h < 0 || h >= H) continue;
              for (let j = 0; j < kw; j++) {
                const v = ow * sw - pl + j * dw;
                if (v >= 0 && v < W) acc += x[((n * C + c0 + c) * H + h) * W + v]! * w[((o * Cg + c) * kh + i) * kw + j]!;
              }
            }
          }
          out[((n * O + o) * Ho + oh) * Wo + ow] = acc;
        }
      }
    }
  }
  return out;
}
