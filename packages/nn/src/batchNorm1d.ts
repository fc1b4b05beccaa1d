import { BatchNorm, type BatchNormOptions } from "./batchNorm.js";

/**
 * Batch normalisation of `[N, C]` or `[N, C, L]` inputs, as `torch.nn.BatchNorm1d` (see `BatchNormOptions`
 * for train() and eval()).
 * @example
 * ```ts
 * const bn = new BatchNorm1d(3);
 * bn.forward(randn([8, 3])).shape;      // [8, 3]; running_mean moved 10% towards the batch mean
 * Object.keys(bn.stateDict());          // ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
 * ```
 */
export class BatchNorm1d extends BatchNorm {
  protected readonly layer = "BatchNorm1d";
  protected readonly ranks = [2, 3];
  protected readonly layout = "[N, C] or [N, C, L]";
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, options, "BatchNorm1d");
  }
}
