import { noGrad, tensor } from "@tapegrad/core";
import type { Module } from "@tapegrad/nn";
import type { Region } from "./data.js";

/**
 * The network's probability of class 1 on a `cells × cells` grid over `region`, row by row from the
 * top (largest y) down, as an image is laid out. One batched forward pass without taping.
 */
export function probabilityField(model: Module, region: Region, cells: number): Float32Array {
  const xy = new Float32Array(cells * cells * 2);
  const step = region.size / cells;
  for (let row = 0; row < cells; row++) {
    for (let col = 0; col < cells; col++) {
      const i = 2 * (row * cells + col);
      xy[i] = region.xMin + (col + 0.5) * step;
      xy[i + 1] = region.yMin + region.size - (row + 0.5) * step;
    }
  }
  return noGrad(() => {
    const p = model.forward(tensor(xy, { shape: [cells * cells, 2] })).sigmoid();
    return Float32Array.from(p.data);
  });
}
