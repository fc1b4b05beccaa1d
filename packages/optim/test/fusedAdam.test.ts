import { describe, expect, it } from "vitest";
import { Rng, setKernels } from "@tapegrad/core";
import { fusedAdam, type AdamScalars } from "../src/fusedAdam.js";
import { momentUpdate } from "../src/adaptiveMoments.js";

/**
 * The fused Adam kernel (WebAssembly SIMD, float32) against the reference loop run in float64, over
 * lengths that are not multiples of the vector width or of the blocks it is staged in, with and without
 * AdamW's decay; and its refusals, which leave the arrays untouched.
 */

type Arrays = [Float32Array, Float32Array, Float32Array, Float32Array];

/** The reference update of float64 copies of (p, g, m, s): what the kernel approximates in float32. */
function inFloat64(p: Float32Array, g: Float32Array, m: Float32Array, s: Float32Array, h: AdamScalars) {
  const [P, G, M, S] = [p, g, m, s].map((x) => Float64Array.from(x)) as [Float64Array, Float64Array, Float64Array, Float64Array];
  momentUpdate({ param: P, grad: G, m: M, s: S, max: null }, { ...h, l2: 0, belief: false });
  return { p: P, m: M, s: S };
}

/**
 * The update in float64 with the scale of each result's terms: the sum of their magnitudes, which bounds
 * what float32 rounding can change (a moment whose terms cancel is small, but its rounding error is not).
 * The same reference loop gives the scales when every term is made to add: p ≥ 0 and g, m ≤ 0 (then
 * m ← β1 m + c1 g sums two negatives and p ← p·decay − stepSize · m / … two positives).
 */
function expected(p: Float32Array, g: Float32Array, m: Float32Array, s: Float32Array, h: AdamScalars) {
  const want = inFloat64(p, g, m, s, h);
  const neg = (x: Float32Array): Float32Array => x.map((v) => -Math.abs(v));
  const terms = inFloat64(p.map(Math.abs), neg(g), neg(m), s, h);
  return { want, scale: { p: terms.p, m: terms.m.map(Math.abs), s: terms.s } };
}

function randomArrays(rng: Rng, n: number): Arrays {
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
      const { want, scale } = expected(p, g, m, s, h);
      const before = Float64Array.from(p);
      expect(fusedAdam({ param: p, grad: g, m, s }, h)).toBe(true);
      // A few roundings per result (and β1, β2 rounded to float32): at most 8 ulps of the scale.
      expect(worstUlps(m, want.m, scale.m)).toBeLessThan(8);
      expect(worstUlps(s, want.s, scale.s)).toBeLessThan(8);
      expect(worstUlps(p, want.p, scale.p)).toBeLessThan(8);
      expect(worstUlps(p, before, scale.p)).toBeGreaterThan(8); // it did move p, by far more than rounding
    }
  });

  it("declines float64 storage and the reference kernels, changing nothing", () => {
    const h: AdamScalars = { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 1e-2, correction2: 0.03, decay: 1 };
    const p64 = Float64Array.of(1, 2);
    expect(fusedAdam({ param: p64, grad: Float64Array.of(1, 1), m: new Float64Array(2), s: new Float64Array(2) }, h)).toBe(false);
    expect(p64).toEqual(Float64Array.of(1, 2));
    const previous = setKernels("reference");
    try {
      const p32 = Float32Array.of(1, 2);
      expect(fusedAdam({ param: p32, grad: Float32Array.of(1, 1), m: new Float32Array(2), s: new Float32Array(2) }, h)).toBe(false);
      expect(p32).toEqual(Float32Array.of(1, 2));
    } finally {
      setKernels(previous);
    }
  });
});
