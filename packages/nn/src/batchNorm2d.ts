import { BatchNorm, type BatchNormOptions } from "./batchNorm.js";

/**
 * Batch normalisation of `[N, C, H, W]` inputs per channel, as `torch.nn.BatchNorm2d` (see
 * `BatchNormOptions` for train() and eval()).
 * @example
 * ```ts
 * const bn = new BatchNorm2d(8);
 * bn.eval().forward(zeros([2, 8, 4, 4])).shape; // [2, 8, 4, 4], normalised by the running statistics
 * ```
 */
export class BatchNorm2d extends BatchNorm {
  protected readonly layer = "BatchNorm2d";
  protected readonly ranks = [4];
  protected readonly layout = "[N, C, H, W]";
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, options, "BatchNorm2d");
  }
}
