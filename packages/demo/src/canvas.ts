import { PNG } from "pngjs";
import { ADVANCE, glyphs } from "./font.js";

/** An sRGB colour, each channel 0–255. */
export type Rgb = readonly [number, number, number];

/**
 * An RGBA pixel buffer with the few drawing operations the demo's pictures need; `pngjs` encodes it.
 * @example
 * ```ts
 * const c = new Canvas(10, 10, [255, 255, 255]);
 * c.disc(5, 5, 2, [0, 0, 0]);
 * writeFileSync("dot.png", c.toPng());
 * ```
 */
export class Canvas {
  readonly png: PNG;

  constructor(readonly width: number, readonly height: number, background: Rgb) {
    this.png = new PNG({ width, height });
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) this.set(x, y, background);
  }

  /** Paints one pixel; points outside the canvas are ignored, so shapes may cross the edge. */
  set(x: number, y: number, [r, g, b]: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = 4 * (y * this.width + x);
    this.png.data[i] = r;
    this.png.data[i + 1] = g;
    this.png.data[i + 2] = b;
    this.png.data[i + 3] = 255;
  }

  /** The colour at a pixel. */
  get(x: number, y: number): Rgb {
    const i = 4 * (y * this.width + x);
    return [this.png.data[i]!, this.png.data[i + 1]!, this.png.data[i + 2]!];
  }

  /** A filled disc of radius `r` around (cx, cy). */
  disc(cx: number, cy: number, r: number, colour: Rgb): void {
    for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++) {
      for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) this.set(x, y, colour);
    }
  }

  /** A filled axis-aligned rectangle. */
  rect(x0: number, y0: number, w: number, h: number, colour: Rgb): void {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) this.set(x, y, colour);
  }

  /** Text in the built-in 5×7 font, each font pixel drawn as a `scale`×`scale` block; (x, y) is the top left. */
  text(x: number, y: number, text: string, colour: Rgb, scale = 2): void {
    [...text].forEach((ch, k) => {
      const glyph = glyphs[ch];
      if (glyph === undefined) throw new Error(`Canvas.text: no glyph for ${JSON.stringify(ch)}`);
      glyph.forEach((row, gy) => {
        [...row].forEach((cell, gx) => {
          if (cell === "#") this.rect(x + (k * ADVANCE + gx) * scale, y + gy * scale, scale, scale, colour);
        });
      });
    });
  }

  /** The picture as PNG bytes. */
  toPng(): Buffer {
    return PNG.sync.write(this.png);
  }
}
