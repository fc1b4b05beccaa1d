import type { Storage } from "@tapegrad/core";
import { fusedAdam, type AdamBuffers, type AdamScalars } from "./fusedAdam.js";
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
    const [beta1, beta2] = o.betas;
    const decoupled = rules.decoupled && o.weightDecay !== 0;
    const buffers: MomentBuffers = {
      param,
      grad,
      m: buffer(state, "expAvg", param),
      s: buffer(state, "expAvgSq", param),
      max: rules.amsgrad ? buffer(state, "maxExpAvgSq", param) : null,
    };
    const step: MomentStep = {
      beta1,
      beta2,
      eps: o.eps,
      stepSize: o.lr / (1 - beta1 ** state.step),
      correction2: Math.sqrt(1 - beta2 ** state.step),
      decay: decoupled ? 1 - o.lr * o.weightDecay : 1,
      l2: rules.decoupled ? 0 : o.weightDecay,
      belief: rules.statistic === "belief",
    };
    // Adam and AdamW on float32 parameters: the SIMD kernel, where it runs; everything else, the loop.
    if (step.l2 === 0 && buffers.max === null && !step.belief && fusedAdam(buffers, step)) return;
    momentUpdate(buffers, step);
  }
}

/** The arrays of one parameter's update: Adam's, plus AMSGrad's running maximum (null without AMSGrad). */
export interface MomentBuffers extends AdamBuffers {
  readonly max: Storage | null;
}

/** The scalars of one parameter's update: Adam's, plus what AdaBelief and the L2 penalty add. */
export interface MomentStep extends AdamScalars {
  /** λ of the L2 penalty added to the gradient; 0 for none (and for decoupled decay, which is `decay`). */
  readonly l2: number;
  /** AdaBelief's statistic (g − m)² + ε in place of Adam's g². */
  readonly belief: boolean;
}

/** One-element scratch arrays: storing a value and reading it back rounds it to the dtype, as a buffer would. */
const round32 = new Float32Array(1);
const round64 = new Float64Array(1);

/**
 * The reference statement of the whole family's update (the SIMD kernel in adamSimd.ts is the only other):
 * one pass, per element, decay, L2 gradient, first moment, statistic, AMSGrad maximum and step, in
 * torch.optim's order, with every intermediate that torch keeps in a tensor of the parameter's dtype
 * rounded to that dtype here too, so float32 runs follow torch's roundings.
 * @example
 * ```ts
 * const p = Float64Array.of(1);
 * momentUpdate({ param: p, grad: Float64Array.of(0.5), m: new Float64Array(1), s: new Float64Array(1), max: null },
 *   { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 1e-3 / 0.1, correction2: Math.sqrt(0.001), decay: 1, l2: 0, belief: false }); // p ≈ [0.999]
 * ```
 */
export function momentUpdate(buffers: MomentBuffers, h: MomentStep): void {
  const { param, grad, m, s, max } = buffers;
  const { beta1, beta2, eps, stepSize, correction2, decay, l2, belief } = h;
  const [c1, c2] = [1 - beta1, 1 - beta2];
  const decays = decay !== 1;
  const tmp = param instanceof Float64Array ? round64 : round32;
  const add = belief ? eps : 0; // AdaBelief's ε inside the statistic; adding 0 changes nothing
  for (let i = 0; i < param.length; i++) {
    if (decays) param[i] = param[i]! * decay;
    let g = grad[i]!;
    if (l2 !== 0) {
      tmp[0] = g + l2 * param[i]!;
      g = tmp[0]!;
    }
    m[i] = beta1 * m[i]! + c1 * g;
    const mi = m[i]!;
    const d = belief ? g - mi : g;
    s[i] = beta2 * s[i]! + c2 * d * d + add;
    let si = s[i]!;
    if (max !== null) {
      si = Math.max(max[i]!, si);
      max[i] = si;
    }
    param[i] = param[i]! - stepSize * (mi / (Math.sqrt(si) / correction2 + eps));
  }
}
