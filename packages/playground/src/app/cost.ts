import { adviseMode, grad, jacfwd, profile, type Tensor } from "@tapegrad/core";
import { functionalCall, type Module } from "@tapegrad/nn";
import { classificationLoss } from "./network.js";

/** Counted cost of one way of computing the full gradient. */
export interface ModeCost {
  /** FLOPs counted by `profile` (or, when not run, `adviseMode`'s exact extrapolation). */
  readonly flops: number;
  /** Wall-clock milliseconds, or null when it was not run. */
  readonly ms: number | null;
}

/** What the full parameter gradient of the loss on one batch costs in each mode. */
export interface GradientCost {
  /** Number of parameters: the gradient's length, and forward mode's number of directions. */
  readonly parameters: number;
  /** Points in the batch the loss is taken over. */
  readonly batch: number;
  /** `grad` over every parameter: one taped forward pass and one backward pass. */
  readonly reverse: { readonly flops: number; readonly ms: number; readonly peakTapeBytes: number };
  /** `jacfwd` over every parameter: one tangent direction per parameter. */
  readonly forward: ModeCost;
  /** Forward FLOPs over reverse FLOPs. */
  readonly ratio: number;
}

/** Options of {@link gradientCost}. */
export interface CostOptions {
  /** Run `jacfwd` only when its extrapolated FLOPs are at most this (it would freeze the page beyond). */
  readonly maxForwardFlops: number;
  /** Tangent elements one `jacfwd` pass may hold (bounds its memory through `chunkSize`). */
  readonly maxTangentElements: number;
}

const defaultCostOptions: CostOptions = { maxForwardFlops: 2e8, maxTangentElements: 1 << 21 };

/**
 * Profiles the full gradient of the loss on `(x, y)` with respect to every parameter of `model`, once in
 * reverse mode (`grad`) and once in forward mode (`jacfwd`, which pushes one tangent per parameter), and
 * reports the counted FLOPs of each. When forward mode would be too slow to run in the page, its FLOPs
 * are `adviseMode`'s exact extrapolation and its time is null.
 */
export function gradientCost(model: Module, x: Tensor, y: Tensor, options: Partial<CostOptions> = {}): GradientCost {
  const { maxForwardFlops, maxTangentElements } = { ...defaultCostOptions, ...options };
  const named = model.namedParameters();
  const params = named.map(([, p]) => p.detach());
  const argnums = params.map((_, i) => i);
  const loss = (...ps: Tensor[]): Tensor =>
    classificationLoss(functionalCall(model, Object.fromEntries(named.map(([name], i) => [name, ps[i]!])), x), y);
  const parameters = params.reduce((n, p) => n + p.size, 0);
  const widest = Math.max(1, ...named.map(([, p]) => p.shape[0] ?? 1));
  const chunkSize = Math.max(1, Math.floor(maxTangentElements / (x.shape[0]! * widest)));

  // One untimed run first: the first call of each op compiles it, which would otherwise land in the time.
  grad(loss, { argnums })(...params);
  const reverse = profile(() => grad(loss, { argnums })(...params));
  const advice = adviseMode(loss, params, { argnums, chunkSize });
  const forward: ModeCost = advice.forwardFlops <= maxForwardFlops
    ? (({ flops, ms }) => ({ flops, ms }))(profile(() => jacfwd(loss, { argnums, chunkSize })(...params)))
    : { flops: advice.forwardFlops, ms: null };
  return {
    parameters,
    batch: x.shape[0]!,
    reverse: { flops: reverse.flops, ms: reverse.ms, peakTapeBytes: reverse.peakTapeBytes },
    forward,
    ratio: forward.flops / reverse.flops,
  };
}
