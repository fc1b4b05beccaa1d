/**
 * Least-squares fits on log-log data: the exponents that the lecture predicts (cost ∝ n^α s^β) are the
 * slopes of log cost against log n and log s.
 */

/** Slope of the least-squares line through (log x, log y). NaN with fewer than two distinct x. */
export function logLogSlope(points: readonly (readonly [number, number])[]): number {
  const pts = points.map(([x, y]) => [Math.log(x), Math.log(y)] as const);
  if (new Set(pts.map(([u]) => u)).size < 2) return Number.NaN;
  const mu = pts.reduce((a, [u]) => a + u, 0) / pts.length;
  const mv = pts.reduce((a, [, v]) => a + v, 0) / pts.length;
  const num = pts.reduce((a, [u, v]) => a + (u - mu) * (v - mv), 0);
  const den = pts.reduce((a, [u]) => a + (u - mu) ** 2, 0);
  return num / den;
}

/**
 * Joint fit log y = c + α log a + β log b over all points: returns [α, β]. With cells at several n and
 * several s, this separates the two exponents even where the grid is ragged (skipped cells).
 */
export function jointLogFit(points: readonly { a: number; b: number; y: number }[]): [number, number] {
  const rows = points.map((p) => [1, Math.log(p.a), Math.log(p.b)] as const);
  const ys = points.map((p) => Math.log(p.y));
  // Normal equations (XᵀX) w = Xᵀy, 3×3, solved by Gaussian elimination with partial pivoting.
  const m = [0, 1, 2].map((i) => [...[0, 1, 2].map((j) => rows.reduce((s, r) => s + r[i]! * r[j]!, 0)), rows.reduce((s, r, k) => s + r[i]! * ys[k]!, 0)]);
  for (let c = 0; c < 3; c++) {
    const p = [c, c + 1, c + 2].filter((r) => r < 3).reduce((best, r) => (Math.abs(m[r]![c]!) > Math.abs(m[best]![c]!) ? r : best), c);
    [m[c], m[p]] = [m[p]!, m[c]!];
    if (Math.abs(m[c]![c]!) < 1e-12) return [Number.NaN, Number.NaN];
    for (let r = 0; r < 3; r++) {
      if (r === c) continue;
      const factor = m[r]![c]! / m[c]![c]!;
      for (let k = c; k < 4; k++) m[r]![k]! -= factor * m[c]![k]!;
    }
  }
  return [m[1]![3]! / m[1]![1]!, m[2]![3]! / m[2]![2]!];
}
