/**
 * Python's `'{:.Nf}'` and `'{:.Ne}'` for a double, digit for digit, so that printed tensors match PyTorch.
 * JavaScript's `toFixed`/`toExponential` differ in two ways that show up in ordinary tensors: they round an
 * exact tie away from zero where Python rounds it to even (`0.03125` to 4 places: JS `0.0313`, Python
 * `0.0312`), and `toExponential` writes `1e+8` where Python writes `1e+08`. Rounding here works on the
 * double's exact binary value in BigInt arithmetic, so no tie is misjudged by an inexact multiplication.
 */

/** The exact value of a finite double's magnitude as `mantissa * 2^exponent`. */
function exactParts(x: number): [mantissa: bigint, exponent: number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  const fraction = bits & ((1n << 52n) - 1n);
  return biased === 0 ? [fraction, -1074] : [fraction | (1n << 52n), biased - 1075];
}

/** `|x| * 10^k` rounded to an integer, exact ties to even (Python's rounding of decimal conversions). */
function roundScaled(x: number, k: number): bigint {
  const [mantissa, exponent] = exactParts(x);
  let num = mantissa;
  let den = 1n;
  if (exponent >= 0) num <<= BigInt(exponent);
  else den <<= BigInt(-exponent);
  if (k >= 0) num *= 10n ** BigInt(k);
  else den *= 10n ** BigInt(-k);
  const q = num / den;
  const twice = 2n * (num - q * den);
  return twice > den || (twice === den && (q & 1n) === 1n) ? q + 1n : q;
}

/** Python's spelling of the non-finite values (`nan`, `inf`, `-inf`), or null for a finite x. */
function nonFinite(x: number): string | null {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  return x === -Infinity ? "-inf" : null;
}

/** The sign Python writes: negative numbers and negative zero get `-`. */
const sign = (x: number): string => (x < 0 || Object.is(x, -0) ? "-" : "");

/**
 * `x` with `digits` digits after the point, as Python's `'{:.{digits}f}'.format(x)`.
 * @example
 * ```ts
 * fixed(0.03125, 4); // "0.0312"
 * fixed(-0, 0);      // "-0"
 * ```
 */
export function fixed(x: number, digits: number): string {
  const special = nonFinite(x);
  if (special !== null) return special;
  const s = roundScaled(x, digits).toString().padStart(digits + 1, "0");
  return sign(x) + (digits === 0 ? s : `${s.slice(0, -digits)}.${s.slice(-digits)}`);
}

/**
 * `x` in scientific notation with `digits` digits after the point and an exponent of at least two
 * digits, as Python's `'{:.{digits}e}'.format(x)`.
 * @example
 * ```ts
 * scientific(1e8, 4);      // "1.0000e+08"
 * scientific(-0.00012, 2); // "-1.20e-04"
 * ```
 */
export function scientific(x: number, digits: number): string {
  const special = nonFinite(x);
  if (special !== null) return special;
  let power = x === 0 ? 0 : Math.floor(Math.log10(Math.abs(x)));
  let n = roundScaled(x, digits - power);
  // log10 of a double can be off by one near a power of ten; the integer comparison settles it.
  if (x !== 0 && n < 10n ** BigInt(digits)) n = roundScaled(x, digits - --power);
  else if (n >= 10n ** BigInt(digits + 1)) n = roundScaled(x, digits - ++power);
  const s = n.toString().padStart(digits + 1, "0"); // zero has one digit of its own
  const mantissa = digits === 0 ? s : `${s[0]}.${s.slice(1)}`;
  return `${sign(x)}${mantissa}e${power < 0 ? "-" : "+"}${String(Math.abs(power)).padStart(2, "0")}`;
}
