import { tensor } from "@tapegrad/core";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { boundsOf, CLASS_COLOURS, drawBoundary, fieldColour, grid } from "./boundary.js";

const bounds = { x0: -1, x1: 1, y0: -1, y1: 1 };
const size = 200;

/** p(class 1) = 1 right of x = 0.2, 0 left of it: the boundary is a vertical line. */
function picture() {
  const centres = grid(size, bounds);
  const probability = Float32Array.from({ length: size * size }, (_, i) => (centres.data[2 * i]! > 0.2 ? 1 : 0));
  const points = { x: tensor([[-0.5, -0.5], [0.6, -0.6]]), y: tensor([0, 1]) };
  return PNG.sync.read(drawBoundary({ size, bounds, probability, points }).toPng());
}

const pixel = (png: PNG, x: number, y: number) => Array.from(png.data.subarray(4 * (y * png.width + x), 4 * (y * png.width + x) + 3));

describe("the decision-boundary PNG", () => {
  const png = picture();

  it("decodes to a picture of the asked size", () => {
    expect([png.width, png.height]).toEqual([size, size]);
  });

  it("colours each side by the probability of class 1", () => {
    expect(pixel(png, 10, 150)).toEqual([...fieldColour(0)]);
    expect(pixel(png, 190, 150)).toEqual([...fieldColour(1)]);
    expect(fieldColour(0)[0]).toBeGreaterThan(fieldColour(0)[2]); // orange side
    expect(fieldColour(1)[2]).toBeGreaterThan(fieldColour(1)[0]); // blue side
    expect([...fieldColour(0.5)]).toEqual([255, 255, 255]);
  });

  it("draws the boundary as a dark line where p crosses ½", () => {
    // x = 0.2 falls between pixel columns 119 and 120; the line is drawn on the left one.
    const [r, g, b] = pixel(png, 119, 150);
    expect(Math.max(r!, g!, b!)).toBeLessThan(60);
    expect(pixel(png, 117, 150)).toEqual([...fieldColour(0)]);
  });

  it("puts each point at its place in its class colour, and the legend top left", () => {
    // (-0.5, -0.5) is pixel (50, 150) counted from the top left; (0.6, -0.6) is (160, 160).
    expect(pixel(png, 50, 150)).toEqual([...CLASS_COLOURS[0]]);
    expect(pixel(png, 160, 160)).toEqual([...CLASS_COLOURS[1]]);
    expect(pixel(png, 8 + 16, 8 + 15)).toEqual([...CLASS_COLOURS[0]]); // the class-0 swatch
    expect(pixel(png, 8, 40)).toEqual([150, 150, 150]); // the legend's frame
  });
});

describe("grid and boundsOf", () => {
  it("lists pixel centres row by row from the top", () => {
    expect(grid(2, { x0: 0, x1: 2, y0: 0, y1: 2 }).toArray()).toEqual([[0.5, 1.5], [1.5, 1.5], [0.5, 0.5], [1.5, 0.5]]);
  });

  it("widens the points' box by the margin", () => {
    expect(boundsOf(tensor([[0, 0], [1, 2], [-1, 1]]), 0.5)).toEqual({ x0: -1.5, x1: 1.5, y0: -0.5, y1: 2.5 });
  });
});
