import { describe, expect, it } from "vitest";
import { fusedAdam, Rng, type AdamScalars } from "@tapegrad/core";
import { referenceKernels } from "../src/kernels/backend.js";
import { useKernels } from "../src/kernels/active.js";

/**
 * The fused Adam kernel (WebAssembly SIMD, float32) against the same update computed in float64, over
 * lengths that are not multiples of the vector width or of the kernel's blocks, with and without AdamW's
 * decay; and its refusals, which leave the arrays untouched.
 */

/**
 * The update in float64, element by element, with the scale of each result's terms: the sum of their
 * magnitudes, which bounds what float32 rounding can change (a moment whose terms cancel is small, but
 * its rounding error is not).
 */
function adamInFloat64(p: Float32Array, g: Float32Array, m: Float32Array, s: Float32Array, h: AdamScalars) {
  const n = p.length;
  const want = { p: new Float64Array(n), m: new Float64Array(n), s: new Float64Array(n) };
  const scale = { p: new Float64Array(n), m: new Float64Array(n), s: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const [gi, gg] = [g[i]!, g[i]! * g[i]!];
    want.m[i] = h.beta1 * m[i]! + (1 - h.beta1) * gi;
    scale.m[i] = Math.abs(h.beta1 * m[i]!) + Math.abs((1 - h.beta1) * gi);
    want.s[i] = h.beta2 * s[i]! + (1 - h.beta2) * gg;
    scale.s[i] = h.beta2 * s[i]! + (1 - h.beta2) * gg;
    const denom = Math.sqrt(want.s[i]!) / h.correction2 + h.eps;
    want.p[i] = p[i]! * h.decay - (h.stepSize * want.m[i]!) / denom;
    scale.p[i] = Math.abs(p[i]!) + (h.stepSize * scale.m[i]!) / denom;
  }
  return { want, scale };
}

function randomArrays(rng: Rng, n: number): [Float32Array, Float32Array, Float32Array, Float32Array] {
  const draw = (f: () => number): Float32Array => Float32Array.from({ length: n }, f);
  return [draw(() => rng.normal()), draw(() => rng.normal() * 0.1), draw(() => rng.normal() * 0.01), draw(() => rng.uniform() * 1e-3)];
}

/** The largest error in float32 ulps of each element's scale (2^-24 · scale). */
const worstUlps = (got: Float32Array, want: Float64Array, scale: Float64Array): number =>
  got.reduce((worst, v, i) => Math.max(worst, Math.abs(v - want[i]!) / (2 ** -24 * scale[i]!)), 0);

describe("fusedAdam", () => {
  it.each([1, 3, 4, 5, 4095, 4096, 4097, 3 * 4096 + 7])("matches the float64 update to within float32 rounding at length %i", (n) => {
    const rng = new Rng(n);
    for (const decay of [1, 1 - 1e-3 * 0.01]) {
      const [p, g, m, s] = randomArrays(rng, n);
      const h: AdamScalars = { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 1e-3 / (1 - 0.9 ** 3), correction2: Math.sqrt(1 - 0.999 ** 3), decay };
      const { want, scale } = adamInFloat64(p, g, m, s, h);
      expect(fusedAdam(p, g, m, s, h)).toBe(true);
      // A few roundings per result (and β1, β2 rounded to float32): at most 8 ulps of the scale.
      expect(worstUlps(m, want.m, scale.m)).toBeLessThan(8);
      expect(worstUlps(s, want.s, scale.s)).toBeLessThan(8);
      expect(worstUlps(p, want.p, scale.p)).toBeLessThan(8);
    }
  });

  it("declines float64 storage and the reference kernels, changing nothing", () => {
    const h: AdamScalars = { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 1e-2, correction2: 0.03, decay: 1 };
    const p64 = Float64Array.of(1, 2);
    expect(fusedAdam(p64, Float64Array.of(1, 1), new Float64Array(2), new Float64Array(2), h)).toBe(false);
    expect(p64).toEqual(Float64Array.of(1, 2));
    const previous = useKernels(referenceKernels);
    try {
      const p32 = Float32Array.of(1, 2);
      expect(fusedAdam(p32, Float32Array.of(1, 1), new Float32Array(2), new Float32Array(2), h)).toBe(false);
      expect(p32).toEqual(Float32Array.of(1, 2));
    } finally {
      useKernels(previous);
    }
  });
});
