import { tensor, type Tensor } from "@tapegrad/core";
import { Canvas, type Rgb } from "./canvas.js";

/** The plane region a picture shows. */
export interface Bounds {
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
}

/**
 * Class colours: orange for class 0, blue for class 1, the playground's (packages/playground/src/app/draw.ts),
 * so that every picture in the docs colours a class the same way. The field fades from one through white
 * to the other.
 */
export const CLASS_COLOURS: readonly [Rgb, Rgb] = [[245, 147, 34], [8, 119, 189]];
const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [30, 30, 30];
/** How far the field goes from white toward a class colour at p = 0 or 1; lighter than the points. */
const FIELD_STRENGTH = 0.55;

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [0, 1, 2].map((i) => Math.round(a[i]! + (b[i]! - a[i]!) * t)) as unknown as Rgb;

/**
 * The colour of probability p of class 1: white at ½, toward orange below and blue above.
 * @example
 * ```ts
 * fieldColour(0.5); // [255, 255, 255]
 * ```
 */
export function fieldColour(p: number): Rgb {
  const t = Math.min(1, Math.abs(2 * p - 1)) * FIELD_STRENGTH;
  return mix(WHITE, CLASS_COLOURS[p >= 0.5 ? 1 : 0], t);
}

/**
 * The points' bounding box widened by `margin` on every side.
 * @example
 * ```ts
 * boundsOf(tensor([[0, 0], [1, 2]]), 0.5); // { x0: -0.5, x1: 1.5, y0: -0.5, y1: 2.5 }
 * ```
 */
export function boundsOf(points: Tensor, margin: number): Bounds {
  const d = points.data;
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < d.length; i += 2) {
    [x0, x1, y0, y1] = [Math.min(x0, d[i]!), Math.max(x1, d[i]!), Math.min(y0, d[i + 1]!), Math.max(y1, d[i + 1]!)];
  }
  return { x0: x0 - margin, x1: x1 + margin, y0: y0 - margin, y1: y1 + margin };
}

/** Plane coordinates of pixel (px, py)'s centre; row 0 is the top, so y falls as py grows. */
function toPlane(px: number, py: number, size: number, b: Bounds): [number, number] {
  return [b.x0 + ((px + 0.5) / size) * (b.x1 - b.x0), b.y1 - ((py + 0.5) / size) * (b.y1 - b.y0)];
}

/**
 * The centre of every pixel of a `size`×`size` picture of `bounds`, row by row from the top: a
 * `[size², 2]` tensor to run the model on.
 * @example
 * ```ts
 * grid(2, { x0: 0, x1: 2, y0: 0, y1: 2 }).toArray(); // [[0.5,1.5],[1.5,1.5],[0.5,0.5],[1.5,0.5]]
 * ```
 */
export function grid(size: number, bounds: Bounds): Tensor {
  const out = new Float32Array(2 * size * size);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) out.set(toPlane(px, py, size, bounds), 2 * (py * size + px));
  }
  return tensor(out, { shape: [size * size, 2] });
}

/** What the picture shows. */
export interface BoundaryPicture {
  /** Pixels per side. */
  readonly size: number;
  readonly bounds: Bounds;
  /** p(class 1) at each pixel of `grid(size, bounds)`, row by row from the top. */
  readonly probability: ArrayLike<number>;
  /** The training points: `x` is `[n, 2]`, `y` holds 0 or 1. */
  readonly points: { readonly x: Tensor; readonly y: Tensor };
}

/**
 * Draws the lecture's closing figure: the probability of class 1 as a colour field, the decision
 * boundary p = ½ as a dark line, the points in their class colours, and a legend in the top left.
 * @example
 * ```ts
 * writeFileSync("boundary.png", drawBoundary({ size, bounds, probability, points }).toPng());
 * ```
 */
export function drawBoundary({ size, bounds, probability: p, points }: BoundaryPicture): Canvas {
  const c = new Canvas(size, size, WHITE);
  const side = (i: number): boolean => p[i]! >= 0.5;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const i = py * size + px;
      const edge = (px + 1 < size && side(i) !== side(i + 1)) || (py + 1 < size && side(i) !== side(i + size));
      c.set(px, py, edge ? INK : fieldColour(p[i]!));
    }
  }
  const toPixel = (x: number, y: number): [number, number] => [
    ((x - bounds.x0) / (bounds.x1 - bounds.x0)) * size - 0.5,
    ((bounds.y1 - y) / (bounds.y1 - bounds.y0)) * size - 0.5,
  ];
  for (let i = 0; i < points.y.size; i++) {
    const [px, py] = toPixel(points.x.data[2 * i]!, points.x.data[2 * i + 1]!);
    c.disc(px, py, 4.5, WHITE);
    c.disc(px, py, 3.2, CLASS_COLOURS[points.y.data[i] === 1 ? 1 : 0]);
  }
  legend(c);
  return c;
}

/** The key: a swatch per class and a stroke for the boundary, in a white box with a grey frame. */
function legend(c: Canvas): void {
  const [x, y, w, h] = [8, 8, 162, 78];
  c.rect(x, y, w, h, [150, 150, 150]);
  c.rect(x + 1, y + 1, w - 2, h - 2, WHITE);
  CLASS_COLOURS.forEach((colour, k) => {
    c.disc(x + 16, y + 15 + 24 * k, 5, colour);
    c.text(x + 32, y + 8 + 24 * k, `class ${k}`, INK);
  });
  c.rect(x + 8, y + 62, 16, 2, INK);
  c.text(x + 32, y + 56, "p(1) = 0.5", INK);
}
