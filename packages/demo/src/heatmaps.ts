import { Canvas, type Rgb } from "./canvas.js";

/** A matrix of values to draw, row-major. */
export interface Heatmap {
  readonly rows: number;
  readonly cols: number;
  readonly values: ArrayLike<number>;
}

/** Blue for positive, red for negative, white for 0, scaled by `max` (the largest |value| of the picture). */
function diverging(v: number, max: number): Rgb {
  const t = Math.max(-1, Math.min(1, v / (max || 1)));
  const fade = (c: number): number => Math.round(255 - (255 - c) * Math.abs(t));
  return t >= 0 ? [fade(33), fade(102), fade(172)] : [fade(214), fade(96), fade(77)];
}

/** Black on white for values in [0, `max`] (images, attention weights). */
function grey(v: number, max: number): Rgb {
  const g = Math.round(255 * (1 - Math.max(0, Math.min(1, v / (max || 1)))));
  return [g, g, g];
}

/**
 * Draws a grid of heatmaps, `perRow` to a row, each cell `cell` pixels with a 1-pixel gap inside a map
 * and `margin` pixels between maps. `scheme` "diverging" (filters) shares one scale across all maps;
 * "grey" scales each map by its own largest value.
 * @example
 * ```ts
 * writeFileSync("filters.png", drawHeatmaps(filters, { perRow: 8, cell: 12, scheme: "diverging" }));
 * ```
 */
export function drawHeatmaps(maps: readonly Heatmap[], options: { perRow: number; cell: number; margin?: number; scheme: "diverging" | "grey" }): Buffer {
  const { perRow, cell, margin = 8, scheme } = options;
  // Each column of the grid is as wide as its widest map, so an image beside a long sequence stays small.
  const h = Math.max(...maps.map((m) => m.rows));
  const widths = Array.from({ length: Math.min(perRow, maps.length) }, (_, j) => Math.max(...maps.filter((_, k) => k % perRow === j).map((m) => m.cols)));
  const lefts = widths.map((_, j) => margin + widths.slice(0, j).reduce((a, w) => a + w * cell + margin, 0));
  const gridRows = Math.ceil(maps.length / perRow);
  const canvas = new Canvas(lefts.at(-1)! + widths.at(-1)! * cell + margin, margin + gridRows * (h * cell + margin), [255, 255, 255]);
  const shared = Math.max(...maps.flatMap((m) => Array.from(m.values, Math.abs)));
  maps.forEach((m, k) => {
    const [x0, y0] = [lefts[k % perRow]!, margin + Math.floor(k / perRow) * (h * cell + margin)];
    const max = scheme === "diverging" ? shared : Math.max(...Array.from(m.values));
    canvas.rect(x0 - 1, y0 - 1, m.cols * cell + 1, m.rows * cell + 1, [200, 200, 200]);
    for (let r = 0; r < m.rows; r++) {
      for (let c = 0; c < m.cols; c++) {
        const v = m.values[r * m.cols + c]!;
        canvas.rect(x0 + c * cell, y0 + r * cell, cell - 1, cell - 1, scheme === "diverging" ? diverging(v, max) : grey(v, max));
      }
    }
  });
  return canvas.toPng();
}
