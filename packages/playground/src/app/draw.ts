/// <reference lib="dom" />
import type { Split } from "@tapegrad/datasets";
import type { Region } from "./data.js";
import type { LossPoint } from "./trainer.js";

/** Class 0 and class 1, as RGB. */
const classColours = [
  [245, 147, 34],
  [8, 119, 189],
] as const;

/** How far the field moves from white towards a class colour at certainty 1 (points stay readable on top). */
const fieldStrength = 0.65;

/**
 * Paints the probability field (`cells × cells`, rows from the top) over the whole canvas: white where
 * the network is undecided, shading into a class's colour as it grows sure of that class.
 */
export function drawField(ctx: CanvasRenderingContext2D, field: Float32Array, cells: number): void {
  const image = new ImageData(cells, cells);
  for (let i = 0; i < field.length; i++) {
    // A diverged network (too large a rate) gives NaN: show it as undecided rather than as black.
    const p = Number.isFinite(field[i]) ? field[i]! : 0.5;
    const colour = classColours[p < 0.5 ? 0 : 1];
    const t = Math.min(1, Math.abs(p - 0.5) * 2) * fieldStrength;
    image.data[4 * i] = 255 + (colour[0] - 255) * t;
    image.data[4 * i + 1] = 255 + (colour[1] - 255) * t;
    image.data[4 * i + 2] = 255 + (colour[2] - 255) * t;
    image.data[4 * i + 3] = 255;
  }
  const small = new OffscreenCanvas(cells, cells);
  small.getContext("2d")!.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(small, 0, 0, ctx.canvas.width, ctx.canvas.height);
}

/** Draws the points of a set over the field: training points ringed in white, test points in black. */
export function drawPoints(ctx: CanvasRenderingContext2D, set: Split, region: Region, ring: "white" | "black"): void {
  const { width, height } = ctx.canvas;
  const radius = Math.max(2, width / 110);
  const xy = set.x.data, labels = set.y.data;
  ctx.lineWidth = 1;
  ctx.strokeStyle = ring;
  for (let i = 0; i < labels.length; i++) {
    const [r, g, b] = classColours[labels[i]! > 0.5 ? 1 : 0];
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.beginPath();
    ctx.arc(((xy[2 * i]! - region.xMin) / region.size) * width, (1 - (xy[2 * i + 1]! - region.yMin) / region.size) * height, radius, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }
}

/** The train (dark) and test (grey) loss against the step, on a shared axis from 0 to the largest loss seen. */
export function drawCurves(ctx: CanvasRenderingContext2D, history: readonly LossPoint[]): void {
  const { width, height } = ctx.canvas;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, width, height);
  const last = history.at(-1);
  if (last === undefined || last.step === 0) return;
  const finite = history.flatMap((p) => [p.train, p.test]).filter(Number.isFinite);
  const top = Math.max(...finite, 1e-9);
  const pad = 4;
  // Long runs are drawn from a subsample: one point per pixel column is all the canvas can show.
  const stride = Math.max(1, Math.ceil(history.length / width));
  for (const [key, colour] of [["test", "#999"], ["train", "#222"]] as const) {
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    for (let i = 0; i < history.length; i += stride) {
      const p = history[i]!;
      const x = pad + (p.step / last.step) * (width - 2 * pad);
      const y = pad + (1 - Math.min(p[key], top) / top) * (height - 2 * pad);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.stroke();
  }
  // The scale, so that curves of different runs can be compared.
  ctx.fillStyle = "#777";
  ctx.font = "10px sans-serif";
  ctx.textBaseline = "top";
  ctx.textAlign = "right";
  ctx.fillText(`loss axis 0 to ${top.toPrecision(2)}`, width - pad, pad);
  ctx.textAlign = "right";
  ctx.textBaseline = "bottom";
  ctx.fillText(`step ${last.step}`, width - pad, height - pad);
}
