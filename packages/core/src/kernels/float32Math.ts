/**
 * exp and tanh of float32 values, computed in float32 arithmetic by a fixed sequence of IEEE operations
 * (add, subtract, multiply, divide, min, max, and building a power of 2 from its exponent), so that a
 * 4-lane WebAssembly SIMD formula (wasm/float32Lanes.ts) doing the same operations gives the same bits.
 * `Math.exp` rounded to float32 cannot be reproduced that way: it is a float64 computation whose last
 * bits no polynomial on four float32 lanes repeats. With one algorithm for both, a float32 exp or tanh
 * gives the same value in an eager kernel, in a jit program's JavaScript loop and in its SIMD loop, and
 * the SIMD loop may run at all. Both functions are within 1 ulp of the float32-rounded true value over
 * every float32 input (against Math.exp and Math.tanh rounded: checked once on every float32 in
 * [-104, 89] for exp and in [0, 10] for tanh, which is odd and is ±1 beyond, and on a sweep of all
 * float32 values by float32Math.test.ts), as PyTorch's vectorised float32 exp (SLEEF's, 1 ulp) is:
 * float32 tensors get float32 accuracy.
 *
 * The algorithm is Cephes' expf and tanhf (S. L. Moshier), written branch-free where the lanes must be:
 *
 * - exp(x): x is clamped to [-104, 89] (beyond it the result is 0 or ∞ anyway, and the clamp keeps 2^n
 *   buildable); n = round-to-nearest-even(x·log2 e); r = x − n·C1 − n·C2 (Cody–Waite: C1 has few enough
 *   bits that n·C1 and x − n·C1 are exact, so r keeps its low bits); e^r from a degree-5 polynomial as
 *   1 + r + r²·P(r); then e^r·2^n as (e^r·2^⌊n/2⌋)·2^(n−⌊n/2⌋): both halves are normal float32 powers
 *   of 2, the first product is exact, and the second rounds once, so subnormal results round correctly
 *   and large ones overflow to ∞.
 * - tanh(x), with a = |x|: for a < 0.625 an odd polynomial, a + a·a²·Q(a²) (no cancellation near 0,
 *   where 1 − 2/(e^2a + 1) would lose every digit); above it 1 − 2/(exp(2a) + 1), which is exactly 1 once
 *   exp(2a) is large or ∞; then x's sign, so −0 stays −0 and NaN stays NaN.
 *
 * In JavaScript every operation is wrapped in `Math.fround`: a float64 sum, difference, product or
 * quotient of two float32 values rounded to float32 is the float32 operation's result (double rounding
 * is innocuous at 53 ≥ 2·24 + 2 bits). No fused multiply-add is used: JavaScript has none, and the lanes
 * must round where the JavaScript rounds.
 */

const fround = Math.fround;

/** The algorithm's constants, float32 values shared by the scalar functions and the lane formulas. */
export const float32MathConstants = {
  /** Inputs of exp are clamped to [expLow, expHigh]: e^-104 rounds to 0 and e^89 overflows to ∞. */
  expLow: -104,
  expHigh: 89,
  log2e: fround(Math.LOG2E),
  /** 1.5·2^23: adding and subtracting it rounds a float32 |y| < 2^22 to an integer, ties to even. */
  rounder: 12582912,
  /** ln 2 = c1 + c2 − (a rounding error): c1 = 355/512 has 9 bits, so n·c1 is exact for |n| ≤ 2^15. */
  c1: 0.693359375,
  c2: fround(-2.12194440e-4),
  /** e^r ≈ 1 + r + r²·(((((p0·r + p1)·r + p2)·r + p3)·r + p4)·r + p5) on |r| ≤ ln2/2. */
  expPoly: [fround(1.9875691500e-4), fround(1.3981999507e-3), fround(8.3334519073e-3), fround(4.1665795894e-2), fround(1.6666665459e-1), fround(5.0000001201e-1)],
  /** tanh(a) ≈ a + a·z·((((q0·z + q1)·z + q2)·z + q3)·z + q4) with z = a², for a < tanhSmall. */
  tanhPoly: [fround(-5.70498872745e-3), fround(2.06390887954e-2), fround(-5.37397155531e-2), fround(1.33314422036e-1), fround(-3.33332819422e-1)],
  tanhSmall: 0.625,
  /** 2^n is built as 2^h·2^(n−h) with h = n >> 1: n ∈ [-150, 128] keeps both exponents in [-75, 64]. */
  halfExponentLow: -75,
  halfExponentHigh: 64,
} as const;

const K = float32MathConstants;
const [p0, p1, p2, p3, p4, p5] = K.expPoly;
const [q0, q1, q2, q3, q4] = K.tanhPoly;

/** 2^h for h in [halfExponentLow, halfExponentHigh], by h − halfExponentLow: exact float32 values. */
const powersOf2 = Float64Array.from({ length: K.halfExponentHigh - K.halfExponentLow + 1 }, (_, i) => 2 ** (i + K.halfExponentLow));

/**
 * e^x of a float32 value in float32 arithmetic (see the module's comment): within 1 ulp of the rounded
 * true value, and what the 4-lane formula `expLanes` gives bit for bit. NaN gives NaN, −∞ gives 0, +∞ ∞.
 * @example
 * ```ts
 * exp32(1); // 2.7182817459106445, Math.fround(Math.E)
 * ```
 */
export function exp32(x: number): number {
  const clamped = Math.min(Math.max(x, K.expLow), K.expHigh); // NaN stays NaN
  const n = fround(fround(fround(clamped * K.log2e) + K.rounder) - K.rounder);
  const r = fround(fround(clamped - fround(n * K.c1)) - fround(n * K.c2));
  let poly = fround(fround(p0 * r) + p1);
  poly = fround(fround(poly * r) + p2);
  poly = fround(fround(poly * r) + p3);
  poly = fround(fround(poly * r) + p4);
  poly = fround(fround(poly * r) + p5);
  const er = fround(fround(fround(poly * fround(r * r)) + r) + 1);
  const k = n | 0; // NaN gives 0, as the lanes' saturating conversion does
  const half = k >> 1;
  return fround(fround(er * powersOf2[half - K.halfExponentLow]!) * powersOf2[k - half - K.halfExponentLow]!);
}

/**
 * tanh(x) of a float32 value in float32 arithmetic (see the module's comment): within 1 ulp of the
 * rounded true value, and what the 4-lane formula `tanhLanes` gives bit for bit. ±0 keeps its sign.
 * @example
 * ```ts
 * tanh32(0.5); // 0.46211716532707214, Math.fround(Math.tanh(0.5))
 * ```
 */
export function tanh32(x: number): number {
  const a = Math.abs(x);
  let t: number;
  if (a < K.tanhSmall) {
    const z = fround(a * a);
    let poly = fround(fround(q0 * z) + q1);
    poly = fround(fround(poly * z) + q2);
    poly = fround(fround(poly * z) + q3);
    poly = fround(fround(poly * z) + q4);
    t = fround(fround(fround(poly * z) * a) + a);
  } else {
    t = fround(1 - fround(2 / fround(exp32(fround(a + a)) + 1))); // NaN lands here and stays NaN
  }
  return x < 0 ? -t : x === 0 ? x : t;
}
