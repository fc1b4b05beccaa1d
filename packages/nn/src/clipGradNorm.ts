import { noGrad, Tensor, ValueError } from "@tapegrad/core";

/** Options of `clipGradNorm`. */
export interface ClipGradNormOptions {
  /** The p of the p-norm; 2 by default, `Infinity` for the largest absolute value. */
  normType?: number;
}

/**
 * Scales the gradients of `parameters` in place so that their norm, taken over all of them together as
 * one vector, is at most `maxNorm`, as `torch.nn.utils.clip_grad_norm_`: each gradient is multiplied by
 * maxNorm / (total + 1e-6) when that is below 1. Parameters without a gradient are skipped. Returns the
 * total norm before clipping.
 * @example
 * ```ts
 * loss.backward();
 * const norm = clipGradNorm(model.parameters(), 1.0); // then opt.step()
 * ```
 */
export function clipGradNorm(parameters: readonly Tensor[], maxNorm: number, options: ClipGradNormOptions = {}): number {
  const p = options.normType ?? 2;
  if (typeof maxNorm !== "number" || !(maxNorm >= 0)) throw new ValueError("clipGradNorm", `maxNorm must be a number >= 0 (got ${String(maxNorm)})`);
  if (typeof p !== "number" || !(p > 0)) throw new ValueError("clipGradNorm", `option normType must be a number > 0 or Infinity (got ${String(p)})`);
  const bad = parameters.findIndex((t) => !(t instanceof Tensor));
  if (bad >= 0) throw new ValueError("clipGradNorm", `parameters[${bad}] must be a Tensor (got ${String(parameters[bad])})`);
  const grads = parameters.flatMap((t) => (t.grad === null ? [] : [t.grad]));
  let total = 0;
  for (const g of grads) {
    for (const v of g.data) total = p === Infinity ? Math.max(total, Math.abs(v)) : total + Math.abs(v) ** p;
  }
  if (p !== Infinity) total **= 1 / p;
  const coef = maxNorm / (total + 1e-6);
  if (coef < 1) noGrad(() => grads.forEach((g) => g.data.forEach((v, i, data) => (data[i] = v * coef))));
  return total;
}
