import { ValueError } from "@tapegrad/core";
import { nonNegative, positiveInteger } from "./validate.js";

/**
 * A learning-rate schedule: a function from the step k (1 for the first update) to the rate α_k.
 * Schedules are plain functions, so they compose by wrapping (see {@link warmup}, {@link sequence}).
 */
export type Schedule = (k: number) => number;

function checkStep(k: number): number {
  if (!Number.isInteger(k) || k < 1) throw new ValueError("schedule", `step k must be an integer >= 1 (got ${k})`);
  return k;
}

/**
 * α_k = α for every k.
 * @example
 * ```ts
 * constant(0.1)(7); // 0.1
 * ```
 */
export function constant(lr: number): Schedule {
  nonNegative("constant", "lr", lr);
  return (k) => (checkStep(k), lr);
}

/**
 * The lecture's linear schedule (§5): α_k = (k/K) α̈ + (1 − k/K) α̇ for k ≤ K, then α̈.
 * @example
 * ```ts
 * linear(1, 0.1, 10)(5);  // 0.55
 * linear(1, 0.1, 10)(20); // 0.1
 * ```
 */
export function linear(start: number, end: number, steps: number): Schedule {
  nonNegative("linear", "start", start);
  nonNegative("linear", "end", end);
  positiveInteger("linear", "steps", steps);
  return (k) => {
    if (checkStep(k) > steps) return end;
    const f = k / steps;
    return f * end + (1 - f) * start;
  };
}

/**
 * The lecture's α_k = α̇ / k.
 * @example
 * ```ts
 * inverse(1)(4); // 0.25
 * ```
 */
export function inverse(start: number): Schedule {
  nonNegative("inverse", "start", start);
  return (k) => start / checkStep(k);
}

/**
 * The lecture's α_k = α̇ / √k.
 * @example
 * ```ts
 * inverseSqrt(1)(4); // 0.5
 * ```
 */
export function inverseSqrt(start: number): Schedule {
  nonNegative("inverseSqrt", "start", start);
  return (k) => start / Math.sqrt(checkStep(k));
}

/**
 * start · gamma^n for `step` and `exponential`, as a double wherever the rate is one. Where the power is
 * a double the plain product is kept (its roundings are the ones the torch trajectory tests check); far
 * out the power alone overflows or underflows, and then the logarithms give the product (a start of 0 is
 * 0 for any power, where 0 · Infinity would be NaN). A growing rate (gamma > 1) that leaves the doubles is refused with
 * the step rather than handed to the optimizer as Infinity.
 */
function decayed(owner: string, formula: string, start: number, gamma: number, n: number, k: number): number {
  if (start === 0) return 0;
  const power = gamma ** n;
  if ((power > 0 && power < Infinity) || gamma === 0) return start * power;
  const rate = Math.exp(Math.log(start) + n * Math.log(gamma));
  if (rate === Infinity) throw new ValueError(owner, `the rate ${formula} overflows at step k = ${k} (start ${start}, gamma ${gamma})`);
  return rate;
}

/**
 * Step decay, torch's `StepLR`: α_k = α̇ γ^⌊(k − 1) / stepSize⌋ (the first `stepSize` steps use α̇).
 * @example
 * ```ts
 * step(1, { stepSize: 10, gamma: 0.5 })(11); // 0.5
 * ```
 */
export function step(start: number, options: { stepSize: number; gamma?: number }): Schedule {
  nonNegative("step", "start", start);
  const stepSize = positiveInteger("step", "stepSize", options.stepSize);
  const gamma = nonNegative("step", "gamma", options.gamma ?? 0.1);
  return (k) => decayed("step", "start · gamma^⌊(k − 1) / stepSize⌋", start, gamma, Math.floor((checkStep(k) - 1) / stepSize), k);
}

/**
 * Exponential decay, torch's `ExponentialLR`: α_k = α̇ γ^(k − 1).
 * @example
 * ```ts
 * exponential(1, 0.9)(3); // 0.81
 * ```
 */
export function exponential(start: number, gamma: number): Schedule {
  nonNegative("exponential", "start", start);
  nonNegative("exponential", "gamma", gamma);
  return (k) => decayed("exponential", "start · gamma^(k − 1)", start, gamma, checkStep(k) - 1, k);
}

/**
 * Cosine annealing, torch's `CosineAnnealingLR` in closed form: from α̇ at k = 1 down to `min` at
 * k = steps + 1, then `min`: α_k = min + (α̇ − min)(1 + cos(π (k − 1) / steps)) / 2.
 * @example
 * ```ts
 * cosine(1, { steps: 10 })(6); // 0.5
 * ```
 */
export function cosine(start: number, options: { steps: number; min?: number }): Schedule {
  nonNegative("cosine", "start", start);
  const steps = positiveInteger("cosine", "steps", options.steps);
  const min = nonNegative("cosine", "min", options.min ?? 0);
  return (k) => {
    const t = Math.min(checkStep(k) - 1, steps);
    return min + ((start - min) * (1 + Math.cos((Math.PI * t) / steps))) / 2;
  };
}

/**
 * Linear warm-up in front of any schedule: α_k = (k / W) · after(1) for k ≤ W, then after(k − W).
 * @example
 * ```ts
 * const s = warmup(5, cosine(1e-3, { steps: 100 }));
 * s(1); // 2e-4
 * s(6); // 1e-3
 * ```
 */
export function warmup(steps: number, after: Schedule): Schedule {
  positiveInteger("warmup", "steps", steps);
  return (k) => (checkStep(k) <= steps ? (k / steps) * after(1) : after(k - steps));
}

/**
 * Runs schedules one after another: each for its `steps`, the last one for ever; every part counts its
 * own steps from 1.
 * @example
 * ```ts
 * const s = sequence([{ schedule: constant(0.1), steps: 3 }, { schedule: inverse(0.1) }]);
 * s(3); // 0.1
 * s(5); // 0.05
 * ```
 */
export function sequence(parts: readonly { schedule: Schedule; steps?: number }[]): Schedule {
  if (parts.length === 0) throw new ValueError("sequence", `option parts must hold at least one schedule (got 0)`);
  parts.slice(0, -1).forEach((p, i) => positiveInteger("sequence", `parts[${i}].steps`, p.steps ?? Number.NaN));
  return (k) => {
    let local = checkStep(k);
    let i = 0;
    for (; i < parts.length - 1 && local > parts[i]!.steps!; i++) local -= parts[i]!.steps!;
    return parts[i]!.schedule(local);
  };
}
