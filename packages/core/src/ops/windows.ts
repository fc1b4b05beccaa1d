import { describeValue, ShapeError, ValueError } from "../errors.js";
import type { Shape } from "../shape.js";
import type { CaseGen } from "./rule.js";

/**
 * The geometry of a sliding 2-D window, shared by conv2d, unfold, fold and the poolings: kernel size,
 * stride, padding on each side and dilation, each as [height, width]. Options come in as torch takes
 * them (a number or [h, w], padding also "same" or "valid") and are resolved here once, so every op
 * states its window the same way and checks it with the same words.
 */
export interface Window {
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  /** [[top, bottom], [left, right]]: "same" pads an even kernel more at the bottom and right, as PyTorch. */
  readonly padding: readonly [readonly [number, number], readonly [number, number]];
  readonly dilation: readonly [number, number];
}

/** A number or an [h, w] pair of integers of at least `min`, as [h, w], or a ValueError naming the option. */
export function pair(op: string, name: string, value: unknown, min: number): [number, number] {
  const v = typeof value === "number" ? [value, value] : value;
  if (!Array.isArray(v) || v.length !== 2 || !v.every((n) => typeof n === "number" && Number.isInteger(n) && n >= min)) {
    throw new ValueError(op, `option ${name} must be an integer of at least ${min} or a pair [h, w] of them, got ${describeValue(value)}`);
  }
  return [v[0] as number, v[1] as number];
}

/** The padding option resolved to [[top, bottom], [left, right]] for a kernel with this dilation. */
export function resolvePadding(op: string, value: unknown, kernel: readonly [number, number], dilation: readonly [number, number], stride: readonly [number, number]): Window["padding"] {
  if (value === "valid") return [[0, 0], [0, 0]];
  if (value === "same") {
    if (stride[0] !== 1 || stride[1] !== 1) throw new ValueError(op, `padding "same" needs stride 1, got stride [${stride.join(", ")}] (as in PyTorch)`);
    const side = (d: 0 | 1): [number, number] => {
      const total = dilation[d] * (kernel[d] - 1);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    };
    return [side(0), side(1)];
  }
  if (typeof value === "string") throw new ValueError(op, `option padding must be a number, [h, w], "same" or "valid", got ${describeValue(value)}`);
  const [h, w] = pair(op, "padding", value, 0);
  return [[h, h], [w, w]];
}

/** The output's [height, width] for an input's, or a ShapeError when the dilated kernel does not fit the padded input. */
export function windowOutput(op: string, w: Window, size: readonly [number, number], shapes: readonly Shape[]): [number, number] {
  const out = ([0, 1] as const).map((d) => {
    const padded = size[d] + w.padding[d][0] + w.padding[d][1];
    const span = w.dilation[d] * (w.kernel[d] - 1) + 1;
    if (span > padded) {
      throw new ShapeError(op, `the kernel (${w.kernel.join("x")}, spanning ${span} with dilation ${w.dilation[d]}) is larger than the padded input (${padded} along ${d === 0 ? "height" : "width"})`, shapes);
    }
    return Math.floor((padded - span) / w.stride[d]) + 1;
  });
  return [out[0]!, out[1]!];
}

/** A random window for the property suite: small kernels, strides, dilations and (uneven) paddings. */
export function randomWindow(g: CaseGen): Window {
  const two = (lo: number, hi: number): [number, number] => [g.int(lo, hi), g.int(lo, hi)];
  return { kernel: two(1, 3), stride: two(1, 2), padding: [two(0, 1), two(0, 1)], dilation: two(1, 2) };
}

/** The smallest input [height, width] that a window fits, plus up to `extra` more. */
export function fittingSize(g: CaseGen, w: Window, extra = 2): [number, number] {
  const need = (d: 0 | 1): number => Math.max(1, w.dilation[d] * (w.kernel[d] - 1) + 1 - w.padding[d][0] - w.padding[d][1]);
  return [need(0) + g.int(0, extra), need(1) + g.int(0, extra)];
}
