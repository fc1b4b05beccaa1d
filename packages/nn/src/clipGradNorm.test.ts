import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tensor, ValueError, type Tensor } from "@tapegrad/core";
import { clipGradNorm } from "./clipGradNorm.js";

/** A leaf whose gradient is `g`, as backward would leave it. */
function withGrad(g: number[], shape: number[] = [g.length], dtype: "float32" | "float64" = "float64"): Tensor {
  const p = tensor(g.map(() => 0), { dtype, requiresGrad: true }).reshape(shape).detach();
  p.requiresGrad = true;
  p.mul(tensor(g, { dtype }).reshape(shape)).sum().backward();
  return p;
}

/** A case of fixtures/make_clip_grad_norm.py: gradients before, and the total and gradients after torch's clip_grad_norm_. */
interface Case {
  name: string;
  maxNorm: number;
  normType: number | "inf" | "-inf";
  shapes: (number[] | null)[];
  grads: (number[] | null)[];
  total: number;
  clipped: (number[] | null)[];
}
const vectors = JSON.parse(readFileSync(new URL("../test/fixtures/clip_grad_norm.json", import.meta.url), "utf8")) as { cases: Case[] };
const normType = (p: Case["normType"]): number => (p === "inf" ? Infinity : p === "-inf" ? -Infinity : p);

describe("clipGradNorm against torch.nn.utils.clip_grad_norm_ (PyTorch 1.13, float64)", () => {
  it.each(vectors.cases)("$name", (c) => {
    const params = c.grads.map((g, i) => (g === null ? tensor([0], { dtype: "float64", requiresGrad: true }) : withGrad(g, c.shapes[i]!)));
    const total = clipGradNorm(params, c.maxNorm, { normType: normType(c.normType) });
    expect([total.shape, total.dtype]).toEqual([[], "float64"]);
    expect(Math.abs(total.item() - c.total)).toBeLessThanOrEqual(1e-12 * c.total);
    params.forEach((p, i) => {
      if (c.clipped[i] === null) return expect(p.grad).toBeNull();
      Array.from(p.grad!.data).forEach((v, k) => expect(Math.abs(v - c.clipped[i]![k]!)).toBeLessThanOrEqual(1e-12 * Math.abs(c.clipped[i]![k]!) + 1e-300));
    });
  });
});

describe("clipGradNorm, as torch.nn.utils.clip_grad_norm_", () => {
  it("returns a scalar Tensor of the gradients' dtype, and float32 0 when no parameter has a gradient", () => {
    expect(clipGradNorm([withGrad([3, 4], [2], "float32")], 10).toArray()).toBe(5);
    expect(clipGradNorm([withGrad([3, 4], [2], "float32")], 10).dtype).toBe("float32");
    const none = clipGradNorm([tensor([1])], 1);
    expect([none.shape, none.dtype, none.item()]).toEqual([[], "float32", 0]);
  });

  it("scales by the non-finite norm unless errorIfNonfinite (an infinite gradient makes total ∞, coefficient 0)", () => {
    const [a, b] = [withGrad([Infinity, 1]), withGrad([2])];
    expect(clipGradNorm([a, b], 1).item()).toBe(Infinity);
    expect(Array.from(a.grad!.data)).toEqual([NaN, 0]); // ∞·0, as PyTorch
    expect(Array.from(b.grad!.data)).toEqual([0]);
    const c = withGrad([NaN, 1]);
    expect(() => clipGradNorm([c], 1, { errorIfNonfinite: true })).toThrow(ValueError);
    expect(() => clipGradNorm([c], 1, { errorIfNonfinite: true, normType: 3 })).toThrow(/clipGradNorm: the total norm of order 3 of the gradients of parameters is NaN, so it cannot be clipped/);
    expect(Array.from(c.grad!.data)).toEqual([NaN, 1]); // untouched when it throws
  });
});
