import { gelu, where, type GeluOptions, type Tensor } from "@tapegrad/core";
import { checkRange, checkTensor } from "./layerSupport.js";
import { Module } from "./module.js";

/**
 * x·Φ(x), the Gaussian error linear unit, as `torch.nn.GELU` (`approximate: "tanh"` for its tanh form).
 * @example `new GELU().forward(tensor([0, 1])).toArray(); // [0, 0.8413…]`
 */
export class GELU extends Module {
  constructor(readonly options: GeluOptions = {}) {
    super();
  }
  forward(x: Tensor): Tensor {
    return gelu(checkTensor("GELU", "input", x), this.options);
  }
}

/** x·σ(x), as `torch.nn.SiLU` (also called swish). @example `new SiLU().forward(tensor([0])).toArray(); // [0]` */
export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return checkTensor("SiLU", "input", x).silu();
  }
}

/** Options of `Softplus`, as `torch.nn.Softplus`. */
export interface SoftplusOptions {
  /** Sharpness: softplus(βx)/β. 1 by default. */
  beta?: number;
  /** Above βx > threshold the output is x itself (PyTorch's switch to the linear part). 20 by default. */
  threshold?: number;
}

/**
 * log(1 + e^{βx})/β, a smooth ReLU, as `torch.nn.Softplus`, returning x where βx > threshold.
 * @example `new Softplus().forward(tensor([0])).toArray(); // [0.6931…]`
 */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  constructor(options: SoftplusOptions = {}) {
    super();
    this.beta = options.beta ?? 1;
    this.threshold = options.threshold ?? 20;
    checkRange("Softplus", "beta", this.beta, Number.MIN_VALUE, Number.MAX_VALUE);
    checkRange("Softplus", "threshold", this.threshold, -Number.MAX_VALUE, Number.MAX_VALUE);
  }
  forward(x: Tensor): Tensor {
    const bx = checkTensor("Softplus", "input", x).mul(this.beta);
    return where(bx.gt(this.threshold), x, bx.softplus().mul(1 / this.beta)); // by 1/β, not div(β): core makes a divisor number a float32 reciprocal
  }
}
