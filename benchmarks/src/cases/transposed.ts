/**
 * The transpose of a row-major matrix: the layout change between frameworks that multiply `x·W` with
 * `W` stored `[in, out]` and PyTorch's `[out, in]` (its `Linear`, its `LSTM`'s weights).
 */

/** The transpose of a row-major `[rows, cols]` matrix, as a new row-major `[cols, rows]` one. */
export function transposed(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c]!;
  return out;
}
