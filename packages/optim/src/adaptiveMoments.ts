import type { Storage } from "@tapegrad/core";
import { buffer, Optimizer, type BaseOptions, type ParamState, type Params } from "./optimizer.js";
import { runningAverage } from "./runningAverage.js";
import { decoupledDecay, withWeightDecay } from "./weightDecay.js";
import { betaPair, nonNegative, positive } from "./validate.js";

/** Options shared by {@link Adam}, {@link AdamW} and {@link AdaBelief}. */
export interface MomentOptions extends BaseOptions {
  /** Learning rate α; default 1e-3. */
  lr: number;
  /** Decays (β1, β2) of the first and second moments; default [0.9, 0.999]. */
  betas: readonly [number, number];
  /** ε added to the denominator (and, in AdaBelief, to the second moment). */
  eps: number;
  /** Weight decay λ: added to the gradient (L2), or applied to θ directly when decoupled. */
  weightDecay: number;
}

/** How the weight decay λ enters, and whether AMSGrad's running maximum is used: fixed per class or per group. */
export interface MomentRules {
  readonly decoupled: boolean;
  readonly amsgrad: boolean;
}

/**
 * The algorithm Adam and AdaBelief share (DESIGN §8): they differ only in the second-moment statistic,
 * which a subclass supplies as `updateSecondMoment`. With m the first moment and s the second:
 *
 *     θ ← θ (1 − α λ)  (decoupled)     or     g = v + λ θ  (L2)
 *     m ← β1 m + (1 − β1) g
 *     s ← (subclass: Adam's g², AdaBelief's (g − m)² + ε)
 *     s_max ← max(s_max, s), used in place of s  (AMSGrad)
 *     θ ← θ − (α / (1 − β1^k)) · m / (√s / √(1 − β2^k) + ε)
 *
 * which is α m̂ / (√ŝ + ε) with the bias corrections m̂ = m / (1 − β1^k), ŝ = s / (1 − β2^k).
 *
 * @example
 * ```ts
 * // All of Adam, written as a subclass: options, the decay rule, and the g² statistic.
 * class MyAdam extends AdaptiveMoments<AdamOptions> {
 *   constructor(params: Params<AdamOptions>) { super("MyAdam", params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false }); }
 *   protected rules(o: AdamOptions) { return { decoupled: false, amsgrad: o.amsgrad }; }
 *   protected updateSecondMoment(s: Storage, g: Storage, _m: Storage, beta2: number) {
 *     for (let i = 0; i < s.length; i++) s[i] = beta2 * s[i]! + (1 - beta2) * g[i]! * g[i]!;
 *   }
 * }
 * ```
 */
export abstract class AdaptiveMoments<O extends MomentOptions> extends Optimizer<O> {
  protected constructor(kind: string, params: Params<O>, defaults: O) {
    super(kind, params, defaults);
  }

  /** Whether the group decays weights directly and keeps AMSGrad's maximum. */
  protected abstract rules(options: Readonly<O>): MomentRules;

  /** In place: the second moment s from the gradient g and the freshly updated first moment m. */
  protected abstract updateSecondMoment(s: Storage, g: Storage, m: Storage, beta2: number, eps: number): void;

  protected checkOptions(o: O): O {
    nonNegative(this.kind, "lr", o.lr);
    betaPair(this.kind, "betas", o.betas);
    positive(this.kind, "eps", o.eps);
    nonNegative(this.kind, "weightDecay", o.weightDecay);
    return o;
  }

  protected update(param: Storage, grad: Storage, state: ParamState, o: Readonly<O>): void {
    const { decoupled, amsgrad } = this.rules(o);
    const [beta1, beta2] = o.betas;
    if (decoupled) decoupledDecay(param, o.lr, o.weightDecay);
    const g = decoupled ? grad : withWeightDecay(param, grad, o.weightDecay);
    const m = buffer(state, "expAvg", param);
    const s = buffer(state, "expAvgSq", param);
    runningAverage(m, g, beta1);
    this.updateSecondMoment(s, g, m, beta2, o.eps);
    let denomSource = s;
    if (amsgrad) {
      denomSource = buffer(state, "maxExpAvgSq", param);
      for (let i = 0; i < s.length; i++) denomSource[i] = Math.max(denomSource[i]!, s[i]!);
    }
    const stepSize = o.lr / (1 - beta1 ** state.step);
    const correction2 = Math.sqrt(1 - beta2 ** state.step);
    for (let i = 0; i < param.length; i++) {
      const denom = Math.sqrt(denomSource[i]!) / correction2 + o.eps;
      param[i] = param[i]! - stepSize * (m[i]! / denom);
    }
  }
}
