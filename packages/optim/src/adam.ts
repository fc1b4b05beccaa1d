import type { Params } from "./optimizer.js";
import { AdaptiveMoments, type MomentOptions, type MomentRules } from "./adaptiveMoments.js";
import { flag } from "./validate.js";

/** Options of {@link Adam}; names and defaults of `torch.optim.Adam`. */
export interface AdamOptions extends MomentOptions {
  /** ε added to √ŝ; default 1e-8. */
  eps: number;
  /** L2 penalty λ added to the gradient; default 0 (use {@link AdamW} for decoupled decay). */
  weightDecay: number;
  /** Divide by the running maximum of the second moment (AMSGrad, Reddi et al. 2018); default false. */
  amsgrad: boolean;
}

/** Adam's rules, one object each (no allocation per step): the g² statistic, fused by {@link AdaptiveMoments}. */
const coupled: MomentRules = { decoupled: false, amsgrad: false, statistic: "square" };
const coupledAmsgrad: MomentRules = { decoupled: false, amsgrad: true, statistic: "square" };
const decoupled: MomentRules = { decoupled: true, amsgrad: false, statistic: "square" };
const decoupledAmsgrad: MomentRules = { decoupled: true, amsgrad: true, statistic: "square" };

/** What Adam and AdamW share beyond {@link AdaptiveMoments}: the `amsgrad` switch, checked once for both. */
abstract class AdamFamily extends AdaptiveMoments<AdamOptions> {
  protected override checkOptions(o: AdamOptions): AdamOptions {
    flag(this.kind, "amsgrad", o.amsgrad);
    return super.checkOptions(o);
  }
}

const adamDefaults: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false };

/**
 * Adam (Kingma & Ba 2015), torch's form. The lecture (§6) writes u for the gradient average (decay ρ2)
 * and s for the squared one (decay ρ1): the decays are named the other way round (its ρ2 is β1 here, its
 * ρ1 is β2). Its slide writes the step as d = −(√(1 − ρ2^k) / (1 − ρ1^k)) u / √s, which is a slip: bias
 * correction divides u by 1 − ρ2^k and s by 1 − ρ1^k, so the consistent coefficient is
 * √(1 − ρ1^k) / (1 − ρ2^k), giving d = −û / √ŝ (at k = 2 with (ρ1, ρ2) = (0.999, 0.9) the slide's
 * coefficient is 218, the consistent one 0.235). This class computes the corrected form. The published
 * method adds α and ε, ε OUTSIDE the root after bias correction:
 *
 *     g = v + λ θ
 *     m ← β1 m + (1 − β1) g                  (the lecture's u)
 *     s ← β2 s + (1 − β2) g²                 (the lecture's s)
 *     θ ← θ − α m̂ / (√ŝ + ε),   m̂ = m / (1 − β1^k),  ŝ = s / (1 − β2^k)   (ŝ → running max with amsgrad)
 *
 * With ε = 0 this is the lecture's step, in its corrected form, times α.
 *
 * @example
 * ```ts
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * opt.zeroGrad(); loss().backward(); opt.step();
 * ```
 */
export class Adam extends AdamFamily {
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super("Adam", params, { ...adamDefaults, ...options });
  }

  protected rules(o: Readonly<AdamOptions>): MomentRules {
    return o.amsgrad ? coupledAmsgrad : coupled;
  }

}

const adamWDefaults: AdamOptions = { ...adamDefaults, weightDecay: 1e-2 };

/**
 * AdamW (Loshchilov & Hutter 2019): Adam with decoupled weight decay, torch's `AdamW`. The decay
 * shrinks θ directly instead of entering the gradient, so it is not rescaled by 1/√ŝ:
 *
 *     θ ← θ (1 − α λ)
 *     m ← β1 m + (1 − β1) v,   s ← β2 s + (1 − β2) v²
 *     θ ← θ − α m̂ / (√ŝ + ε)
 *
 * Default λ = 0.01.
 *
 * @example
 * ```ts
 * const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 * ```
 */
export class AdamW extends AdamFamily {
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super("AdamW", params, { ...adamWDefaults, ...options });
  }

  protected rules(o: Readonly<AdamOptions>): MomentRules {
    return o.amsgrad ? decoupledAmsgrad : decoupled;
  }

}
