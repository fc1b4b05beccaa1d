import { ones, ShapeError, updateInPlace, zeros, type Tensor } from "@tapegrad/core";
import { checkDim, checkInput, checkRange, checkSizes, layerDType, type LayerOptions } from "./layerSupport.js";
import { Module } from "./module.js";

/** Options of `BatchNorm1d` and `BatchNorm2d`, as PyTorch's. */
export interface BatchNormOptions extends LayerOptions {
  /** Added to the variance before the square root; 1e-5 by default. */
  eps?: number;
  /**
   * Weight of the newest batch in the running statistics: running = (1 − m)·running + m·batch. 0.1 by
   * default; null for the cumulative average of all batches seen (PyTorch's `momentum=None`).
   */
  momentum?: number | null;
  /** Learn a per-channel scale `weight` (ones) and shift `bias` (zeros); true by default. */
  affine?: boolean;
  /** Keep running statistics for eval(); true by default. Without them, eval() normalises by the batch too and the state dict holds no buffers, as PyTorch. */
  trackRunningStats?: boolean;
}

/**
 * Batch normalisation over dimension 1 (the channels): in train() each channel is normalised by the
 * batch's mean and biased variance over every other dimension, and the running statistics move towards
 * the batch's (the running variance from the unbiased variance, as PyTorch); in eval() the running
 * statistics are used. The buffers `running_mean`, `running_var` and `num_batches_tracked` (int32: PyTorch's
 * int64 counter, which loads back into PyTorch cast) are in the state dict under PyTorch's names.
 * @internal The shared body of `BatchNorm1d` and `BatchNorm2d`, which only fix the input ranks.
 */
export abstract class BatchNorm extends Module {
  readonly eps: number;
  readonly momentum: number | null;
  /** `[numFeatures]`, or null without the affine part. */
  readonly weight: Tensor | null;
  /** `[numFeatures]`, or null without the affine part. */
  readonly bias: Tensor | null;
  readonly trackRunningStats: boolean;
  protected abstract readonly layer: string;
  protected abstract readonly ranks: readonly number[];
  protected abstract readonly layout: string;

  constructor(readonly numFeatures: number, options: BatchNormOptions, layer: string) {
    super();
    checkSizes(layer, { numFeatures });
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    if (this.momentum !== null) checkRange(layer, "momentum", this.momentum, 0, 1);
    checkRange(layer, "eps", this.eps, 0, Number.MAX_VALUE);
    const dtype = layerDType(layer, options);
    const affine = options.affine ?? true;
    this.weight = affine ? ones([numFeatures], { dtype, requiresGrad: true }) : null;
    this.bias = affine ? zeros([numFeatures], { dtype, requiresGrad: true }) : null;
    this.trackRunningStats = options.trackRunningStats ?? true;
    if (this.trackRunningStats) {
      this.registerBuffer("running_mean", zeros([numFeatures], { dtype }));
      this.registerBuffer("running_var", ones([numFeatures], { dtype }));
      this.registerBuffer("num_batches_tracked", zeros([], { dtype: "int32" }));
    }
  }

  forward(x: Tensor): Tensor {
    checkInput(this.layer, "input", x, this.ranks, this.layout);
    checkDim(this.layer, "input", x, 1, this.numFeatures, "numFeatures");
    const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
    const perChannel = x.shape.map((d, i) => (i === 1 ? d : 1)); // [1, C, 1, …]: broadcasts over the rest
    const useBatch = this.training || !this.trackRunningStats;
    let mean: Tensor, variance: Tensor;
    if (useBatch) {
      const count = x.size / this.numFeatures;
      // As PyTorch, which refuses this whenever it normalises by the batch (in eval() too without running statistics).
      if (count < 2) throw new ShapeError(this.layer, `normalising by the batch (${this.training ? "train()" : "eval() with trackRunningStats: false"}) needs more than one value per channel to estimate a variance`, [x.shape]);
      mean = x.mean(axes, { keepDims: true });
      variance = x.sub(mean).square().mean(axes, { keepDims: true });
      if (this.training && this.trackRunningStats) this.#track(mean, variance, count);
    } else {
      mean = this.buffer("running_mean").reshape(perChannel);
      variance = this.buffer("running_var").reshape(perChannel);
    }
    const normed = x.sub(mean).div(variance.add(this.eps).sqrt());
    return this.weight === null || this.bias === null ? normed : normed.mul(this.weight.reshape(perChannel)).add(this.bias.reshape(perChannel));
  }

  /** Moves the running statistics towards this batch's, in place (buffers are never recorded on the tape). */
  // One recorded in-place update (updateInPlace), so that a jitted training step moves them as eager does.
  #track(mean: Tensor, variance: Tensor, count: number): void {
    updateInPlace(`${this.layer}.track`, (batchMean, batchVar) => {
      const counter = this.buffer("num_batches_tracked");
      counter.data[0]! += 1;
      const m = this.momentum ?? 1 / counter.data[0]!;
      const runMean = this.buffer("running_mean").data;
      const runVar = this.buffer("running_var").data;
      for (let c = 0; c < this.numFeatures; c++) {
        runMean[c] = (1 - m) * runMean[c]! + m * batchMean![c]!;
        runVar[c] = (1 - m) * runVar[c]! + m * batchVar![c]! * (count / (count - 1));
      }
    }, [mean, variance]);
  }
}
