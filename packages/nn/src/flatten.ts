import { ShapeError, type Tensor } from "@tapegrad/core";
import { checkTensor } from "./layerSupport.js";
import { Module } from "./module.js";

/**
 * Merges dimensions `startDim` to `endDim` into one, as `torch.nn.Flatten` (which keeps the batch: the
 * defaults are 1 and −1).
 * @example
 * ```ts
 * new Flatten().forward(zeros([2, 3, 4, 4])).shape; // [2, 48]
 * ```
 */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    const rank = checkTensor("Flatten", "input", x).shape.length;
    const [start, end] = [this.startDim, this.endDim].map((d) => (d < 0 ? d + rank : d)) as [number, number];
    if (!(start >= 0 && end < rank && start <= end)) {
      throw new ShapeError("Flatten", `startDim ${this.startDim} and endDim ${this.endDim} must be dimensions of the rank-${rank} input, in order`, [x.shape]);
    }
    return x.flatten(this.startDim, this.endDim);
  }
}
