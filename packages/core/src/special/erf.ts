/**
 * The error function in float64, by W. J. Cody's rational Chebyshev approximations ("Rational Chebyshev
 * approximations for the error function", Math. Comp. 23, 1969; the coefficients of his CALERF routine).
 * Three intervals, each with its own rational function: erf(x) directly for |x| ≤ 0.46875, and erfc(x)
 * for larger |x| (0.46875..4, and beyond 4 in 1/x²), so that erf = 1 − erfc keeps full relative accuracy
 * where it is near 1. Maximal relative error is below 2·10⁻¹⁶ on each interval.
 *
 * JavaScript has no `Math.erf`; a polynomial fit such as Abramowitz–Stegun 7.1.26 is good to only ~10⁻⁷,
 * too coarse for float64 gradient checks.
 */

const SMALL = 0.46875;
/** 1/√π. */
const ONE_OVER_SQRT_PI = 5.6418958354775628695e-1;

/** erf(x) = x·A(x²)/B(x²) for |x| ≤ 0.46875 (A's leading coefficient is last). */
const A = [3.1611237438705656, 1.13864154151050156e2, 3.77485237685302021e2, 3.20937758913846947e3, 1.85777706184603153e-1];
const B = [2.36012909523441209e1, 2.44024637934444173e2, 1.28261652607737228e3, 2.84423683343917062e3];
/** erfc(x) = e^(−x²)·C(x)/D(x) for 0.46875 < x ≤ 4. */
const C = [
  5.64188496988670089e-1, 8.88314979438837594, 6.61191906371416295e1, 2.98635138197400131e2, 8.81952221241769090e2,
  1.71204761263407058e3, 2.05107837782607147e3, 1.23033935479799725e3, 2.15311535474403846e-8,
];
const D = [
  1.57449261107098347e1, 1.17693950891312499e2, 5.37181101862009858e2, 1.62138957456669019e3, 3.29079923573345963e3,
  4.36261909014324716e3, 3.43936767414372164e3, 1.23033935480374942e3,
];
/** erfc(x) = e^(−x²)/x·(1/√π + P(1/x²)/Q(1/x²)/x²) for x > 4. */
const P = [3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2];
const Q = [2.56852019228982242, 1.87295284992346725, 5.27905102951428412e-1, 6.05183413124413191e-2, 2.33520497626869185e-3];

/** e^(−y²), with y split into a part exact in 4 fractional bits and a remainder: Cody's guard against the rounding error of y² growing into e^(−y²)'s relative error. */
function expMinusSquare(y: number): number {
  const head = Math.trunc(y * 16) / 16;
  return Math.exp(-head * head) * Math.exp(-(y - head) * (y + head));
}

/** erfc(y) for y > 0.46875. */
function erfcLarge(y: number): number {
  if (y > 27) return 0; // e^(−y²) underflows float64 here
  let num: number;
  let den: number;
  if (y <= 4) {
    num = C[8]! * y;
    den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]!) * y;
      den = (den + D[i]!) * y;
    }
    return (expMinusSquare(y) * (num + C[7]!)) / (den + D[7]!);
  }
  const z = 1 / (y * y);
  num = P[5]! * z;
  den = z;
  for (let i = 0; i < 4; i++) {
    num = (num + P[i]!) * z;
    den = (den + Q[i]!) * z;
  }
  const tail = (z * (num + P[4]!)) / (den + Q[4]!);
  return (expMinusSquare(y) * (ONE_OVER_SQRT_PI - tail)) / y;
}

/**
 * The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt, accurate to float64 rounding.
 * @example
 * ```ts
 * erfScalar(0.5); // 0.5204998778130465
 * ```
 */
export function erfScalar(x: number): number {
  const y = Math.abs(x);
  if (y <= SMALL) {
    const z = y * y;
    let num = A[4]! * z;
    let den = z;
    for (let i = 0; i < 3; i++) {
      num = (num + A[i]!) * z;
      den = (den + B[i]!) * z;
    }
    return (x * (num + A[3]!)) / (den + B[3]!);
  }
  if (Number.isNaN(x)) return x;
  const r = 0.5 - erfcLarge(y) + 0.5; // 1 − erfc, grouped as Cody does to round once
  return x < 0 ? -r : r;
}

/**
 * The complementary error function erfc(x) = 1 − erf(x), accurate to float64 rounding also where it is
 * tiny (large x), which 1 − erf(x) cannot be.
 * @example
 * ```ts
 * erfcScalar(10); // 2.088487583762545e-45
 * ```
 */
export function erfcScalar(x: number): number {
  const y = Math.abs(x);
  if (y <= SMALL) return 1 - erfScalar(x);
  if (Number.isNaN(x)) return x;
  const tail = erfcLarge(y);
  return x < 0 ? 0.5 - tail + 1.5 : tail; // erfc(−y) = 2 − erfc(y)
}
