import { ValueError, type Storage } from "@tapegrad/core";
import { buffer, Optimizer, type BaseOptions, type ParamState, type Params } from "./optimizer.js";
import { runningAverage, runningSquareAverage } from "./runningAverage.js";
import { withWeightDecay } from "./weightDecay.js";
import { decayRate, epsilon, flag, nonNegative } from "./validate.js";

/** Options of {@link RMSprop}; names and defaults of `torch.optim.RMSprop`. */
export interface RMSpropOptions extends BaseOptions {
  /** Learning rate α; default 1e-2. */
  lr: number;
  /** Decay ρ of the squared-gradient average (the lecture's ρ); default 0.99. */
  alpha: number;
  /** ε added to the root (outside it); default 1e-8. */
  eps: number;
  /** L2 penalty λ added to the gradient; default 0. */
  weightDecay: number;
  /** Momentum μ of the scaled step; default 0. */
  momentum: number;
  /** Divide by the gradient's standard deviation instead of its root mean square; default false. */
  centered: boolean;
}

const defaults: RMSpropOptions = { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false };

/**
 * RMSprop (Hinton's lecture 6e; torch's form). The lecture (§6) gives s ← ρ s + (1 − ρ) v², d = −v / √s;
 * the published method adds a learning rate and ε, here OUTSIDE the root (torch; TensorFlow.js puts ε
 * inside, which changes the step wherever s is small):
 *
 *     g = v + λ θ
 *     s ← ρ s + (1 − ρ) g²                      (ρ = alpha)
 *     u ← ρ u + (1 − ρ) g,  r = √(s − u²) + ε   (centered)   or   r = √s + ε
 *     b ← μ b + g / r,  θ ← θ − α b             (momentum μ > 0)   or   θ ← θ − α g / r
 *
 * No bias correction (as in torch): s starts at 0 and is not rescaled, so the first step is about
 * 1/√(1 − ρ) times a settled one (10× for ρ = 0.99).
 *
 * @example
 * ```ts
 * const opt = new RMSprop(params, { lr: 1e-3, centered: true });
 * opt.zeroGrad(); loss().backward(); opt.step();
 * ```
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Params<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super("RMSprop", params, { ...defaults, ...options });
  }

  protected checkOptions(o: RMSpropOptions): RMSpropOptions {
    nonNegative("RMSprop", "lr", o.lr);
    decayRate("RMSprop", "alpha", o.alpha);
    epsilon("RMSprop", "eps", o.eps);
    nonNegative("RMSprop", "weightDecay", o.weightDecay);
    nonNegative("RMSprop", "momentum", o.momentum);
    flag("RMSprop", "centered", o.centered);
    // The averages start at 0, so the first centered step divides by √(alpha (1 − alpha)) |g|: 1/√alpha
    // times a plain step. Below 1e-6 that is over 1000 times, and in float32 the variance rounds to 0
    // (alpha 0 makes it 0 on every step), leaving lr · g / eps, which overflows for a small eps.
    if (o.centered && o.alpha < 1e-6) throw new ValueError("RMSprop", `option alpha must be >= 1e-6 when centered (got ${o.alpha})`);
    return o;
  }

  protected update(param: Storage, grad: Storage, state: ParamState, o: Readonly<RMSpropOptions>): void {
    const g = withWeightDecay(param, grad, o.weightDecay);
    const s = buffer(state, "squareAvg", param);
    runningSquareAverage(s, g, o.alpha);
    const u = o.centered ? buffer(state, "gradAvg", param) : undefined;
    if (u !== undefined) runningAverage(u, g, o.alpha);
    const b = o.momentum > 0 ? buffer(state, "momentum", param) : undefined;
    for (let i = 0; i < param.length; i++) {
      // Centered: the variance estimate s − u² is ≥ 0 in exact arithmetic but can round below 0 (with
      // alpha = 0 it is g² − g²); torch takes the root of it and gets NaN, we take it as 0.
      const r = Math.sqrt(u === undefined ? s[i]! : Math.max(0, s[i]! - u[i]! * u[i]!)) + o.eps;
      if (b === undefined) {
        param[i] = param[i]! - o.lr * (g[i]! / r);
      } else {
        b[i] = o.momentum * b[i]! + g[i]! / r;
        param[i] = param[i]! - o.lr * b[i]!;
      }
    }
  }
}
