import { avgPool2d, maxPool2d, type Pool2dOptions, type Tensor } from "@tapegrad/core";
import { checkInput } from "./layerSupport.js";
import { Module } from "./module.js";

/** Options of `MaxPool2d` and `AvgPool2d` besides the kernel size. */
export type PoolLayerOptions = Omit<Pool2dOptions, "kernelSize">;

/** The window of a pooling layer, checked under the layer's name when it is called. */
abstract class Pool2d extends Module {
  readonly #options: Pool2dOptions;
  constructor(readonly kernelSize: number | readonly [number, number], options: PoolLayerOptions = {}) {
    super();
    this.#options = { ...options, kernelSize };
  }
  protected abstract readonly layer: string;
  protected abstract pool(x: Tensor, options: Pool2dOptions): Tensor;
  forward(x: Tensor): Tensor {
    return this.pool(checkInput(this.layer, "input", x, [3, 4], "[N, C, H, W] or [C, H, W]"), this.#options);
  }
}

/**
 * The largest value of each window, as `torch.nn.MaxPool2d` (stride defaults to the kernel size).
 * @example
 * ```ts
 * new MaxPool2d(2).forward(zeros([1, 3, 8, 8])).shape; // [1, 3, 4, 4]
 * ```
 */
export class MaxPool2d extends Pool2d {
  protected readonly layer = "MaxPool2d";
  protected pool(x: Tensor, options: Pool2dOptions): Tensor {
    return maxPool2d(x, options);
  }
}

/**
 * The mean of each window, as `torch.nn.AvgPool2d` with its defaults (padding counts as zeros).
 * @example
 * ```ts
 * new AvgPool2d(2).forward(ones([1, 3, 8, 8])).shape; // [1, 3, 4, 4]
 * ```
 */
export class AvgPool2d extends Pool2d {
  protected readonly layer = "AvgPool2d";
  protected pool(x: Tensor, options: Pool2dOptions): Tensor {
    return avgPool2d(x, options);
  }
}
