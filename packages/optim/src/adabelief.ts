import type { Params } from "./optimizer.js";
import { AdaptiveMoments, type MomentOptions, type MomentRules } from "./adaptiveMoments.js";
import { flag } from "./validate.js";

/** Options of {@link AdaBelief}; defaults of the paper and of its authors' `adabelief-pytorch`. */
export interface AdaBeliefOptions extends MomentOptions {
  /** ε added to the second moment every step and again to √ŝ; default 1e-16. */
  eps: number;
  /** Weight decay λ; default 0. */
  weightDecay: number;
  /** Apply λ to θ directly (AdamW-style, the authors' `weight_decouple`) rather than as L2; default true. */
  decoupled: boolean;
}

/** AdaBelief's rules, one object each: the (g − m)² + ε statistic, fused by {@link AdaptiveMoments}. */
const decoupledRules: MomentRules = { decoupled: true, amsgrad: false, statistic: "belief" };
const coupledRules: MomentRules = { decoupled: false, amsgrad: false, statistic: "belief" };

const defaults: AdaBeliefOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-16, weightDecay: 0, decoupled: true };

/**
 * AdaBelief (Zhuang et al. 2020, Algorithm 2): Adam whose second moment tracks the gradient's spread
 * around its own average, (g − m)², the "belief" in the current direction (the lecture names it in §6).
 * Everything else is Adam's, and the code is Adam's ({@link AdaptiveMoments}) with this one statistic:
 *
 *     m ← β1 m + (1 − β1) g
 *     s ← β2 s + (1 − β2) (g − m)² + ε        (ε added inside, every step)
 *     θ ← θ − α m̂ / (√ŝ + ε),   m̂ = m / (1 − β1^k),  ŝ = s / (1 − β2^k)
 *
 * Note that m is the UPDATED average when (g − m)² is formed, as in the paper.
 *
 * @example
 * ```ts
 * const opt = new AdaBelief(model.parameters(), { lr: 1e-3 });
 * opt.zeroGrad(); loss().backward(); opt.step();
 * ```
 */
export class AdaBelief extends AdaptiveMoments<AdaBeliefOptions> {
  constructor(params: Params<AdaBeliefOptions>, options: Partial<AdaBeliefOptions> = {}) {
    super("AdaBelief", params, { ...defaults, ...options });
  }

  protected override checkOptions(o: AdaBeliefOptions): AdaBeliefOptions {
    flag(this.kind, "decoupled", o.decoupled);
    return super.checkOptions(o);
  }

  protected rules(o: Readonly<AdaBeliefOptions>): MomentRules {
    return o.decoupled ? decoupledRules : coupledRules;
  }
}
