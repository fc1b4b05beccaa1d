import { describe, expect, it } from "vitest";
import { tensor } from "@tapegrad/core";
import { clipGradNorm } from "./clipGradNorm.js";

/** A leaf whose gradient is `g`, as backward would leave it. */
function withGrad(g: number[]): ReturnType<typeof tensor> {
  const p = tensor(g.map(() => 0), { dtype: "float64", requiresGrad: true });
  p.mul(tensor(g, { dtype: "float64" })).sum().backward();
  return p;
}

describe("clipGradNorm, as torch.nn.utils.clip_grad_norm_", () => {
  it("returns the 2-norm over all gradients and scales them by maxNorm / (norm + 1e-6) when above maxNorm", () => {
    const [a, b] = [withGrad([3, 0]), withGrad([0, 4])]; // together a vector of norm 5
    expect(clipGradNorm([a, b, tensor([1])], 1)).toBe(5);
    const coef = 1 / (5 + 1e-6);
    expect(Array.from(a.grad!.data)).toEqual([3 * coef, 0]);
    expect(Array.from(b.grad!.data)).toEqual([0, 4 * coef]);
  });

  it("leaves gradients alone below maxNorm, and takes the ∞-norm and other p-norms", () => {
    const a = withGrad([-3, 2]);
    expect(clipGradNorm([a], 10)).toBeCloseTo(Math.sqrt(13), 14);
    expect(Array.from(a.grad!.data)).toEqual([-3, 2]);
    expect(clipGradNorm([a], 10, { normType: Infinity })).toBe(3);
    expect(clipGradNorm([a], 10, { normType: 1 })).toBe(5);
  });
});
