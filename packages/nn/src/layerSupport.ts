import { checkDType, ShapeError, Tensor, ValueError, type DType, type Rng } from "@tapegrad/core";
import type { Init } from "./init.js";

/** What every layer's constructor takes besides its sizes: where initial values come from and their dtype. */
export interface LayerOptions {
  /** Generator for the initial values; core's default generator (see `manualSeed`) otherwise. */
  rng?: Rng;
  /** Element type of the parameters and buffers; float32 by default (float64 for exact checks). */
  dtype?: DType;
}

/** The checked dtype of a layer's options, refused under the layer's name. @internal */
export const layerDType = (layer: string, options: LayerOptions | undefined): DType => checkDType(layer, options?.dtype ?? "float32");

/** A fresh trainable tensor drawn by `init`. @internal */
export function parameter(init: Init, shape: readonly number[], options: LayerOptions | undefined, dtype: DType): Tensor {
  const t = init(shape, options?.rng === undefined ? { dtype } : { rng: options.rng, dtype });
  t.requiresGrad = true;
  return t;
}

/** Refuses a size that is not a positive integer, naming the layer, the argument and all sizes given. @internal */
export function checkSizes(layer: string, sizes: Readonly<Record<string, number>>): void {
  for (const [name, n] of Object.entries(sizes)) {
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1) {
      throw new ShapeError(layer, `${name} must be a positive integer, got ${String(n)}`, [Object.values(sizes)]);
    }
  }
}

/** Refuses an argument that is not a Tensor. @internal */
export function checkTensor(layer: string, argument: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(layer, `${argument} must be a Tensor (got ${String(x)})`);
  return x;
}

/** Refuses an input that is not a Tensor, or whose rank is not one of `ranks` (`layout` says what is expected). @internal */
export function checkInput(layer: string, argument: string, x: unknown, ranks: readonly number[], layout: string): Tensor {
  const t = checkTensor(layer, argument, x);
  if (!ranks.includes(t.shape.length)) throw new ShapeError(layer, `${argument} must be ${layout}, got rank ${t.shape.length}`, [t.shape]);
  return t;
}

/** Refuses an input whose dimension `axis` is not `size` (`what` names the dimension). @internal */
export function checkDim(layer: string, argument: string, x: Tensor, axis: number, size: number, what: string): void {
  const at = axis < 0 ? x.shape.length + axis : axis;
  if (x.shape[at] !== size) throw new ShapeError(layer, `${argument} must have ${what} = ${size} in dimension ${at}, got ${String(x.shape[at])}`, [x.shape]);
}

/** Refuses an option that is not a finite number in [low, high]. @internal */
export function checkRange(layer: string, option: string, v: number, low: number, high: number): void {
  if (typeof v !== "number" || !(v >= low && v <= high)) throw new ValueError(layer, `option ${option} must be a number in [${low}, ${high}] (got ${String(v)})`);
}
