import { noGrad, Tensor, tensor, updateInPlace, ValueError, zeros } from "@tapegrad/core";

/** Options of `clipGradNorm`, as `torch.nn.utils.clip_grad_norm_`'s. */
export interface ClipGradNormOptions {
  /**
   * The p of the p-norm; 2 by default. `Infinity` takes the largest absolute value, `-Infinity` the
   * smallest, 0 counts the non-zero entries, and any other p is (Σ|g|ᵖ)^(1/p), as `torch.norm`.
   */
  normType?: number;
  /** Throw when the total norm is NaN or ±Infinity instead of scaling by it; false by default, as PyTorch. */
  errorIfNonfinite?: boolean;
}

/** torch.norm(values, p) of a flat list, in doubles. */
function pNorm(values: ArrayLike<number>, p: number): number {
  const abs = Array.from(values, Math.abs);
  if (p === Infinity) return abs.reduce((a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)), 0);
  if (p === -Infinity) return abs.reduce((a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)), Infinity);
  if (p === 0) return abs.reduce((n, v) => n + (v === 0 ? 0 : 1), 0);
  return abs.reduce((s, v) => s + v ** p, 0) ** (1 / p);
}

/**
 * Scales the gradients of `parameters` in place so that their norm, taken over all of them together, is
 * at most `maxNorm`, exactly as `torch.nn.utils.clip_grad_norm_`: the total is the p-norm of the
 * parameters' own p-norms, and every gradient is multiplied by min(1, maxNorm / (total + 1e-6)).
 * Parameters without a gradient are skipped. Returns the total norm before clipping as a scalar Tensor
 * (of the gradients' dtype; float32 `0` when no parameter has a gradient), as PyTorch does.
 * @example
 * ```ts
 * loss.backward();
 * const norm = clipGradNorm(model.parameters(), 1.0).item();          // then opt.step()
 * clipGradNorm(model.parameters(), 1.0, { normType: Infinity, errorIfNonfinite: true });
 * ```
 */
export function clipGradNorm(parameters: readonly Tensor[], maxNorm: number, options: ClipGradNormOptions = {}): Tensor {
  const p = options.normType ?? 2;
  if (typeof maxNorm !== "number" || !(maxNorm >= 0)) throw new ValueError("clipGradNorm", `maxNorm must be a number >= 0 (got ${String(maxNorm)})`);
  if (typeof p !== "number" || Number.isNaN(p)) throw new ValueError("clipGradNorm", `option normType must be a number or ±Infinity (got ${String(p)})`);
  if (!Array.isArray(parameters)) throw new ValueError("clipGradNorm", `parameters must be an array of Tensors (got ${String(parameters)})`);
  const bad = parameters.findIndex((t) => !(t instanceof Tensor));
  if (bad >= 0) throw new ValueError("clipGradNorm", `parameters[${bad}] must be a Tensor (got ${String(parameters[bad])})`);
  const grads = parameters.flatMap((t) => (t.grad === null ? [] : [t.grad]));
  if (grads.length === 0) return tensor(0);
  // One recorded in-place update, which reads the gradients through the parameters as they are when it
  // runs: under jit the compiled step clips each call's own gradients, writing the norm into `norm`.
  const norm = zeros([], { dtype: grads[0]!.dtype });
  updateInPlace(
    "clipGradNorm",
    (normOut) => {
      const current = parameters.flatMap((t) => (t.grad === null ? [] : [t.grad.data]));
      const total = pNorm(current.map((g) => pNorm(g, p)), p);
      if (options.errorIfNonfinite === true && !Number.isFinite(total)) {
        throw new ValueError("clipGradNorm", `the total norm of order ${p} of the gradients of parameters is ${total}, so it cannot be clipped (pass errorIfNonfinite: false to scale by it anyway)`);
      }
      const coef = Math.min(maxNorm / (total + 1e-6), 1);
      for (const g of current) for (let i = 0; i < g.length; i++) g[i] = g[i]! * coef;
      normOut[0] = total;
    },
    [norm],
  );
  // A copy made by an op after the update, so that each call (under jit too) returns a tensor of its own.
  return noGrad(() => norm.mul(1));
}
