import { checkDType, matmul, ShapeError, Tensor, ValueError, zeros, type DType, type Rng } from "@tapegrad/core";
import { pytorchDefault, uniform, type Init } from "./init.js";
import { Module } from "./module.js";

/** Options of `Linear`. */
export interface LinearOptions {
  /** Add a learnable bias; true by default. */
  bias?: boolean;
  /**
   * How to initialise the weight; PyTorch's default (`pytorchDefault()`, U(±1/√in)) by default. With the
   * default the bias is U(±1/√in) too, as in PyTorch; with any other initialiser the bias starts at 0.
   */
  init?: Init;
  /** Generator for the initial values; core's default generator otherwise. */
  rng?: Rng;
  /** Element type of the parameters; float32 by default. */
  dtype?: DType;
}

/**
 * The affine layer y = x Wᵀ + b (the lecture's f_θ(x) = M x + v for each row x). `weight` has PyTorch's
 * layout `[out, in]` and `bias` is `[out]`, so weights move between tapegrad and PyTorch unchanged.
 * Accepts `[in]` or `[..., in]` inputs.
 * @example
 * ```ts
 * const layer = new Linear(3, 2, { rng: new Rng(0) });
 * layer.weight.shape;                   // [2, 3]
 * layer.forward(zeros([5, 3])).shape;   // [5, 2]
 * ```
 */
export class Linear extends Module {
  /** `[out, in]`. */
  readonly weight: Tensor;
  /** `[out]`, or null when built with `bias: false`. */
  readonly bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    const { bias = true, init, rng } = options ?? {};
    const dtype = checkDType("Linear", options?.dtype ?? "float32");
    for (const [name, n] of [["inFeatures", inFeatures], ["outFeatures", outFeatures]] as const) {
      if (!Number.isInteger(n) || n < 1) throw new ShapeError("Linear", `${name} must be a positive integer, got ${n}`, [[inFeatures, outFeatures]]);
    }
    this.weight = (init ?? pytorchDefault())([outFeatures, inFeatures], { rng, dtype });
    this.weight.requiresGrad = true;
    if (bias) {
      const bound = 1 / Math.sqrt(inFeatures);
      this.bias = init === undefined ? uniform(-bound, bound)([outFeatures], { rng, dtype }) : zeros([outFeatures], { dtype });
      this.bias.requiresGrad = true;
    } else {
      this.bias = null;
    }
  }

  forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor)) throw new ValueError("Linear", `input must be a Tensor (got ${String(x)})`);
    if (x.shape.length === 0 || x.shape[x.shape.length - 1] !== this.inFeatures) {
      throw new ShapeError("Linear", `input's last dimension must be inFeatures = ${this.inFeatures}`, [x.shape, this.weight.shape]);
    }
    if (x.shape.length === 1) return this.forward(x.reshape([1, this.inFeatures])).reshape([this.outFeatures]);
    const y = matmul(x, this.weight, { transposeB: true }); // x·Wᵀ, reading W [out, in] in place
    return this.bias === null ? y : y.add(this.bias);
  }
}
