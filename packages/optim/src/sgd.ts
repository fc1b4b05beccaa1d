import { ValueError, type Storage } from "@tapegrad/core";
import { Optimizer, type BaseOptions, type ParamState, type Params } from "./optimizer.js";
import { withWeightDecay } from "./weightDecay.js";
import { flag, nonNegative, unitInterval } from "./validate.js";

/** Options of {@link SGD}; names and defaults of `torch.optim.SGD`. */
export interface SGDOptions extends BaseOptions {
  /** Learning rate α; default 1e-3 (torch ≥ 2.2's default). */
  lr: number;
  /** Momentum factor μ; default 0 (plain SGD). */
  momentum: number;
  /** Dampening τ of the momentum's gradient term; default 0. */
  dampening: number;
  /** Nesterov momentum (needs μ > 0 and τ = 0); default false. */
  nesterov: boolean;
  /** L2 penalty λ added to the gradient; default 0. */
  weightDecay: number;
}

const defaults: SGDOptions = { lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 };

/**
 * Stochastic gradient descent, the lecture's §3 step θ ← θ − α v (v the mini-batch gradient), with
 * torch's momentum, dampening, Nesterov and weight decay:
 *
 *     g = v + λ θ
 *     b = g                          on the first step
 *     b = μ b + (1 − τ) g            afterwards
 *     Δ = g + μ b  (nesterov)   or   Δ = b
 *     θ ← θ − α Δ                    (Δ points uphill: the lecture's direction d is −Δ)
 *
 * With μ = 0 and λ = 0 this is exactly the lecture's update. Note that the first momentum step starts
 * from b = g, not from b = 0 (torch's convention; no bias correction is needed then).
 *
 * @example
 * ```ts
 * const opt = new SGD(params, { lr: 0.1, momentum: 0.9, nesterov: true });
 * opt.zeroGrad(); loss().backward(); opt.step();
 * ```
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Params<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super("SGD", params, { ...defaults, ...options });
  }

  protected checkOptions(o: SGDOptions): SGDOptions {
    nonNegative("SGD", "lr", o.lr);
    nonNegative("SGD", "momentum", o.momentum);
    unitInterval("SGD", "dampening", o.dampening);
    nonNegative("SGD", "weightDecay", o.weightDecay);
    flag("SGD", "nesterov", o.nesterov);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new ValueError("SGD", `option nesterov needs momentum > 0 and dampening 0 (got momentum ${o.momentum}, dampening ${o.dampening})`);
    }
    return o;
  }

  protected update(param: Storage, grad: Storage, state: ParamState, o: Readonly<SGDOptions>): void {
    const g = withWeightDecay(param, grad, o.weightDecay);
    if (o.momentum === 0) {
      for (let i = 0; i < param.length; i++) param[i] = param[i]! - o.lr * g[i]!;
      return;
    }
    const b = state.buffers.momentum;
    if (b === undefined) {
      state.buffers.momentum = param instanceof Float64Array ? Float64Array.from(g) : Float32Array.from(g);
    } else {
      for (let i = 0; i < b.length; i++) b[i] = o.momentum * b[i]! + (1 - o.dampening) * g[i]!;
    }
    const buf = state.buffers.momentum!;
    for (let i = 0; i < param.length; i++) {
      const d = o.nesterov ? g[i]! + o.momentum * buf[i]! : buf[i]!;
      param[i] = param[i]! - o.lr * d;
    }
  }
}
