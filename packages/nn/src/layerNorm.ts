import { ShapeError, type Tensor, ones, zeros } from "@tapegrad/core";
import { checkSizes, checkTensor, layerDType, type LayerOptions } from "./layerSupport.js";
import { Module } from "./module.js";

/** Options of `LayerNorm`, as `torch.nn.LayerNorm`. */
export interface LayerNormOptions extends LayerOptions {
  /** Added to the variance before the square root; 1e-5 by default. */
  eps?: number;
  /** Learn a per-element scale `weight` (ones) and shift `bias` (zeros); true by default. */
  elementwiseAffine?: boolean;
}

/**
 * Normalises over the last dimensions (`normalizedShape`) of each example to mean 0 and variance 1 (the
 * biased variance, as PyTorch), then scales by `weight` and shifts by `bias`, as `torch.nn.LayerNorm`.
 * @example
 * ```ts
 * new LayerNorm(4).forward(tensor([[1, 2, 3, 4]])).toArray(); // [[-1.3416…, -0.4472…, 0.4472…, 1.3416…]]
 * ```
 */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  /** `normalizedShape`, or null without the affine part. */
  readonly weight: Tensor | null;
  /** `normalizedShape`, or null without the affine part. */
  readonly bias: Tensor | null;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    checkSizes("LayerNorm", Object.fromEntries(this.normalizedShape.map((n, i) => [`normalizedShape[${i}]`, n])));
    this.eps = options.eps ?? 1e-5;
    const dtype = layerDType("LayerNorm", options);
    const affine = options.elementwiseAffine ?? true;
    this.weight = affine ? ones(this.normalizedShape, { dtype, requiresGrad: true }) : null;
    this.bias = affine ? zeros(this.normalizedShape, { dtype, requiresGrad: true }) : null;
  }

  forward(x: Tensor): Tensor {
    const k = this.normalizedShape.length;
    const tail = checkTensor("LayerNorm", "input", x).shape.slice(-k);
    if (x.shape.length < k || tail.some((d, i) => d !== this.normalizedShape[i])) {
      throw new ShapeError("LayerNorm", `input's last dimensions must be normalizedShape [${this.normalizedShape.join(", ")}]`, [x.shape]);
    }
    const axes = this.normalizedShape.map((_, i) => x.shape.length - k + i);
    const centred = x.sub(x.mean(axes, { keepDims: true }));
    const normed = centred.div(centred.square().mean(axes, { keepDims: true }).add(this.eps).sqrt());
    return this.weight === null || this.bias === null ? normed : normed.mul(this.weight).add(this.bias);
  }
}
