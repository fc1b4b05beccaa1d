/** A count people can read at a glance: 980, 12.3 k, 4.56 M, 7.89 G. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const units = [[1e9, " G"], [1e6, " M"], [1e3, " k"]] as const;
  for (const [size, suffix] of units) if (Math.abs(n) >= size) return `${(n / size).toPrecision(3)}${suffix}`;
  return String(Math.round(n));
}

/** A loss to four significant digits (NaN and ∞ shown as such, since a too-large rate produces them). */
export function formatLoss(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(4) : String(x);
}
