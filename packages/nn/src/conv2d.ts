import { conv2d, ShapeError, type Conv2dOptions, type Tensor } from "@tapegrad/core";
import { pytorchDefault, uniform } from "./init.js";
import { checkDim, checkInput, checkSizes, layerDType, parameter, type LayerOptions } from "./layerSupport.js";
import { Module } from "./module.js";

/** Options of `Conv2d`: core's `conv2d` options, a bias switch and the layer options. */
export interface Conv2dLayerOptions extends Conv2dOptions, LayerOptions {
  /** Add a learnable bias per output channel; true by default. */
  bias?: boolean;
}

/**
 * 2-D convolution over `[N, C, H, W]` (or unbatched `[C, H, W]`) inputs, as `torch.nn.Conv2d`: `weight`
 * `[out, in/groups, kh, kw]`, `bias` `[out]`, both initialised as PyTorch does (Kaiming-uniform with
 * a = √5, that is U(±1/√fanIn) with fanIn = in/groups·kh·kw, and the bias from the same bound).
 * @example
 * ```ts
 * const conv = new Conv2d(1, 8, 3, { padding: 1, rng: new Rng(0) });
 * conv.forward(zeros([2, 1, 8, 8])).shape; // [2, 8, 8, 8]
 * ```
 */
export class Conv2d extends Module {
  /** `[out, in/groups, kh, kw]`. */
  readonly weight: Tensor;
  /** `[out]`, or null when built with `bias: false`. */
  readonly bias: Tensor | null;
  readonly #options: Conv2dOptions;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number | readonly [number, number],
    options: Conv2dLayerOptions = {},
  ) {
    super();
    const [kh, kw] = typeof kernelSize === "number" ? [kernelSize, kernelSize] : kernelSize;
    const groups = options.groups ?? 1;
    checkSizes("Conv2d", { inChannels, outChannels, kernelHeight: kh, kernelWidth: kw, groups });
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new ShapeError("Conv2d", `inChannels (${inChannels}) and outChannels (${outChannels}) must both divide by groups (${groups})`, [[inChannels, outChannels, groups]]);
    }
    const dtype = layerDType("Conv2d", options);
    this.weight = parameter(pytorchDefault(), [outChannels, inChannels / groups, kh, kw], options, dtype);
    const bound = 1 / Math.sqrt((inChannels / groups) * kh * kw);
    this.bias = options.bias === false ? null : parameter(uniform(-bound, bound), [outChannels], options, dtype);
    const { stride, padding, dilation } = options;
    this.#options = { groups, ...(stride !== undefined && { stride }), ...(padding !== undefined && { padding }), ...(dilation !== undefined && { dilation }) };
  }

  forward(x: Tensor): Tensor {
    checkInput("Conv2d", "input", x, [3, 4], "[N, C, H, W] or [C, H, W]");
    if (x.shape.length === 3) return this.forward(x.unsqueeze(0)).squeeze(0);
    checkDim("Conv2d", "input", x, 1, this.inChannels, "inChannels");
    return conv2d(x, this.weight, this.bias ?? undefined, this.#options);
  }
}
