import { concat, pad, type Tensor } from "@tapegrad/core";

/**
 * The 8×8 images `x` `[n, 64]` and four copies shifted by one pixel (up, down, left, right; the pixel
 * that comes in is blank), with the labels repeated: five times the data, which teaches the small models
 * that a digit one pixel off is still the same digit.
 * @example
 * ```ts
 * const { x, y } = shiftedCopies(train.x, train.y); // x [5n, 64], y [5n]
 * ```
 */
export function shiftedCopies(x: Tensor, y: Tensor): { x: Tensor; y: Tensor } {
  const n = x.shape[0]!;
  const padded = pad(x.reshape([n, 8, 8]), [0, 1, 1], [0, 1, 1]);
  const shifted = (dy: number, dx: number): Tensor => padded.slice([0, 1 + dy, 1 + dx], [n, 8, 8]).reshape([n, 64]);
  return { x: concat([x, shifted(-1, 0), shifted(1, 0), shifted(0, -1), shifted(0, 1)], 0), y: concat([y, y, y, y, y], 0) };
}
