import type { DType } from "../dtype.js";
import { ValueError } from "../errors.js";
import type { Tensor } from "../tensor.js";

/**
 * The few ops the engine applies itself: un-broadcasting and summing cotangents (backward), promoting
 * dtypes and fitting tangents (apply), stacking and slicing batches (jacfwd, vmap). The engine imports no
 * op module: the ops import the engine (every op function calls `apply`), so importing them back would
 * make one import cycle of the whole core. Instead the op registry hands them over once, when it is
 * evaluated (`ops/registry.ts`), and the engine reads them here.
 * @internal
 */
export interface EngineOps {
  add(x: Tensor, y: Tensor): Tensor;
  reshape(x: Tensor, shape: readonly number[]): Tensor;
  /** Sums over `axes`, dropping them. */
  sum(x: Tensor, axes: readonly number[]): Tensor;
  broadcastTo(x: Tensor, shape: readonly number[]): Tensor;
  cast(x: Tensor, dtype: DType): Tensor;
  concat(xs: readonly Tensor[], axis: number): Tensor;
  slice(x: Tensor, begin: readonly number[], size: readonly number[]): Tensor;
}

let provided: EngineOps | null = null;

/** Called once by the op registry with the ops the engine needs. @internal */
export function provideEngineOps(ops: EngineOps): void {
  provided = ops;
}

/** The ops the engine needs; the registry has provided them by the time any op can run. @internal */
export function engineOps(): EngineOps {
  if (provided === null) throw new ValueError("apply", `the op registry has not been loaded: import tapegrad from "@tapegrad/core"`);
  return provided;
}
