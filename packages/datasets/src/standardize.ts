/**
 * Measures each column's mean and standard deviation on `reference` (row-major, `columns` wide) and
 * rescales every matrix in `targets` in place to (x − mean) / std. A constant column (digits has pixels
 * that are always 0) keeps std 1, so it becomes 0 rather than NaN.
 * @internal
 */
export function standardizeColumns(reference: Float32Array, columns: number, targets: readonly Float32Array[]): void {
  const rows = reference.length / columns;
  const mean = new Float64Array(columns);
  const sq = new Float64Array(columns);
  for (let i = 0; i < reference.length; i++) mean[i % columns]! += reference[i]! / rows;
  for (let i = 0; i < reference.length; i++) sq[i % columns]! += (reference[i]! - mean[i % columns]!) ** 2 / rows;
  const std = Array.from(sq, (v) => (v > 0 ? Math.sqrt(v) : 1));
  for (const m of targets) for (let i = 0; i < m.length; i++) m[i] = (m[i]! - mean[i % columns]!) / std[i % columns]!;
}
