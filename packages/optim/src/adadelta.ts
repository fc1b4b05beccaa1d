import type { Storage } from "@tapegrad/core";
import { buffer, Optimizer, type BaseOptions, type ParamState, type Params } from "./optimizer.js";
import { runningSquareAverage } from "./runningAverage.js";
import { withWeightDecay } from "./weightDecay.js";
import { epsilon, nonNegative, unitInterval } from "./validate.js";

/**
 * The step d of each parameter, reused from step to step. It is scratch, not state (it is recomputed from
 * the state before it is read), so it lives outside `stateDict()`, keyed by the parameter's storage.
 */
const steps = new WeakMap<Storage, Storage>();
function stepBuffer(param: Storage): Storage {
  let d = steps.get(param);
  if (d === undefined) {
    d = param instanceof Float64Array ? new Float64Array(param.length) : new Float32Array(param.length);
    steps.set(param, d);
  }
  return d;
}

/** Options of {@link AdaDelta}; names and defaults of `torch.optim.Adadelta`. */
export interface AdaDeltaOptions extends BaseOptions {
  /** Scale α of the step; default 1 (Zeiler's method has none; torch adds it). */
  lr: number;
  /** Decay ρ of both running averages; default 0.9 (Zeiler used 0.95). */
  rho: number;
  /** ε inside both roots; default 1e-6. */
  eps: number;
  /** L2 penalty λ added to the gradient; default 0. */
  weightDecay: number;
}

const defaults: AdaDeltaOptions = { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0 };

/**
 * AdaDelta (Zeiler 2012), the lecture's diagonal Newton approximation (§6). The lecture writes
 * ① s ← ρ s + (1 − ρ) v², ② t ← ρ t + (1 − ρ) d², ③ d = −(√t / √s) v, one pass of ①②③ per step: ② folds
 * in the previous step's d before ③ forms the new one. The published algorithm below computes d first and
 * folds it into t afterwards, which is the same sequence (each d sees the t of all earlier steps). What
 * differs is ε, inside both roots, and the scale α:
 *
 *     g = v + λ θ
 *     s ← ρ s + (1 − ρ) g²
 *     d = −(√(t + ε) / √(s + ε)) g          (t is still the previous steps' average)
 *     t ← ρ t + (1 − ρ) d²
 *     θ ← θ + α d                            (α = lr, 1 in Zeiler's method)
 *
 * The squared-gradient average s includes the CURRENT gradient. TensorFlow.js divides by the previous
 * step's s instead, so its first step is the raw gradient; on f(w) = w² from w = 1 with ρ = 0.95,
 * ε = 1e-6 this method gives 0.99553, 0.99101, 0.98646.
 *
 * @example
 * ```ts
 * const opt = new AdaDelta(params, { rho: 0.95 });
 * opt.zeroGrad(); loss().backward(); opt.step();
 * ```
 */
export class AdaDelta extends Optimizer<AdaDeltaOptions> {
  constructor(params: Params<AdaDeltaOptions>, options: Partial<AdaDeltaOptions> = {}) {
    super("AdaDelta", params, { ...defaults, ...options });
  }

  protected checkOptions(o: AdaDeltaOptions): AdaDeltaOptions {
    nonNegative("AdaDelta", "lr", o.lr);
    unitInterval("AdaDelta", "rho", o.rho);
    epsilon("AdaDelta", "eps", o.eps);
    nonNegative("AdaDelta", "weightDecay", o.weightDecay);
    return o;
  }

  protected update(param: Storage, grad: Storage, state: ParamState, o: Readonly<AdaDeltaOptions>): void {
    const g = withWeightDecay(param, grad, o.weightDecay);
    const s = buffer(state, "squareAvg", param);
    const t = buffer(state, "accDelta", param);
    runningSquareAverage(s, g, o.rho);
    const d = stepBuffer(param);
    for (let i = 0; i < d.length; i++) d[i] = (Math.sqrt(t[i]! + o.eps) / Math.sqrt(s[i]! + o.eps)) * g[i]!;
    runningSquareAverage(t, d, o.rho);
    for (let i = 0; i < param.length; i++) param[i] = param[i]! - o.lr * d[i]!;
  }
}
