import { fusedAdam, type Storage } from "@tapegrad/core";
import { buffer, Optimizer, type BaseOptions, type ParamState, type Params } from "./optimizer.js";
import { betaPair, epsilon, nonNegative } from "./validate.js";

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
  /** The second-moment statistic: `"square"` (Adam's g²) or `"belief"` (AdaBelief's (g − m)² + ε). */
  readonly statistic: "square" | "belief";
}

/**
 * The algorithm Adam and AdaBelief share (DESIGN §8): they differ only in the second-moment statistic,
 * which a subclass names in its rules. The whole update of a parameter runs as one loop. With m the first
 * moment and s the second:
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
 *   protected rules(o: AdamOptions) { return { decoupled: false, amsgrad: o.amsgrad, statistic: "square" as const }; }
 * }
 * ```
 */
export abstract class AdaptiveMoments<O extends MomentOptions> extends Optimizer<O> {
  protected constructor(kind: string, params: Params<O>, defaults: O) {
    super(kind, params, defaults);
  }

  /** Whether the group decays weights directly and keeps AMSGrad's maximum. */
  protected abstract rules(options: Readonly<O>): MomentRules;

  protected checkOptions(o: O): O {
    nonNegative(this.kind, "lr", o.lr);
    betaPair(this.kind, "betas", o.betas);
    epsilon(this.kind, "eps", o.eps);
    nonNegative(this.kind, "weightDecay", o.weightDecay);
    return o;
  }

  protected update(param: Storage, grad: Storage, state: ParamState, o: Readonly<O>): void {
    const rules = this.rules(o);
    const beta1 = o.betas[0];
    const beta2 = o.betas[1];
    const stepSize = o.lr / (1 - beta1 ** state.step);
    const correction2 = Math.sqrt(1 - beta2 ** state.step);
    const m = buffer(state, "expAvg", param);
    const s = buffer(state, "expAvgSq", param);
    const max = rules.amsgrad ? buffer(state, "maxExpAvgSq", param) : null;
    fusedUpdate(param, grad, m, s, max, rules.statistic === "belief", rules.decoupled, o.lr, o.weightDecay, beta1, beta2, o.eps, stepSize, correction2);
  }
}

/** One-element scratch arrays: storing a value and reading it back rounds it to the dtype, as a buffer would. */
const round32 = new Float32Array(1);
const round64 = new Float64Array(1);

/**
 * The whole update of one parameter in one pass: per element, decay, L2 gradient, first moment, statistic,
 * AMSGrad maximum and step, in torch.optim's order, with every intermediate that torch keeps in a tensor
 * of the parameter's dtype rounded to that dtype here too, so float32 runs follow torch's roundings.
 */
function fusedUpdate(
  param: Storage, grad: Storage, m: Storage, s: Storage, max: Storage | null, belief: boolean, decoupled: boolean,
  lr: number, weightDecay: number, beta1: number, beta2: number, eps: number, stepSize: number, correction2: number,
): void {
  const n = param.length;
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  const decay = decoupled && weightDecay !== 0;
  const factor = 1 - lr * weightDecay;
  const l2 = !decoupled && weightDecay !== 0;
  const tmp = param instanceof Float64Array ? round64 : round32;
  const add = belief ? eps : 0;
  // Adam and AdamW on float32 parameters: core's SIMD kernel, when it runs here.
  if (!l2 && max === null && !belief && fusedAdam(param, grad, m, s, { beta1, beta2, eps, stepSize, correction2, decay: decay ? factor : 1 })) return;
  if (!decay && !l2 && max === null && !belief) {
    // Adam without weight decay or AMSGrad: the common case, with no branches in the loop.
    for (let i = 0; i < n; i++) {
      const g = grad[i]!;
      m[i] = beta1 * m[i]! + c1 * g;
      s[i] = beta2 * s[i]! + c2 * g * g;
      const denom = Math.sqrt(s[i]!) / correction2 + eps;
      param[i] = param[i]! - stepSize * (m[i]! / denom);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    if (decay) param[i] = param[i]! * factor;
    let g = grad[i]!;
    if (l2) {
      tmp[0] = g + weightDecay * param[i]!;
      g = tmp[0]!;
    }
    m[i] = beta1 * m[i]! + c1 * g;
    const mi = m[i]!;
    if (belief) {
      const spread = g - mi;
      s[i] = beta2 * s[i]! + c2 * spread * spread + add;
    } else {
      s[i] = beta2 * s[i]! + c2 * g * g;
    }
    let si = s[i]!;
    if (max !== null) {
      si = Math.max(max[i]!, si);
      max[i] = si;
    }
    const denom = Math.sqrt(si) / correction2 + eps;
    param[i] = param[i]! - stepSize * (mi / denom);
  }
}
